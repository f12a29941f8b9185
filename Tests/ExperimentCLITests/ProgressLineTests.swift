@testable import ExperimentCLI
import XCTest

/// The live training line fits the terminal: never more than columns − 1 characters, the most useful fields kept.
final class ProgressLineTests: XCTestCase {
    private func line(id: String = "qv-r64-d2-i2-06c2568e9f", step: Int = 150, total: Int = 300) -> ProgressLine {
        ProgressLine(counter: "[6/6]", runID: id, step: step, totalSteps: total, loss: 2.74041, learningRate: 1.39e-4,
                     tokensPerSecond: 3450, etaSeconds: 130)
    }

    func testEightyColumnsDropTheLearningRateAndKeepTheRest() {
        let text = line().rendered(columns: 80)
        XCTAssertLessThanOrEqual(text.count, 79, text)
        XCTAssertEqual(text, "[6/6] qv-r64-d2-i2-06c2568e9f  step 150/300  loss 2.7404  3450 tok/s  ETA 2m10s")
    }

    func testWideTerminalsGetEveryFieldAndABar() {
        let text = line().rendered(columns: 200)
        XCTAssertTrue(text.hasPrefix("[████████████············] [6/6] qv-r64-d2-i2-06c2568e9f  step 150/300"), text)
        XCTAssertTrue(text.contains("lr 1.39e-04"), text)
        XCTAssertEqual(line().plain, "[6/6] qv-r64-d2-i2-06c2568e9f  step 150/300  loss 2.7404  lr 1.39e-04  3450 tok/s  ETA 2m10s")
    }

    func testEveryWidthIsRespectedEvenWithHugeStepCountsAndLongIds() {
        let long = line(id: String(repeating: "x", count: 120), step: Int.max - 1, total: Int.max)
        for columns in [1, 2, 10, 20, 40, 60, 79, 80, 81, 120, 300] {
            for l in [line(), long] {
                XCTAssertLessThanOrEqual(l.rendered(columns: columns).count, max(1, columns - 1), "\(columns) columns")
            }
        }
        XCTAssertEqual(line().rendered(columns: 31), "[6/6]  step 150/300  ETA 2m10s")
        XCTAssertEqual(line().rendered(columns: 30), "step 150/300  ETA 2m10s")
    }

    func testFittedCutsWithAnEllipsisOnlyWhenNeeded() {
        XCTAssertEqual(Console.fitted("abcdef", columns: 7), "abcdef")
        XCTAssertEqual(Console.fitted("abcdefg", columns: 7), "abcde…")
    }
}
