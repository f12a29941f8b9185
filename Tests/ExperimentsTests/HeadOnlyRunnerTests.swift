import Foundation
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// The head-only baseline trained, resumed, evaluated and reported on the built-in tiny model beside a LoRA set: the
/// head trains alone, no adapter folder is written, and every reader of run folders copes.
final class HeadOnlyRunnerTests: XCTestCase {
    static let json = """
    {"name": "t", "model": {"builtin": "tiny"},
     "task": {"kind": "jsonl", "train": "train.jsonl", "validation": "validation.jsonl", "test": "test.jsonl", "maxTokens": 16},
     "adapters": [{"targets": ["q", "v"], "ranks": [2]}, {"headOnly": true}],
     "training": {"batchSize": 8, "evalEvery": 4, "checkpointEvery": 5, "steps": 12, "learningRate": 0.01},
     "analyses": {"projection": {}, "directionOverlap": true, "spectra": true}}
    """

    func toy() throws -> ToyRepository {
        let toy = try ToyRepository()
        try FileManager.default.copyItem(at: toy.root.appendingPathComponent("validation.jsonl"), to: toy.root.appendingPathComponent("test.jsonl"))
        return toy
    }

    func testHeadOnlyRunTrainsTheHeadAloneAndWritesNoAdapter() throws {
        let toy = try toy()
        let plan = try toy.plan(Self.json)
        var steps: [String: Int] = [:]
        let records = try toy.runner(plan).run { if case .step(let s) = $0 { steps[s.id, default: 0] += 1 } }
        XCTAssertEqual(records.map(\.isHeadOnly), [false, true])
        let head = records[1]
        XCTAssertTrue(head.id.hasPrefix("head-d1-i1-"), head.id)
        XCTAssertEqual(head.outcome.status, .finished)
        XCTAssertEqual(steps[head.id], 12)
        XCTAssertEqual(head.rank, 0)
        XCTAssertEqual(head.trainableParameters, 0)
        XCTAssertEqual(head.targetLabel, "head-only")
        let hidden = plan.modelShape.hidden
        XCTAssertEqual(head.outcome.headParameters, 4 * hidden + 4, "four labels: the head is all that trains")
        for f in ["config.json", "metrics.jsonl", "eval.jsonl", "final.json", "head.safetensors"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: head.directory.appendingPathComponent(f).path), f)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: head.adapterDirectory.path), "no adapter folder for the baseline")
        let evals = try String(contentsOf: head.directory.appendingPathComponent("eval.jsonl"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(evals.count, 3, "evaluations at steps 4, 8, 12")
        XCTAssertNotEqual(head.outcome.validation, records[0].outcome.validation, "the LoRA run trains something else")
    }

    /// An interrupted head-only run resumes to the same head bytes as an uninterrupted one.
    func testHeadOnlyRunResumesExactly() throws {
        let toy = try toy()
        let plan = try toy.plan(Self.json)
        let reference = try toy.runner(plan, results: "reference", only: "head-*").run { _ in }[0]
        let counter = StepCounter()
        XCTAssertThrowsError(try toy.runner(plan, results: "resumed", only: "head-*", shouldStop: { counter.tick() >= 7 }).run { _ in })
        let resumed = try toy.runner(plan, results: "resumed", only: "head-*").run { _ in }[0]
        XCTAssertEqual(try Data(contentsOf: resumed.directory.appendingPathComponent("head.safetensors")),
                       try Data(contentsOf: reference.directory.appendingPathComponent("head.safetensors")))
        XCTAssertEqual(resumed.outcome.validation, reference.outcome.validation)
    }

    /// `experiment evaluate` reads the head alone for the baseline, and reproduces its validation metrics.
    func testEvaluateCopesWithTheBaseline() throws {
        let toy = try toy()
        let runner = toy.runner(try toy.plan(Self.json))
        _ = try runner.run { _ in }
        let test = try runner.evaluateFinishedRuns(split: .test)
        XCTAssertEqual(test.map(\.record.isHeadOnly), [false, true])
        let validation = try runner.evaluateFinishedRuns(split: .validation)
        let head = try XCTUnwrap(validation.first { $0.record.isHeadOnly })
        XCTAssertEqual(head.metrics.accuracy, head.record.outcome.validation["accuracy"]!, accuracy: 1e-12)
        let csv = try String(contentsOf: runner.specDirectory.appendingPathComponent("test_metrics.csv"), encoding: .utf8)
        XCTAssertTrue(csv.contains("\n\(head.run),head-only,0,1,1,test,32,"), csv)
    }

    /// The report keeps the baseline in accuracy.csv and leaves it out of every analysis of adapters, silently.
    func testReportListsTheBaselineAndAnalysesSkipIt() throws {
        let toy = try toy()
        let runner = toy.runner(try toy.plan(Self.json))
        let records = try runner.run { _ in }
        let model = try LoadedModel.load(runner.plan.spec.model, repositoryRoot: toy.root)
        let (summary, _) = try runner.buildReport(records: records, model: model, notebooks: nil)
        XCTAssertEqual(summary.runsAnalysed, 1, "only the LoRA run has adapters")
        XCTAssertEqual(summary.runsSkipped, [])
        let dir = runner.specDirectory
        let accuracy = try String(contentsOf: dir.appendingPathComponent("accuracy.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(accuracy.count, 3)
        XCTAssertTrue(accuracy[1].hasPrefix("\(records[1].id),head-only,0,1,1,0,finished,12,accuracy,"), String(accuracy[1]))
        XCTAssertTrue(accuracy[2].hasPrefix("\(records[0].id),q+v,2,"), "the baseline sorts first: \(accuracy[2])")
        for file in ["learning_diagnostics.csv", "weight_projection.csv", "direction_overlap.csv", "spectra.csv"] {
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            XCTAssertTrue(text.contains(records[0].id), file)
            XCTAssertFalse(text.contains("head-d1-i1") || text.contains("head-only"), file)
        }
        let report = try String(contentsOf: dir.appendingPathComponent("report.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("Baseline: `head-only` runs train the same task head on the frozen model with no adapters"), report)
        XCTAssertTrue(report.contains("Gain over it (mean − baseline mean, points): q+v: r = 2 "), report)
        XCTAssertTrue(report.contains("head only (the task head on the frozen model, no adapters)"), "grid description")
        XCTAssertTrue(report.contains("; and the head-only baseline (the task head alone on the frozen model, no adapters; 1 run)"))
    }
}
