import Foundation
import XCTest
@testable import Analysis
@testable import ExperimentReports
@testable import LoRA

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

    /// A finished q+v run at `rank` with `seed` whose test.json has `correct` (nil: a file without it).
    private func run(_ rank: Int, _ seed: UInt64, _ correct: String?, status: RunOutcome.Status = .finished) throws -> RunRecord {
        let ones = correct.map { Double($0.filter { $0 == "1" }.count) / Double($0.count) } ?? 0.5
        let text = correct.map { #", "correct": "\#($0)""# } ?? ""
        let dir = try write(#"{"split": "test", "examples": \#(correct?.count ?? 4), "accuracy": \#(ones), "macro_f1": 0.5, "loss": 1\#(text)}"#)
        let outcome = RunOutcome(status: status, steps: 10, primaryMetric: "accuracy", validation: ["accuracy": 0.5], majorityBaseline: 0.25,
                                 trainSeconds: 1, headParameters: 1, machine: ReportFixture.machine)
        return RunRecord(id: "qv-r\(rank)-d\(seed)", targets: [.q, .v], layers: [0], rank: rank, alpha: 8, rsLoRA: false, scaling: 1,
                         dataSeed: seed, initSeed: seed, trainableParameters: 1, outcome: outcome, directory: dir)
    }

    /// Shares over seeds, the pair's difference and SD by hand; a configuration with a file lacking `correct` is left
    /// out while the others still pair; an unfinished run is ignored; another length is an error naming the file.
    func testRowsFromRunFolders() throws {
        let runs = [try run(1, 1, "1100"), try run(1, 2, "1000"), try run(8, 1, "1110"), try run(8, 2, "1111"),
                    try run(64, 1, nil), try run(64, 2, "1111"), try run(8, 3, "0000", status: .diverged)]
        let rows = try XCTUnwrap(try AccuracyPairs.rows(runs, split: .test))
        XCTAssertEqual(rows.count, 1)
        // shares r1: 1, .5, 0, 0; r8: 1, 1, 1, .5 → d = 0, −.5, −1, −.5: mean −.5, sd √(1/6).
        XCTAssertEqual([rows[0].rankA, rows[0].rankB, rows[0].runsA, rows[0].runsB, rows[0].examples], [1, 8, 2, 2, 4])
        XCTAssertEqual(rows[0].difference, -50, accuracy: 1e-7)
        XCTAssertEqual(rows[0].exampleSD, 100 * (1.0 / 6).squareRoot(), accuracy: 1e-7)
        XCTAssertNil(try AccuracyPairs.rows(runs, split: .validation))
        XCTAssertThrowsError(try AccuracyPairs.rows(runs + [try run(2, 1, "11001")], split: .test)) { error in
            XCTAssertTrue("\(error)".contains("5 examples, other runs 4"), "\(error)")
        }
    }

    /// The run counts are matched in the pair row's orientation: a row listing the configurations the other way round
    /// still serves, a row whose counts belong to the other side does not.
    func testPairedErrorIsMatchedInEitherOrientation() {
        let three = s(84, 84.1, 83.9), two = s(86, 86.1)
        let row = AccuracyPairRow(targetsA: "q+v", rankA: 64, targetsB: "q+v", rankB: 1, split: "test", examples: 8000, runsA: 2, runsB: 3,
                                  difference: 2.05, exampleSD: 16)
        XCTAssertEqual(Claims.pairedSE([row], ("q+v", 1, three), ("q+v", 64, two)), 16 / 8000.0.squareRoot())
        XCTAssertEqual(Claims.pairedSE([row], ("q+v", 64, two), ("q+v", 1, three)), 16 / 8000.0.squareRoot())
        var swapped = row
        (swapped.runsA, swapped.runsB) = (3, 2)
        XCTAssertNil(Claims.pairedSE([swapped], ("q+v", 1, three), ("q+v", 64, two)))
        XCTAssertNil(Claims.pairedSE([row], ("q", 1, three), ("q+v", 64, two)))
    }

    /// Claim 1 reads the paired error per comparison and says which it used.
    func testClaim1ReadsPairedErrors() {
        func row(_ run: String, _ targets: String, _ rank: Int, _ value: Double) -> AccuracyRow {
            AccuracyRow(run: run, targets: targets, rank: rank, dataSeed: 1, initSeed: 1, trainableParams: 1, status: "finished", steps: 1,
                        metric: "accuracy", split: "test", value: value, majorityBaseline: 0.1, alpha: 8, scaling: 1, trainSeconds: 1,
                        examples: 8000, extras: [:])
        }
        let rows = [row("a", "q+v", 4, 0.855), row("b", "q+v", 4, 0.856), row("c", "q+v", 4, 0.854),
                    row("d", "q", 8, 0.845), row("e", "q", 8, 0.846), row("f", "q", 8, 0.844)]
        XCTAssertEqual(Claims.claim1(rows).verdict, .inconclusive)           // 1 point against ± 1.1 unpaired
        let pair = AccuracyPairRow(targetsA: "q", rankA: 8, targetsB: "q+v", rankB: 4, split: "test", examples: 8000, runsA: 3, runsB: 3,
                                   difference: -1, exampleSD: 15)
        let paired = Claims.claim1(rows, pairs: [pair])
        XCTAssertEqual(paired.verdict, .holds, paired.ours)
        XCTAssertTrue(paired.ours.contains("(paired): holds"), paired.ours)
        XCTAssertTrue(Claims.claim1(rows).ours.contains("(unpaired): inconclusive"))
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
