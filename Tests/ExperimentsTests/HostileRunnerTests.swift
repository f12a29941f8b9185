import Foundation
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments
import Support

/// Malformed-input corpus, runner part: inputs validated before anything is written, reports over every finished run,
/// divergence relative to the run's first loss (also across a resume), interruptions that checkpoint, and cached files
/// that cannot be read.
final class HostileRunnerTests: XCTestCase {
    /// A task file that fails to load leaves no results folder at all; an existing folder keeps every byte.
    func testNothingIsWrittenBeforeTheTaskDataIsValidated() throws {
        let toy = try ToyRepository()
        try "{\"text\": \"a dog\"}\n".write(to: toy.root.appendingPathComponent("broken.jsonl"), atomically: true, encoding: .utf8)
        let bad = try toy.plan(ToyRepository.spec(task: #""train": "broken.jsonl", "validation": "validation.jsonl""#))
        XCTAssertThrowsError(try toy.runner(bad).run { _ in })
        XCTAssertFalse(FileManager.default.fileExists(atPath: toy.root.appendingPathComponent("results").path), "nothing written")

        _ = try toy.runner(try toy.plan(ToyRepository.spec(training: #""steps": 2, "learningRate": 0.01"#))).run { _ in }
        let before = toy.snapshot("results")
        let changed = try toy.plan(ToyRepository.spec(ranks: "[4]", task: #""train": "broken.jsonl", "validation": "validation.jsonl""#))
        XCTAssertThrowsError(try toy.runner(changed).run { _ in })
        XCTAssertEqual(toy.snapshot("results"), before, "resolved-spec.json and every other file unchanged")
    }

    /// A missing model checkpoint likewise writes nothing (the runner loads the model before writing).
    func testNothingIsWrittenWhenTheCheckpointFailsToLoad() throws {
        let toy = try ToyRepository()
        let dir = toy.root.appendingPathComponent("models/broken")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try #"{"hidden_size": 8, "intermediate_size": 16, "num_attention_heads": 2, "num_hidden_layers": 1, "vocab_size": 50, "max_position_embeddings": 32}"#
            .write(to: dir.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let json = ToyRepository.spec().replacingOccurrences(of: #"{"builtin": "tiny"}"#, with: #"{"checkpoint": "models/broken"}"#)
        let plan = try toy.plan(json)
        XCTAssertThrowsError(try toy.runner(plan).run { _ in }) { error in
            XCTAssertTrue("\(error)".contains("model.safetensors"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: toy.root.appendingPathComponent("results").path))
    }

    /// After `--only` runs, the records a report uses are every finished run of the folder, and the missing ones are listed.
    func testReportRecordsCoverEveryFinishedRun() throws {
        let toy = try ToyRepository()
        let plan = try toy.plan(ToyRepository.spec(ranks: "[1, 2, 4]", training: #""steps": 2, "learningRate": 0.01"#))
        let ids = plan.runs.map(\.id)
        _ = try toy.runner(plan, only: "qv-r1-*").run { _ in }
        let second = toy.runner(plan, only: "qv-r2-*")
        XCTAssertEqual(try second.run { _ in }.map(\.id), [ids[1]], "run() returns the selected runs")
        XCTAssertEqual(try second.cachedRecords().map(\.id), [ids[0], ids[1]], "the report's records: every finished run")
        XCTAssertEqual(second.missingRuns.map(\.id), [ids[2]])
    }

    func testDivergenceIsRelativeToTheFirstLoss() {
        XCTAssertFalse(RunExecutor.hasDiverged(loss: 3.2, gradientNorm: 1, firstLoss: 3.2))
        XCTAssertFalse(RunExecutor.hasDiverged(loss: 31, gradientNorm: 1, firstLoss: 3.2))
        XCTAssertTrue(RunExecutor.hasDiverged(loss: 33, gradientNorm: 1, firstLoss: 3.2))
        XCTAssertTrue(RunExecutor.hasDiverged(loss: 4.7e6, gradientNorm: 1, firstLoss: 3.2))
        XCTAssertTrue(RunExecutor.hasDiverged(loss: .nan, gradientNorm: 1, firstLoss: 3.2))
        XCTAssertTrue(RunExecutor.hasDiverged(loss: 1, gradientNorm: .infinity, firstLoss: nil))
        XCTAssertTrue(RunExecutor.hasDiverged(loss: 2e12, gradientNorm: 1, firstLoss: nil), "the absolute bound still applies")
        XCTAssertFalse(RunExecutor.hasDiverged(loss: 0.004, gradientNorm: 1, firstLoss: 2e-6), "a tiny first loss is floored at 1")
        XCTAssertFalse(RunExecutor.hasDiverged(loss: 9.9, gradientNorm: 1, firstLoss: 0))
        XCTAssertTrue(RunExecutor.hasDiverged(loss: 10.1, gradientNorm: 1, firstLoss: 0.5))
        XCTAssertFalse(RunExecutor.hasDiverged(loss: 1e6, gradientNorm: 1, firstLoss: .nan), "no relative test without a finite first loss")
        XCTAssertEqual(RunExecutor.firstLoss(in: [#"{"grad_norm":1,"loss":3.25,"lr":0,"step":1,"tokens_per_s":1}"#, "x"]), 3.25)
        XCTAssertNil(RunExecutor.firstLoss(in: []))
    }

    /// lr 10⁶ with the head at the same rate blows the loss up by orders of magnitude without reaching 10¹²: the run
    /// must end `diverged`, and an interrupted-then-resumed run must diverge at the same step (the first loss comes back
    /// from the checkpoint's metric lines).
    func testHugeLearningRateDivergesAlsoAfterAResume() throws {
        let toy = try ToyRepository()
        let plan = try toy.plan(ToyRepository.spec(training: #""steps": 30, "learningRate": 1e6, "checkpointEvery": 1"#)
            .replacingOccurrences(of: #""checkpointEvery": 5, "#, with: ""))
        let straight = try toy.runner(plan, results: "straight").run { _ in }[0]
        XCTAssertEqual(straight.outcome.status, .diverged)
        XCTAssertGreaterThan(straight.outcome.steps, 1, "step 1 sets the reference loss")
        XCTAssertLessThan(straight.outcome.steps, 30)
        let counter = StepCounter()
        XCTAssertThrowsError(try toy.runner(plan, results: "resumed", shouldStop: { counter.tick() >= 1 }).run { _ in })
        let resumed = try toy.runner(plan, results: "resumed").run { _ in }[0]
        XCTAssertEqual(resumed.outcome.status, .diverged)
        XCTAssertEqual(resumed.outcome.steps, straight.outcome.steps)
    }

    /// Stopping (Ctrl-C, SIGTERM) checkpoints the current step, so a resume starts there and loses no work.
    func testInterruptionCheckpointsTheCurrentStep() throws {
        let toy = try ToyRepository()
        let plan = try toy.plan(ToyRepository.spec())
        let counter = StepCounter()
        XCTAssertThrowsError(try toy.runner(plan, shouldStop: { counter.tick() >= 3 }).run { _ in }) { error in
            XCTAssertEqual(error as? RunnerError, .interrupted(run: plan.runs[0].id, step: 3))
        }
        var resumedFrom: Int?
        _ = try toy.runner(plan).run { if case let .runStarting(_, _, _, r) = $0 { resumedFrom = r } }
        XCTAssertEqual(resumedFrom, 3)
    }

    /// A cached final.json that is not a run outcome: the message names the file, the field and the reason, and
    /// nothing is written.
    func testInvalidCachedFinalJSONNamesFileAndField() throws {
        let toy = try ToyRepository()
        let plan = try toy.plan(ToyRepository.spec(training: #""steps": 2, "learningRate": 0.01"#))
        let runner = toy.runner(plan)
        _ = try runner.run { _ in }
        let final = runner.runDirectory(plan.runs[0].id).appendingPathComponent("final.json")
        let cases: [(String, String)] = [
            (#"{"status": "finished"}"#, "field 'steps': missing"),
            (#"{"status": "finished", "steps": "2"}"#, "field 'steps': expected an integer, got a string"),
            ("{", "not valid JSON (syntax error at line 1, column 2)"),
        ]
        for (text, reason) in cases {
            try text.write(to: final, atomically: true, encoding: .utf8)
            let before = toy.snapshot("results")
            XCTAssertThrowsError(try runner.run { _ in }) { error in
                XCTAssertEqual("\(error)", "\(final.path): \(reason)")
            }
            XCTAssertEqual(toy.snapshot("results"), before)
        }
    }
}
