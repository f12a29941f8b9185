import Foundation
import XCTest

/// Malformed-input corpus, files a user brings: checkpoints, adapters, cached results. Each: exit status, message,
/// nothing written.
final class InputFilesCLITests: XCTestCase {
    /// A checkpoint holding NaN: `inspect --json` exits 1 with nothing on stdout (never invalid JSON) and names the tensor.
    func testInspectJSONRefusesNonFiniteValues() throws {
        let s = try CLISandbox()
        let good = try s.tinyCheckpoint("tiny")
        let ok = try s.run("inspect", good.path, "--text", "a small dog", "--json")
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)))
        let bad = try s.tinyCheckpoint("nan", poison: "encoder.layer.1.attention.self.value.weight")
        let r = try s.run("inspect", bad.path, "--text", "a small dog", "--json")
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.hasPrefix("error: the pooled hidden state has "), r.stderr)
        XCTAssertTrue(r.stderr.contains("NaN or infinite values of 48; tensor 'encoder.layer.1.attention.self.value.weight' of \(bad.path)/model.safetensors holds NaN or infinite values; JSON cannot represent them, so nothing is printed"), r.stderr)
    }

    /// A text longer than the model's positions is an error for inspect (it used to be cut without a word).
    func testInspectRefusesTextOverMaxPositions() throws {
        let s = try CLISandbox()
        let dir = try s.tinyCheckpoint("tiny")
        let text = Array(repeating: "dog", count: 200).joined(separator: " ")
        let r = try s.run("inspect", dir.path, "--text", text, "--json")
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, "error: --text is 202 tokens ([CLS] and [SEP] included), more than the model's 128 positions; shorten it (inspect never truncates)\n")
    }

    /// Sizes beyond any encoder in config.json: a clear error naming file and field (it used to abort or trap).
    func testHugeConfigSizesAreRefused() throws {
        let s = try CLISandbox()
        let dir = try s.tinyCheckpoint("big")
        let config = dir.appendingPathComponent("config.json")
        let text = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: #""num_hidden_layers": 2"#, with: #""num_hidden_layers": 4611686018427387904"#)
        try text.write(to: config, atomically: true, encoding: .utf8)
        let r = try s.run("inspect", dir.path)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "error: \(config.path): field 'num_hidden_layers': 4611686018427387904 exceeds the largest supported value 1024\n")
        try s.write("spec.json", #"{"name": "big", "model": {"checkpoint": "big"}, "task": {"kind": "planted-rank"}, "adapters": [{"targets": ["q"], "ranks": [1]}], "training": {"steps": 1}}"#)
        let run = try s.run("run", "spec.json")
        XCTAssertEqual(run.status, 2)
        XCTAssertEqual(run.stderr, "error: \(config.path): num_hidden_layers: 4611686018427387904 exceeds the largest supported value 1024\n")
        XCTAssertFalse(s.exists("results"))
    }

    /// An adapter_config.json with a wrong field, and analyze's own argument errors.
    func testAnalyzeErrors() throws {
        let s = try CLISandbox()
        let spec = try s.toySpec(ranks: "[1]")
        XCTAssertEqual(try s.run("run", spec).status, 0)
        let runs = try FileManager.default.contentsOfDirectory(atPath: s.root.appendingPathComponent("results/toy/runs").path)
        let adapter = "results/toy/runs/\(try XCTUnwrap(runs.first { !$0.hasSuffix(".lock") }))/adapter"
        let ckpt = try s.tinyCheckpoint("tiny").path
        let twice = try s.run("analyze", "--checkpoint", ckpt, adapter, "./" + adapter)
        XCTAssertEqual(twice.status, 64)
        XCTAssertTrue(twice.stderr.hasPrefix("Error: adapter directory \(s.root.resolvingSymlinksInPath().path)/\(adapter) is given twice (arguments 1 and 2)"), twice.stderr)
        let bounds = try s.run("analyze", "--checkpoint", ckpt, adapter, "--max-i", "0", "--max-j=-5")
        XCTAssertEqual(bounds.status, 64)
        XCTAssertTrue(bounds.stderr.hasPrefix("Error: --max-i must be at least 1, got 0"), bounds.stderr)
        let config = s.root.appendingPathComponent(adapter + "/adapter_config.json")
        for (edit, reason) in [((#""bias" : "none""#, #""bias" : "all""#), "field 'bias': only \"none\" is supported"),
                               ((#""r" : 1"#, #""r" : "1""#), "field 'r': expected an integer, got a string")] {
            let original = try String(contentsOf: config, encoding: .utf8)
            try original.replacingOccurrences(of: edit.0, with: edit.1).write(to: config, atomically: true, encoding: .utf8)
            defer { try? original.write(to: config, atomically: true, encoding: .utf8) }
            let r = try s.run("analyze", "--checkpoint", ckpt, adapter, "--output", "out")
            XCTAssertEqual(r.status, 1)
            XCTAssertTrue(r.stderr.hasPrefix("error: \(config.path): \(reason)"), r.stderr)
            XCTAssertFalse(r.stderr.contains("DecodingError") || r.stderr.contains("CodingKeys"), r.stderr)
            XCTAssertFalse(s.exists("out"))
        }
    }

    /// A cached final.json that is not a run outcome: report names the file, the field and the reason, writes nothing.
    func testInvalidCachedFinalJSON() throws {
        let s = try CLISandbox()
        let spec = try s.toySpec(ranks: "[1]")
        XCTAssertEqual(try s.run("run", spec).status, 0)
        let runs = try FileManager.default.contentsOfDirectory(atPath: s.root.appendingPathComponent("results/toy/runs").path)
        let final = s.root.appendingPathComponent("results/toy/runs/\(try XCTUnwrap(runs.first { !$0.hasSuffix(".lock") }))/final.json")
        let text = try String(contentsOf: final, encoding: .utf8).replacingOccurrences(of: #""status" : "finished""#, with: #""status" : 3"#)
        try text.write(to: final, atomically: true, encoding: .utf8)
        let before = s.snapshot()
        for args in [["report", spec], ["run", spec]] {
            let r = try s.run(args)
            XCTAssertEqual(r.status, 1, "\(args)")
            XCTAssertEqual(r.stderr, "error: \(final.path): field 'status': expected a string, got a number\n", "\(args)")
            XCTAssertEqual(s.snapshot(), before, "\(args): nothing written")
        }
    }
}
