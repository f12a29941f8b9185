import Foundation
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// `validationFraction`: a user dataset without a validation file gets a validation split cut from its training file by a
/// hash of each text — deterministic, disjoint, about the asked share — and `validation` with `validationFraction`, a
/// fraction outside (0, 1), or neither key, is refused naming the field.
final class ValidationSplitTests: XCTestCase {
    func testSplitFromTheTrainingFile() throws {
        let toy = try ToyRepository(train: 8, validation: 8)
        let animals = ["dog", "cat", "horse", "fish"]
        let lines = (0..<400).map { i in "{\"text\": \"a small \(animals[i % 4]) number \(i / 2)\", \"label\": \"\(animals[i % 4])\"}" }
        try lines.joined(separator: "\n").write(to: toy.root.appendingPathComponent("train.jsonl"), atomically: true, encoding: .utf8)
        let json = ToyRepository.spec(task: #""train": "train.jsonl", "validationFraction": 0.25"#)
        let plan = try toy.plan(json)
        guard case .jsonl(let t) = plan.spec.task else { return XCTFail("jsonl task expected") }
        XCTAssertEqual(t.validationFraction, 0.25)
        XCTAssertEqual(t.validation, "train.jsonl")
        XCTAssertNotNil(plan.spec.task.json["validationFraction"])
        XCTAssertNil(plan.spec.task.json["validation"], "the resolved spec says where validation came from")
        let model = try LoadedModel.load(plan.spec.model, repositoryRoot: toy.root)
        let (task, _) = try LoadedTask.load(plan.spec.task, model: model, repositoryRoot: toy.root)
        let (again, _) = try LoadedTask.load(plan.spec.task, model: model, repositoryRoot: toy.root)
        guard case .classification(let d) = task, case .classification(let d2) = again else { return XCTFail("classification expected") }
        XCTAssertEqual(d.train.count + d.validation.count, 400)
        XCTAssertEqual(Double(d.validation.count) / 400, 0.25, accuracy: 0.1)
        XCTAssertEqual(d.validation.map(\.ids), d2.validation.map(\.ids), "deterministic")
        // Texts repeat (each twice, with the same label): equal texts always fall on the same side.
        XCTAssertTrue(Set(d.train.map(\.ids)).isDisjoint(with: Set(d.validation.map(\.ids))))
    }

    func testBadCombinationsAreRefused() throws {
        let toy = try ToyRepository()
        for (task, message) in [(#""train": "train.jsonl", "validation": "validation.jsonl", "validationFraction": 0.1"#, "not both"),
                                (#""train": "train.jsonl", "validationFraction": 1.0"#, "strictly between 0 and 1"),
                                (#""train": "train.jsonl""#, "validation")] {
            XCTAssertThrowsError(try toy.plan(ToyRepository.spec(task: task))) { error in
                XCTAssertTrue("\(error)".contains(message), "\(error)")
            }
        }
    }
}
