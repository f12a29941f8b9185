import Foundation
import XCTest

/// Malformed-input corpus, training: signals, huge step counts, the dry run, divergence.
final class TrainingCLITests: XCTestCase {
    /// SIGTERM and Ctrl-C checkpoint the current step and exit 143 / 130; the next run resumes from that step.
    func testSignalsCheckpointAndExitWithTheConventionalStatus() throws {
        for (signal, status, name) in [(SIGTERM, Int32(143), "SIGTERM"), (SIGINT, Int32(130), "Ctrl-C (SIGINT)")] {
            let s = try CLISandbox()
            let spec = try s.toySpec(ranks: "[1]", training: #""steps": 100000, "learningRate": 0.01"#)
            let r = try s.run(["run", spec], signal: signal, after: "step 1/100000")
            XCTAssertEqual(r.status, status, r.stderr)
            let pattern = NSRegularExpression.escapedPattern(for: name)
                + #": stopped qv-r1-\S+ after step (\d+) and saved a checkpoint; run the same command again to resume"#
            let step = try XCTUnwrap(capture(pattern, in: r.stderr).flatMap { Int($0) }, r.stderr)
            XCTAssertGreaterThanOrEqual(step, 1)
            let runs = try FileManager.default.contentsOfDirectory(atPath: s.root.appendingPathComponent("results/toy/runs").path)
            let run = try XCTUnwrap(runs.first { !$0.hasSuffix(".lock") })
            XCTAssertTrue(s.exists("results/toy/runs/\(run)/checkpoint/state.safetensors"), "checkpoint written on \(name)")
            let resumed = try s.run(["run", spec], signal: SIGTERM, after: "resuming from step")
            XCTAssertTrue(resumed.stderr.contains("\(run): resuming from step \(step)"), resumed.stderr)
        }
    }

    /// Step counts beyond 32 bits print whole (no `step 1/-1486618624`), in progress lines and in the dry run.
    func testStepCountsDoNotWrapAt32Bits() throws {
        let s = try CLISandbox()
        let spec = try s.toySpec(ranks: "[1]", training: #""steps": 6000000000, "learningRate": 0.01"#)
        let r = try s.run(["run", spec], signal: SIGTERM, after: "step 1/")
        XCTAssertTrue(r.stderr.contains("step 1/6000000000 "), r.stderr)
        let dry = try s.run("run", spec, "--dry-run", "--threads", "2")
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertTrue(dry.stdout.contains(" 6000000000 "), dry.stdout)
        XCTAssertTrue(dry.stdout.contains("(2 threads;"), "the thread count training uses:\n\(dry.stdout)")
    }

    /// The dry run shows the steps of cached runs (from final.json), not "?".
    func testDryRunShowsStepsOfCachedRuns() throws {
        let s = try CLISandbox()
        let spec = try s.toySpec(ranks: "[1]", training: #""epochs": 1, "learningRate": 0.01"#)
        XCTAssertEqual(try s.run("run", spec).status, 0)
        let dry = try s.run("run", spec, "--dry-run")
        XCTAssertEqual(dry.status, 0, dry.stderr)
        let row = try XCTUnwrap(dry.stdout.split(separator: "\n").first { $0.hasPrefix("qv-r1-") })
        XCTAssertTrue(row.contains(" 8 ") && row.contains(" yes "), "64 examples / batch 8 = 8 steps, cached:\n\(dry.stdout)")
        XCTAssertFalse(row.contains("?"))
    }

    /// The smoke spec at lr 10⁶ (head included) takes the loss from 3.2 to 10⁶–10⁷: every run ends `diverged`.
    func testSmokeSpecAtHugeLearningRateDiverges() throws {
        let s = try CLISandbox()
        let smoke = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("experiments/specs/smoke.json")
        var text = try String(contentsOf: smoke, encoding: .utf8)
        text = text.replacingOccurrences(of: #""learningRate": 0.005, "headLearningRate": 0.01"#, with: #""learningRate": 1e6"#)
        XCTAssertTrue(text.contains(#""learningRate": 1e6"#), "smoke.json changed shape; update this test")
        try s.write("smoke.json", text)
        let r = try s.run("run", "smoke.json")
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = r.stdout.split(separator: "\n").filter { $0.hasPrefix("qv-") || $0.hasPrefix("q-") }
        XCTAssertEqual(rows.count, 4, r.stdout)
        for row in rows { XCTAssertTrue(row.contains(" diverged "), String(row)) }
        XCTAssertTrue(r.stderr.contains("warning: 4 run(s) diverged"), r.stderr)
    }
}

/// The first capture group of `pattern` in `text`.
func capture(_ pattern: String, in text: String) -> String? {
    guard let re = try? NSRegularExpression(pattern: pattern),
          let m = re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), m.numberOfRanges > 1,
          let r = Range(m.range(at: 1), in: text) else { return nil }
    return String(text[r])
}

/// First-hour conveniences: `--version`, a spec by name.
final class FirstHourCLITests: XCTestCase {
    func testVersion() throws {
        let r = try CLISandbox().run("--version")
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stdout, "experiment 0.4.0 (LoRA Section 7 harness)\n")
    }

    func testSpecByName() throws {
        let s = try CLISandbox()
        let text = try s.read(try s.toySpec())
        try s.write("experiments/specs/toy.json", text)
        let r = try s.run("toy", "--dry-run")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("toy: toy\n"), r.stdout)
    }
}

extension FirstHourCLITests {
    /// A spec in its own folder with its data beside it trains from the repository root.
    func testDataBesideTheSpec() throws {
        let s = try CLISandbox()
        let text = try s.read(try s.toySpec(ranks: "[1]"))
        for f in ["train.jsonl", "validation.jsonl"] {
            try s.write("projects/p/\(f)", try s.read(f))
            try FileManager.default.removeItem(at: s.root.appendingPathComponent(f))
        }
        try s.write("projects/p/toy.json", text)
        let r = try s.run("run", "projects/p/toy.json")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(s.exists("results/toy/accuracy.csv"))
    }
}
