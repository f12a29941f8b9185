import Analysis
import XCTest

/// The convergence rule of issue 11 part 1 on hand-made curves whose answers are known.
final class ConvergenceTests: XCTestCase {
    let rule = ConvergenceCriterion()

    func testWindowStartsAtTheLastFifth() {
        XCTAssertEqual(rule.windowStart(totalSteps: 3000), 2400)
        XCTAssertEqual(rule.windowStart(totalSteps: 1001), 801)   // ⌈800.8⌉
    }

    func testAFlatTailConverges() {
        let curve = [(300, 1.0), (2400, 0.503), (2700, 0.501), (3000, 0.500)]
        let r = rule.evaluate(curve.map { (step: $0.0, value: $0.1) }, totalSteps: 3000)
        XCTAssertEqual(r.verdict, .converged)
        XCTAssertEqual(r.passesInWindow, 3)
        XCTAssertEqual(r.largestDeviation!, 0.006, accuracy: 1e-12)
    }

    func testAFallingTailDoesNotConverge() {
        // The recipe sweep's r = 8 curve at steps 800–1000: 0.4937, 0.4811, 0.4710 (4.8 % above the final value).
        let curve = [(700, 0.5164), (800, 0.4937), (900, 0.4811), (1000, 0.4710)]
        let r = rule.evaluate(curve.map { (step: $0.0, value: $0.1) }, totalSteps: 1000)
        XCTAssertEqual(r.verdict, .notConverged)
        XCTAssertEqual(r.largestDeviation!, (0.4937 - 0.4710) / 0.4710, accuracy: 1e-12)
    }

    func testARiseAboveTheFinalValueCountsToo() {
        let r = rule.evaluate([(step: 80, value: 0.97), (step: 100, value: 1.0)], totalSteps: 100)
        XCTAssertEqual(r.verdict, .notConverged, "the rule is symmetric: a pass 3 % below the final value is as far as one above")
    }

    func testTooFewPassesOrNoFinalPassIsUndetermined() {
        // qv-rank's passes at 150 and 300 of 300 steps: only the final pass lies in the window.
        XCTAssertEqual(rule.evaluate([(step: 150, value: 1.0), (step: 300, value: 0.8)], totalSteps: 300).verdict, .undetermined)
        // A curve that stops before the planned end.
        XCTAssertEqual(rule.evaluate([(step: 850, value: 1.0), (step: 900, value: 1.0)], totalSteps: 1000).verdict, .undetermined)
        XCTAssertEqual(rule.evaluate([], totalSteps: 10).verdict, .undetermined)
        XCTAssertEqual(rule.evaluate([(step: 9, value: .nan), (step: 10, value: 1)], totalSteps: 10).verdict, .undetermined)
    }

    func testToleranceBoundaryIsInclusive() {
        let r = ConvergenceCriterion(tolerance: 0.25, window: 0.5).evaluate([(step: 6, value: 1.25), (step: 10, value: 1.0)], totalSteps: 10)
        XCTAssertEqual(r.verdict, .converged)
    }
}
