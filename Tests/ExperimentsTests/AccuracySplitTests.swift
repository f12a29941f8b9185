import Foundation
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// `analyses.accuracySplit`: "test" makes `experiment run` evaluate each finished run on the test split (once: a cached
/// `test.json` is kept), and the accuracy rows and claims 1–2 read those numbers with the test split's size as N; a
/// report over a finished run without `test.json` fails naming the file; the key is strict and needs a test split.
final class AccuracySplitTests: XCTestCase {
    private func toy() throws -> ToyRepository {
        let toy = try ToyRepository()
        try FileManager.default.copyItem(at: toy.root.appendingPathComponent("validation.jsonl"),
                                         to: toy.root.appendingPathComponent("test.jsonl"))
        return toy
    }

    private func spec(split: String?) -> String {
        let json = ToyRepository.spec(ranks: "[1, 2]", task: #""train": "train.jsonl", "validation": "validation.jsonl", "test": "test.jsonl""#)
        guard let split else { return json }
        return "{\"analyses\": {\"accuracySplit\": \"\(split)\"}, " + json.dropFirst()
    }

    func testRunEvaluatesTheTestSplitOnceAndTheReportReadsIt() throws {
        let toy = try toy()
        let runner = toy.runner(try toy.plan(spec(split: "test")))
        let records = try runner.run { _ in }
        let model = try LoadedModel.load(runner.plan.spec.model, repositoryRoot: toy.root)
        for r in records {
            let file = try XCTUnwrap(try SplitMetricsFile.read(run: r.directory, split: "test"), r.id)
            XCTAssertEqual(file.examples, 32)
            // The test file is a copy of the validation file: the same accuracy as training's last evaluation.
            XCTAssertEqual(file.accuracy, r.outcome.validation["accuracy"]!, accuracy: 1e-12)
        }
        // A second run keeps the cached files (a marked one stays marked).
        let marked = SplitMetricsFile(split: "test", examples: 32, accuracy: 0.125, macroF1: 0.1, loss: 2)
        try runner.write(marked, run: records[0])
        _ = try runner.run { _ in }
        XCTAssertEqual(try SplitMetricsFile.read(run: records[0].directory, split: "test"), marked)
        let csv = try String(contentsOf: runner.specDirectory.appendingPathComponent("test_metrics.csv"), encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").count, 1 + records.count)

        _ = try runner.buildReport(records: records, model: model, notebooks: nil)
        let rows = try XCTUnwrap(try ReportData.load(from: runner.specDirectory).accuracy)
        XCTAssertEqual(Set(rows.map(\.split)), ["test"])
        XCTAssertEqual(Set(rows.map(\.examples)), [32])
        XCTAssertEqual(rows.first { $0.run == records[0].id }?.value, 0.125)
        let report = try String(contentsOf: runner.specDirectory.appendingPathComponent("report.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("Test accuracy (%), mean ± sample std over seeds"), report)

        // `--only` one run still evaluates every finished run that lacks the file (the report covers them all).
        try FileManager.default.removeItem(at: SplitMetricsFile.url(run: records[1].directory, split: "test"))
        _ = try toy.runner(runner.plan, only: records[0].id).run { _ in }
        XCTAssertNotNil(try SplitMetricsFile.read(run: records[1].directory, split: "test"))

        // Without the file the report names it instead of falling back to validation.
        try FileManager.default.removeItem(at: SplitMetricsFile.url(run: records[1].directory, split: "test"))
        XCTAssertThrowsError(try runner.buildReport(records: records, model: model, notebooks: nil)) { error in
            XCTAssertTrue("\(error)".contains("\(records[1].id)/test.json") && "\(error)".contains("experiment evaluate"), "\(error)")
        }
    }

    func testValidationStaysTheDefaultAndWritesNoTestFiles() throws {
        let toy = try toy()
        let runner = toy.runner(try toy.plan(spec(split: nil)))
        XCTAssertEqual(runner.plan.spec.analyses.accuracySplit, .validation)
        let records = try runner.run { _ in }
        XCTAssertTrue(records.allSatisfy { !FileManager.default.fileExists(atPath: SplitMetricsFile.url(run: $0.directory, split: "test").path) })
    }

    func testTheKeyIsStrictAndNeedsATestSplit() throws {
        let toy = try toy()
        XCTAssertThrowsError(try toy.plan(spec(split: "dev"))) { error in
            XCTAssertTrue("\(error)".contains("accuracySplit"), "\(error)")
        }
        let noTest = "{\"analyses\": {\"accuracySplit\": \"test\"}, " + ToyRepository.spec().dropFirst()
        XCTAssertThrowsError(try toy.plan(noTest)) { error in
            XCTAssertTrue("\(error)".contains("analyses.accuracySplit") && "\(error)".contains("no test file"), "\(error)")
        }
        let planted = #"{"name": "p", "model": {"builtin": "tiny"}, "task": {"kind": "planted-rank"}, "adapters": [{"targets": ["q"], "ranks": [2]}], "training": {"steps": 4}, "analyses": {"accuracySplit": "test"}}"#
        XCTAssertThrowsError(try ExperimentSpec.decode(data: Data(planted.utf8), file: "p.json")) { error in
            XCTAssertTrue("\(error)".contains("has no accuracy"), "\(error)")
        }
        let spec = try ExperimentSpec.decode(data: Data(spec(split: "test").utf8), file: "t.json")
        XCTAssertEqual(try ExperimentSpec.decode(data: Data(CanonicalJSON.pretty(spec.json).utf8), file: "round-trip.json"), spec)
    }
}
