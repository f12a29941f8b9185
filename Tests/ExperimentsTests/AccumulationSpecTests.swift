import Foundation
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// `training.accumulationSteps`: decoded and bounded, counted in the effective batch of an epoch, written to the resolved
/// spec only when not 1 (so run identities of older specs are unchanged), and part of a run's identity when set.
final class AccumulationSpecTests: XCTestCase {
    static func spec(_ training: String) throws -> ExperimentSpec {
        try ExperimentSpec.decode(data: Data("""
        {"name": "acc", "model": {"builtin": "tiny"}, "task": {"kind": "planted-rank"},
         "adapters": [{"targets": ["v"], "ranks": [2]}], "training": \(training)}
        """.utf8), file: "acc.json")
    }

    func testAccumulationSteps() throws {
        let plain = try Self.spec(#"{"epochs": 1, "batchSize": 16}"#)
        let twice = try Self.spec(#"{"epochs": 1, "batchSize": 16, "accumulationSteps": 2}"#)
        XCTAssertEqual(plain.training.accumulationSteps, 1)
        XCTAssertEqual(twice.training.accumulationSteps, 2)
        XCTAssertEqual(plain.training.totalSteps(trainExamples: 320), 20)
        XCTAssertEqual(twice.training.totalSteps(trainExamples: 320), 10, "an epoch counts effective batches of 32")
        XCTAssertNil(plain.training.json["accumulationSteps"])
        XCTAssertNotNil(twice.training.json["accumulationSteps"])
        let root = FileManager.default.temporaryDirectory
        let shape = try LoadedModel.shape(of: plain.model, repositoryRoot: root)
        let a = try RunPlan.resolve(plain, modelShape: shape, baseDirectory: root, file: "acc.json").runs[0].id
        let b = try RunPlan.resolve(twice, modelShape: shape, baseDirectory: root, file: "acc.json").runs[0].id
        XCTAssertNotEqual(a, b)
        for (bad, message) in [(#"{"steps": 1, "accumulationSteps": 0}"#, "≥ 1"), (#"{"steps": 1, "accumulationSteps": 100000}"#, "at most 65536")] {
            XCTAssertThrowsError(try Self.spec(bad)) { XCTAssertTrue("\($0)".contains("training.accumulationSteps") && "\($0)".contains(message), "\($0)") }
        }
    }
}
