import Foundation
import XCTest

/// `experiment analyze --checkpoint <GGUF folder>` on PEFT's own CAUSAL_LM adapters for SmolLM2-135M-Instruct (issue 15
/// item 7): the adapters (`Tests/Fixtures/peft-llama/r4`, `r8`: q_proj and v_proj of layers 0 and 1, random A and B,
/// written by scripts/make-peft-llama-adapters.py with PEFT's save_pretrained) are read under PEFT's
/// `base_model.model.model.layers.N.self_attn.*` names, the base W comes from the GGUF file (dequantised, q rows
/// un-permuted to Hugging Face order), and Table 7's ‖UᵀWV‖_F, ‖W‖_F and ‖ΔW‖_F equal numpy's on transformers' weights
/// (`reference.json`). Tolerance 1e-5 relative: both sides hold the same float32 weights and compute in float64, so
/// only the SVDs' round-off differs. A q row order other than Hugging Face's would move ‖UᵀWV‖_F far beyond it.
/// Skipped when the GGUF file is absent (scripts/setup.sh fetches it).
final class AnalyzeLlamaCLITests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Reference: Decodable { var layer: Int; var matrix: String; var projection_norm: Double; var weight_norm: Double; var delta_norm: Double }

    func testTable7OnPEFTLlamaAdaptersOverAGGUFBaseMatchesNumpy() throws {
        let gguf = Self.repository.appendingPathComponent("models/SmolLM2-135M-Instruct")
        guard FileManager.default.fileExists(atPath: gguf.path) else { throw XCTSkip("no SmolLM2 GGUF in models/ (run scripts/setup.sh)") }
        let fixtures = Self.repository.appendingPathComponent("Tests/Fixtures/peft-llama")
        let reference = try JSONDecoder().decode([String: [Reference]].self, from: Data(contentsOf: fixtures.appendingPathComponent("reference.json")))
        let s = try CLISandbox()
        let r = try s.run("analyze", "--checkpoint", gguf.path, fixtures.appendingPathComponent("r4").path,
                          fixtures.appendingPathComponent("r8").path, "--output", "out")
        XCTAssertEqual(r.status, 0, r.stderr)
        let csv = try String(contentsOf: s.root.appendingPathComponent("out/weight_projection.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0]
        func column(_ name: String) -> Int { header.firstIndex(of: name)! }
        var checked = 0
        for (name, rows) in reference {
            let rank = Int(name.dropFirst())!
            for ref in rows {
                let row = try XCTUnwrap(lines.dropFirst().first {
                    $0[column("layer")] == String(ref.layer) && $0[column("matrix")] == ref.matrix && $0[column("rank")] == String(rank)
                        && $0[column("directions_from")] == "delta_w"
                }, "\(name) layer \(ref.layer) \(ref.matrix)")
                for (col, expected) in [("projection_norm", ref.projection_norm), ("weight_norm", ref.weight_norm), ("delta_norm", ref.delta_norm)] {
                    let ours = try XCTUnwrap(Double(row[column(col)]))
                    XCTAssertEqual(ours, expected, accuracy: 1e-5 * expected, "\(name) layer \(ref.layer) \(ref.matrix) \(col)")
                }
                checked += 1
            }
        }
        XCTAssertEqual(checked, 8)
        XCTAssertTrue(FileManager.default.fileExists(atPath: s.root.appendingPathComponent("out/report.md").path))
    }
}

/// `experiment predict` on a causal LM: PEFT's own adapters swapped on one loaded SmolLM2, each input continued greedily;
/// the token ids equal transformers + PEFT's `generate(do_sample=False)` with the same adapter
/// (`Tests/Fixtures/peft-llama/generation.json`, scripts/make-peft-llama-generation.py), unmerged and merged alike.
final class PredictCausalLMCLITests: XCTestCase {
    struct Fixture: Decodable { var prompt: String; var max_new_tokens: Int; var continuations: [String: [Int32]] }
    struct Line: Decodable { var adapter: String; var id: String; var generation: String; var tokens: [Int32] }

    func testGreedyContinuationsMatchTransformersWithEachAdapter() throws {
        let gguf = AnalyzeLlamaCLITests.repository.appendingPathComponent("models/SmolLM2-135M-Instruct")
        guard FileManager.default.fileExists(atPath: gguf.path) else { throw XCTSkip("no SmolLM2 GGUF in models/ (run scripts/setup.sh)") }
        let fixtures = AnalyzeLlamaCLITests.repository.appendingPathComponent("Tests/Fixtures/peft-llama")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: fixtures.appendingPathComponent("generation.json")))
        let s = try CLISandbox()
        for merged in [false, true] {
            var args = ["predict", gguf.path, "--adapter", fixtures.appendingPathComponent("r4").path, "--adapter",
                        fixtures.appendingPathComponent("r8").path, "--text", fixture.prompt, "--max-new-tokens", String(fixture.max_new_tokens)]
            if merged { args.append("--merged") }
            let r = try s.run(args)
            XCTAssertEqual(r.status, 0, r.stderr)
            let lines = try r.stdout.split(separator: "\n").map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
            XCTAssertEqual(lines.map { URL(fileURLWithPath: $0.adapter).lastPathComponent }, ["r4", "r8"])
            for line in lines {
                XCTAssertEqual(line.tokens, fixture.continuations[URL(fileURLWithPath: line.adapter).lastPathComponent], "merged: \(merged)")
                XCTAssertFalse(line.generation.isEmpty)
            }
        }
        let head = try s.run("predict", gguf.path, "--adapter", fixtures.appendingPathComponent("r4").path, "--head", "x", "--text", "a")
        XCTAssertEqual(head.status, 2)
        XCTAssertTrue(head.stderr.contains("--head is for classifiers"), head.stderr)
    }
}
