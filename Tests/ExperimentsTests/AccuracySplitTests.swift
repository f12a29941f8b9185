import Foundation
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// `analyses.accuracySplit`: "test" makes the report evaluate each finished run on the test split once (a cached
/// `test.json` is kept) before the accuracy rows and claims 1–2 read those numbers with the test split's size as N;
/// `ReportBuilder` over a finished run without `test.json` fails naming the file; retraining a run drops its old split
/// files; the key is strict and needs a test split.
final class AccuracySplitTests: XCTestCase {
    /// The toy task with a test split unlike the validation split: 24 examples (validation has 32), the training file's first.
    private func toy() throws -> ToyRepository {
        let toy = try ToyRepository()
        let train = try String(contentsOf: toy.root.appendingPathComponent("train.jsonl"), encoding: .utf8)
        try train.split(separator: "\n").prefix(24).joined(separator: "\n")
            .write(to: toy.root.appendingPathComponent("test.jsonl"), atomically: true, encoding: .utf8)
        return toy
    }

    private func spec(split: String?) -> String {
        let json = ToyRepository.spec(ranks: "[1, 2]", task: #""train": "train.jsonl", "validation": "validation.jsonl", "test": "test.jsonl""#)
        guard let split else { return json }
        return "{\"analyses\": {\"accuracySplit\": \"\(split)\"}, " + json.dropFirst()
    }

    func testTheReportEvaluatesTheTestSplitOnceAndReadsIt() throws {
        let toy = try toy()
        let runner = toy.runner(try toy.plan(spec(split: "test")))
        let records = try runner.run { _ in }
        let model = try LoadedModel.load(runner.plan.spec.model, repositoryRoot: toy.root)
        var events: [String] = []
        _ = try runner.buildReport(records: records, model: model, notebooks: nil) { event in
            if case let .splitEvaluation(id, split, examples) = event { events.append("\(id) \(split) \(examples)") }
        }
        XCTAssertEqual(events, records.map { "\($0.id) test 24" })
        let independent = try runner.evaluateFinishedRuns(split: .test)
        for (r, e) in zip(records, independent) {
            let file = try XCTUnwrap(try SplitMetricsFile.read(run: r.directory, split: "test"), r.id)
            XCTAssertEqual(file.examples, 24)
            XCTAssertEqual(file.accuracy, e.metrics.accuracy)
            XCTAssertEqual(file.correctness, e.correct)
            XCTAssertEqual(Double(e.correct.filter { $0 }.count) / 24, e.metrics.accuracy, accuracy: 1e-12)
        }
        // The two configurations (ranks 1 and 2, one seed each) compared example for example, by hand.
        let pairs = try XCTUnwrap(try ReportData.load(from: runner.specDirectory).accuracyPairs)
        XCTAssertEqual(pairs.count, 1)
        let d = zip(independent[0].correct, independent[1].correct).map { Double($0 ? 1 : 0) - Double($1 ? 1 : 0) }
        let mean = d.reduce(0, +) / 24, sd = (d.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 23).squareRoot()
        XCTAssertEqual(pairs[0].rankA, records[0].rank)
        XCTAssertEqual(pairs[0].difference, 100 * mean, accuracy: 1e-7)
        XCTAssertEqual(pairs[0].exampleSD, 100 * sd, accuracy: 1e-7)
        XCTAssertEqual([pairs[0].examples, pairs[0].runsA, pairs[0].runsB], [24, 1, 1])
        // A second report keeps the cached files (a marked one stays marked) and evaluates nothing.
        let marked = SplitMetricsFile(split: "test", examples: 24, accuracy: 0.125, macroF1: 0.1, loss: 2)
        try runner.write(marked, run: records[0])
        events = []
        _ = try runner.buildReport(records: records, model: model, notebooks: nil) { _ in events.append("event") }
        XCTAssertEqual(events, [])
        XCTAssertEqual(try SplitMetricsFile.read(run: records[0].directory, split: "test"), marked)
        let csv = try String(contentsOf: runner.specDirectory.appendingPathComponent("test_metrics.csv"), encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").count, 1 + records.count)
        // The marked file has no per-example correctness, so no pair can be formed: the stale pairs file is removed.
        XCTAssertFalse(FileManager.default.fileExists(atPath: runner.specDirectory.appendingPathComponent("accuracy_pairs.csv").path))

        let rows = try XCTUnwrap(try ReportData.load(from: runner.specDirectory).accuracy)
        XCTAssertEqual(Set(rows.map(\.split)), ["test"])
        XCTAssertEqual(Set(rows.map(\.examples)), [24])
        XCTAssertEqual(rows.first { $0.run == records[0].id }?.value, 0.125)
        let report = try String(contentsOf: runner.specDirectory.appendingPathComponent("report.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("Test accuracy (%), mean ± sample std over seeds"), report)
        XCTAssertTrue(report.contains("Accuracies are test-split values"), report)

        // Without the file the rows name it instead of falling back to validation.
        try FileManager.default.removeItem(at: SplitMetricsFile.url(run: records[1].directory, split: "test"))
        XCTAssertThrowsError(try ReportBuilder.accuracyRows(records, split: .test, validationExamples: 32)) { error in
            XCTAssertTrue("\(error)".contains("\(records[1].id)/test.json") && "\(error)".contains("experiment evaluate"), "\(error)")
        }
        // Retraining a run drops its split files with the adapter they described.
        try FileManager.default.removeItem(at: records[0].directory.appendingPathComponent("final.json"))
        _ = try toy.runner(runner.plan, only: records[0].id).run { _ in }
        XCTAssertNil(try SplitMetricsFile.read(run: records[0].directory, split: "test"))
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
