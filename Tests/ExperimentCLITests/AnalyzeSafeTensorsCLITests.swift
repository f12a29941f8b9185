import Foundation
import XCTest

/// `experiment analyze --checkpoint <safetensors base>` (issue 15 item 7) on the fixtures of
/// scripts/make-safetensors-base-fixtures.py (Tests/Fixtures/safetensors-base): a tiny random Llama in BF16 sharded into
/// five files with `model.safetensors.index.json`, and a PEFT CAUSAL_LM adapter on q_proj and v_proj (r = 4). Table 7's
/// numbers equal numpy's on the same stored values (`expected.json`) within 1e-9 relative: both sides compute in f64 from
/// the same exactly widened BF16 values, so only LAPACK round-off (< 1e-13) and the CSV's 10 significant digits
/// (≤ 5e-10) separate them (the derivation is in `SafeTensorsBaseAnalysisTests`). Broken bases exit 1 with a message
/// naming the file, the tensor or field, and the reason, and write nothing.
final class AnalyzeSafeTensorsCLITests: XCTestCase {
    static let fixtures = AnalyzeLlamaCLITests.repository.appendingPathComponent("Tests/Fixtures/safetensors-base")
    let q0 = "model.layers.0.self_attn.q_proj.weight"

    struct Expected: Decodable { var layer: Int; var matrix: String; var projection_norm_delta_w: Double; var weight_norm: Double
                                 var delta_norm: Double; var amplification: Double }

    func testShardedBF16LlamaBaseMatchesNumpy() throws {
        let s = try CLISandbox()
        let r = try s.run("analyze", "--checkpoint", Self.fixtures.appendingPathComponent("llama-bf16-sharded").path,
                          Self.fixtures.appendingPathComponent("llama-qv-r4").path, "--output", "out")
        XCTAssertEqual(r.status, 0, r.stderr)
        let expected = try JSONDecoder().decode([String: [Expected]].self,
                                                from: Data(contentsOf: Self.fixtures.appendingPathComponent("expected.json")))["llama-bf16-sharded"]!
        let lines = try s.read("out/weight_projection.csv").split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        func column(_ name: String) -> Int { lines[0].firstIndex(of: name)! }
        for e in expected {
            let row = try XCTUnwrap(lines.dropFirst().first {
                $0[column("layer")] == String(e.layer) && $0[column("matrix")] == e.matrix && $0[column("directions_from")] == "delta_w"
            })
            for (name, value) in [("projection_norm", e.projection_norm_delta_w), ("weight_norm", e.weight_norm),
                                  ("delta_norm", e.delta_norm), ("amplification", e.amplification)] {
                XCTAssertEqual(try XCTUnwrap(Double(row[column(name)])), value, accuracy: 1e-9 * value, "layer \(e.layer) \(e.matrix) \(name)")
            }
        }
        XCTAssertEqual(lines.dropFirst().filter { $0[column("directions_from")] == "delta_w" }.count, expected.count)
    }

    /// The sharded fixture copied into the sandbox as `base/`, to break.
    func base(_ s: CLISandbox) throws -> URL {
        let dir = s.root.appendingPathComponent("base")
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("llama-bf16-sharded"), to: dir)
        return dir
    }

    func analyze(_ s: CLISandbox) throws -> CLISandbox.Result {
        try s.run("analyze", "--checkpoint", "base", Self.fixtures.appendingPathComponent("llama-qv-r4").path, "--output", "out")
    }

    func assertRefused(_ r: CLISandbox.Result, _ s: CLISandbox, mentions: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 1, r.stderr, file: file, line: line)
        XCTAssertTrue(r.stderr.hasPrefix("error: "), r.stderr, file: file, line: line)
        for m in mentions { XCTAssertTrue(r.stderr.contains(m), "\(r.stderr) does not mention \(m)", file: file, line: line) }
        XCTAssertFalse(s.exists("out"), "nothing written", file: file, line: line)
    }

    func testMalformedIndex() throws {
        let s = try CLISandbox()
        let index = try base(s).appendingPathComponent("model.safetensors.index.json")
        try Data(#"{"weight_map": {"model.norm.weight": "model-00005-of-00005.safetensors" "#.utf8).write(to: index)
        assertRefused(try analyze(s), s, mentions: [index.path, "not valid JSON", "at byte"])
        try Data(#"{"weight_map": {"\#(q0)": 1}}"#.utf8).write(to: index)
        assertRefused(try analyze(s), s, mentions: [index.path, "field 'weight_map'", q0, "the shard is a number, not a file name"])
    }

    func testMissingShard() throws {
        let s = try CLISandbox()
        let dir = try base(s)
        let index = dir.appendingPathComponent("model.safetensors.index.json")
        let map = try JSONDecoder().decode([String: [String: String]].self, from: Data(contentsOf: index).replacingMetadata())["weight_map"]!
        try FileManager.default.removeItem(at: dir.appendingPathComponent(map[q0]!))
        assertRefused(try analyze(s), s, mentions: [index.path, q0, map[q0]!, "which does not exist"])
    }

    func testUnknownDType() throws {
        let s = try CLISandbox()
        let dir = try base(s)
        let map = try JSONDecoder().decode([String: [String: String]].self,
                                           from: Data(contentsOf: dir.appendingPathComponent("model.safetensors.index.json")).replacingMetadata())["weight_map"]!
        let shard = dir.appendingPathComponent(map[q0]!)
        try rewriteHeader(of: shard, replacing: "\"\(q0)\":{\"dtype\":\"BF16\"", with: "\"\(q0)\":{\"dtype\":\"BX16\"")
        assertRefused(try analyze(s), s, mentions: [shard.path, q0, "unknown dtype \"BX16\""])
    }

    /// An adapter of another family than the base's (a BERT adapter on the Llama base), and a base of a family analyze
    /// does not read.
    func testWrongFamily() throws {
        let s = try CLISandbox()
        let dir = try base(s)
        let r = try s.run("analyze", "--checkpoint", "base", Self.fixtures.appendingPathComponent("bert-qv-r4").path, "--output", "out")
        assertRefused(r, s, mentions: ["bert-qv-r4/adapter_config.json", "field 'target_modules'", "names no module this harness can adapt"])
        let config = dir.appendingPathComponent("config.json")
        let text = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: #""model_type": "llama""#, with: #""model_type": "gpt2""#)
        try text.write(to: config, atomically: true, encoding: .utf8)
        assertRefused(try analyze(s), s, mentions: [config.path, "field 'model_type'", "\"gpt2\" is not a family analyze reads"])
    }

    /// A base whose W has another shape than the adapter's factors fit (the shard's header says q_proj is 128 × 32, the
    /// same bytes): the adapter file, its tensor, its shape and the shape the base requires.
    func testShapeMismatchWithTheAdapter() throws {
        let s = try CLISandbox()
        let dir = try base(s)
        let map = try JSONDecoder().decode([String: [String: String]].self,
                                           from: Data(contentsOf: dir.appendingPathComponent("model.safetensors.index.json")).replacingMetadata())["weight_map"]!
        let shard = dir.appendingPathComponent(map[q0]!)
        try rewriteHeader(of: shard, replacing: "\"\(q0)\":{\"dtype\":\"BF16\",\"shape\":[64,64]",
                          with: "\"\(q0)\":{\"dtype\":\"BF16\",\"shape\":[128,32]")
        assertRefused(try analyze(s), s, mentions: ["llama-qv-r4/adapter_model.safetensors", "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
                                                    "has shape [4, 64], expected [4, 32]"])
    }

    /// Replaces `old` by `new` in a safetensors file's header and rewrites its 8-byte length prefix.
    func rewriteHeader(of file: URL, replacing old: String, with new: String) throws {
        let bytes = try Data(contentsOf: file)
        let n = Int(bytes.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
        let header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
        XCTAssertTrue(header.contains(old), header)
        let edited = Data(header.replacingOccurrences(of: old, with: new).utf8)
        var out = Data()
        withUnsafeBytes(of: UInt64(edited.count).littleEndian) { out.append(contentsOf: $0) }
        try (out + edited + bytes[(8 + n)...]).write(to: file)
    }
}

private extension Data {
    /// The index without its `metadata` object (numbers), so it decodes as string maps.
    func replacingMetadata() throws -> Data {
        var object = try JSONSerialization.jsonObject(with: self) as! [String: Any]
        object.removeValue(forKey: "metadata")
        return try JSONSerialization.data(withJSONObject: object)
    }
}
