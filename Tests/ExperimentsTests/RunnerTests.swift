import Foundation
import XCTest
import LinearAlgebra
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// The runner on the built-in tiny model with a small JSONL task: cache hits, exact resume after interruptions,
/// divergence handling and the lock.
final class RunnerTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("lora-runner-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        // A learnable toy task: the label is the animal named in the text.
        var rng = SeededGenerator(seed: 5)
        let animals = ["dog", "cat", "horse", "fish"]
        func file(_ name: String, _ n: Int) throws {
            var lines: [String] = []
            for _ in 0..<n {
                let label = animals[rng.nextInt(below: animals.count)]
                let filler = (0..<(2 + rng.nextInt(below: 5))).map { _ in ["the", "small", "large", "old", "water", "food"][rng.nextInt(below: 6)] }
                lines.append("{\"text\": \"a \(filler.joined(separator: " ")) \(label)\", \"label\": \"\(label)\"}")
            }
            try lines.joined(separator: "\n").write(to: root.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try file("train.jsonl", 256)
        try file("validation.jsonl", 64)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func plan(_ json: String) throws -> RunPlan {
        let spec = try ExperimentSpec.decode(data: Data(json.utf8), file: "test.json")
        return try RunPlan.resolve(spec, modelShape: try LoadedModel.shape(of: spec.model, repositoryRoot: root),
                                   baseDirectory: root, file: "test.json")
    }

    func spec(steps: Int = 12, lr: Double = 0.01, ranks: String = "[2]", extra: String = "") -> String {
        """
        {"name": "t", "model": {"builtin": "tiny"},
         "task": {"kind": "jsonl", "train": "train.jsonl", "validation": "validation.jsonl", "maxTokens": 16},
         "adapters": [{"targets": ["q", "v"], "ranks": \(ranks)}],
         "lora": {"dropout": 0.1},
         "training": {"steps": \(steps), "batchSize": 8, "learningRate": \(lr), "evalEvery": 4, "checkpointEvery": 5\(extra)}}
        """
    }

    func runner(_ plan: RunPlan, results: String = "results", stopAt: Int? = nil) -> ExperimentRunner {
        var o = ExperimentRunner.Options(resultsRoot: root.appendingPathComponent(results))
        if let stopAt {
            let counter = StepCounter()
            o.shouldStop = { counter.tick() >= stopAt }
        }
        return ExperimentRunner(plan: plan, repositoryRoot: root, options: o)
    }

    func testCacheHitDoesNotTrain() throws {
        let p = try plan(spec())
        var steps = 0
        let first = try runner(p).run { if case .step = $0 { steps += 1 } }
        XCTAssertEqual(steps, 12)
        XCTAssertEqual(first.first?.outcome.status, .finished)
        steps = 0
        var cached = 0
        let second = try runner(p).run { e in
            if case .step = e { steps += 1 }
            if case .runCached = e { cached += 1 }
        }
        XCTAssertEqual(steps, 0, "a finished run is reused")
        XCTAssertEqual(cached, 1)
        XCTAssertEqual(first, second)
        let dir = second[0].directory
        for f in ["config.json", "metrics.jsonl", "eval.jsonl", "final.json", "head.safetensors", "adapter/adapter_config.json",
                  "adapter/adapter_model.safetensors"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(f).path), f)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("checkpoint").path), "checkpoint removed when done")
        let evals = try String(contentsOf: dir.appendingPathComponent("eval.jsonl"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(evals.count, 3, "evaluations at steps 4, 8, 12")
    }

    /// Interrupting at several steps and resuming gives the same adapter and head bytes and the same final metrics
    /// as an uninterrupted run (same thread count).
    func testResumeAfterInterruptionIsBitIdentical() throws {
        let p = try plan(spec())
        let reference = try runner(p, results: "reference").run { _ in }[0]
        let refAdapter = try Data(contentsOf: reference.adapterDirectory.appendingPathComponent("adapter_model.safetensors"))
        let refHead = try Data(contentsOf: reference.directory.appendingPathComponent("head.safetensors"))
        for stop in [3, 7, 10] {
            let results = "interrupted-\(stop)"
            XCTAssertThrowsError(try runner(p, results: results, stopAt: stop).run { _ in }) { error in
                XCTAssertEqual(error as? RunnerError, .interrupted(run: p.runs[0].id, step: stop))
            }
            var resumedFrom: Int?
            let resumed = try runner(p, results: results).run { e in if case let .runStarting(_, _, _, r) = e { resumedFrom = r } }[0]
            XCTAssertEqual(resumedFrom, stop, "an interruption checkpoints its step, so the resume starts at step \(stop)")
            XCTAssertEqual(try Data(contentsOf: resumed.adapterDirectory.appendingPathComponent("adapter_model.safetensors")), refAdapter, "stop at \(stop)")
            XCTAssertEqual(try Data(contentsOf: resumed.directory.appendingPathComponent("head.safetensors")), refHead, "stop at \(stop)")
            XCTAssertEqual(resumed.outcome.validation, reference.outcome.validation)
        }
    }

    func testDivergedRunIsRecordedAndGridContinues() throws {
        let p = try plan(spec(steps: 30, lr: 1e30, ranks: "[2, 4]"))
        let records = try runner(p).run { _ in }
        XCTAssertEqual(records.count, 2)
        for r in records {
            XCTAssertEqual(r.outcome.status, .diverged, "lr 1e30 must diverge")
            XCTAssertLessThan(r.outcome.steps, 30)
            XCTAssertFalse(FileManager.default.fileExists(atPath: r.adapterDirectory.path), "no adapter for a diverged run")
        }
    }

    func testLockedRunIsSkipped() throws {
        let p = try plan(spec())
        let r = runner(p)
        let lockURL = r.runDirectory(p.runs[0].id).deletingLastPathComponent().appendingPathComponent(p.runs[0].id + ".lock")
        let held = try XCTUnwrap(try RunLock(url: lockURL))
        var locked = false
        let records = try r.run { if case .runLocked = $0 { locked = true } }
        XCTAssertTrue(locked)
        XCTAssertTrue(records.isEmpty)
        withExtendedLifetime(held) {}
    }
}

/// Counts polls of `shouldStop` (one per step).
final class StepCounter: @unchecked Sendable {
    private var n = 0
    func tick() -> Int { n += 1; return n }
}
