import Foundation
import XCTest
@testable import Analysis
@testable import ExperimentReports

/// Claims 1–2's paired sampling error: `<split>.json`'s per-example correctness is validated against its accuracy,
/// the interval adds seeds and split sampling in quadrature, and a paired error narrows it only for the runs it covers.
final class AccuracyPairsTests: XCTestCase {
    private func s(_ v: Double...) -> SeedSummary { SeedSummary(v) }

    private func write(_ json: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pairs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try json.write(to: dir.appendingPathComponent("test.json"), atomically: true, encoding: .utf8)
        return dir
    }

    func testCorrectMustMatchTheOtherFields() throws {
        let good = try write(#"{"split": "test", "examples": 4, "accuracy": 0.75, "macro_f1": 0.5, "loss": 1, "correct": "1101"}"#)
        XCTAssertEqual(try SplitMetricsFile.read(run: good, split: "test")?.correctness, [true, true, false, true])
        let old = try write(#"{"split": "test", "examples": 4, "accuracy": 0.75, "macro_f1": 0.5, "loss": 1}"#)
        XCTAssertNil(try SplitMetricsFile.read(run: old, split: "test")?.correctness)
        for (correct, reason) in [("110", "3 characters"), ("11x1", "only the characters"), ("1001", "marks 2 of 4")] {
            let dir = try write(#"{"split": "test", "examples": 4, "accuracy": 0.75, "macro_f1": 0.5, "loss": 1, "correct": "\#(correct)"}"#)
            XCTAssertThrowsError(try SplitMetricsFile.read(run: dir, split: "test")) { error in
                XCTAssertTrue("\(error)".contains(reason) && "\(error)".contains("test.json"), "\(error)")
            }
        }
    }

    func testShare() {
        XCTAssertEqual(AccuracyPairs.share([[true, false, true], [true, true, false]]), [1, 0.5, 0.5])
    }

    /// Seeds and split sampling add in quadrature; the paired error replaces the binomial one.
    func testQuadratureAndPairedError() throws {
        // s_a = s_b = 1, n = 3: Welch half 2.776·√(2/3); binomial of 80 % vs 77 % on 2000 examples.
        let seeds = 2.776 * (2.0 / 3).squareRoot()
        let binomial = 1.959964 * 100 * (0.8 * 0.2 / 2000 + 0.77 * 0.23 / 2000).squareRoot()
        let both = try XCTUnwrap(ClaimRules.differenceInterval(s(80, 81, 79), s(77, 78, 76), examples: 2000))
        XCTAssertEqual(both.upperBound - 3, (seeds * seeds + binomial * binomial).squareRoot(), accuracy: 1e-3)
        let paired = try XCTUnwrap(ClaimRules.differenceInterval(s(80, 81, 79), s(77, 78, 76), examples: 2000, pairedSE: 0.2))
        XCTAssertEqual(paired.upperBound - 3, (seeds * seeds + 0.392 * 0.392).squareRoot(), accuracy: 1e-3)
        XCTAssertLessThan(paired.upperBound, both.upperBound)
    }

    /// Claim 2 part 1 on 8000 examples: a 1.5-point gap with tight seeds is inconclusive unpaired (binomial ± 1.1)
    /// and "does not hold" paired when the configurations disagree on few examples; pairs for other run counts are ignored.
    func testClaim2ReadsThePairedErrorOfTheSameRuns() {
        func row(_ run: String, _ rank: Int, _ value: Double) -> AccuracyRow {
            AccuracyRow(run: run, targets: "q+v", rank: rank, dataSeed: 1, initSeed: 1, trainableParams: 1, status: "finished", steps: 1,
                        metric: "accuracy", split: "test", value: value, majorityBaseline: 0.1, alpha: 8, scaling: 1, trainSeconds: 1,
                        examples: 8000, extras: [:])
        }
        let rows = [row("a", 1, 0.840), row("b", 1, 0.841), row("c", 1, 0.839), row("d", 64, 0.855), row("e", 64, 0.856), row("f", 64, 0.854)]
        XCTAssertEqual(Claims.claim2(rows).verdict, .inconclusive)
        let pair = AccuracyPairRow(targetsA: "q+v", rankA: 1, targetsB: "q+v", rankB: 64, split: "test", examples: 8000, runsA: 3, runsB: 3,
                                   difference: -1.5, exampleSD: 15)   // SE 0.17 points
        let paired = Claims.claim2(rows, pairs: [pair])
        XCTAssertEqual(paired.verdict, .doesNotHold, paired.ours)
        XCTAssertTrue(paired.uncertainty.contains("paired"), paired.uncertainty)
        var other = pair
        other.runsA = 2
        XCTAssertEqual(Claims.claim2(rows, pairs: [other]).verdict, .inconclusive)
        XCTAssertTrue(Claims.claim2(rows, pairs: [other]).uncertainty.contains("unpaired"))
    }
}
