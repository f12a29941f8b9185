import Foundation
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments
import Tasks

/// `experiment evaluate --split test`: every finished run is evaluated on the test split with its own adapter and head;
/// evaluating the validation split the same way reproduces final.json's validation metrics (the same code path as
/// training's evaluation); files are written beside each run and in the spec folder.
final class EvaluateSplitTests: XCTestCase {
    func testTestSplitAndValidationAgreement() throws {
        let toy = try ToyRepository()
        try FileManager.default.copyItem(at: toy.root.appendingPathComponent("validation.jsonl"), to: toy.root.appendingPathComponent("test.jsonl"))
        let json = ToyRepository.spec(task: #""train": "train.jsonl", "validation": "validation.jsonl", "test": "test.jsonl""#)
        let runner = toy.runner(try toy.plan(json))
        let records = try runner.run { _ in }
        let test = try runner.evaluateFinishedRuns(split: .test)
        XCTAssertEqual(test.count, records.count)
        let validation = try runner.evaluateFinishedRuns(split: .validation)
        for (t, v) in zip(test, validation) {
            XCTAssertEqual(t.metrics.count, 32)
            // The test file is a copy of the validation file: the same metrics, and those final.json recorded.
            XCTAssertEqual(t.metrics.accuracy, v.metrics.accuracy)
            XCTAssertEqual(v.metrics.accuracy, v.record.outcome.validation["accuracy"]!, accuracy: 1e-12)
            XCTAssertEqual(v.metrics.loss, v.record.outcome.validation["loss"]!, accuracy: 1e-6)
            XCTAssertTrue(FileManager.default.fileExists(atPath: t.record.directory.appendingPathComponent("test.json").path))
        }
        let csv = try String(contentsOf: runner.specDirectory.appendingPathComponent("test_metrics.csv"), encoding: .utf8)
        XCTAssertTrue(csv.hasPrefix("run,targets,rank,data_seed,init_seed,split,examples,accuracy,macro_f1,loss\n"))
        XCTAssertEqual(csv.split(separator: "\n").count, 1 + records.count)
    }
}
