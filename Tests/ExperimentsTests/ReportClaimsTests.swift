import Analysis
import XCTest
@testable import Experiments

/// The verdict rules on hand-made numbers: each rule reaches holds, does not hold and inconclusive.
final class ReportClaimsTests: XCTestCase {
    func s(_ values: Double...) -> SeedSummary { SeedSummary(values) }

    func testPooledStandardDeviation() {
        // s_a² = 1 (n 3), s_b² = 4 (n 3): pooled = √((2·1 + 2·4)/4) = √2.5.
        XCTAssertEqual(ClaimRules.pooledStandardDeviation(s(1, 2, 3), s(2, 4, 6))!, 2.5.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(ClaimRules.pooledStandardDeviation(s(1, 3), s(5))!, 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertNil(ClaimRules.pooledStandardDeviation(s(1), s(5)))
    }

    func testBeats() {
        // Several seeds: gap 3, pooled std ≈ 0.5 → threshold max(1, 0.5) = 1 → holds.
        XCTAssertEqual(ClaimRules.beats(s(80, 81, 79.5), s(77, 78, 76.5)), .holds)
        // Gap 0.8 < max(2·s_p, 0.5) with s_p = 0.5 → inconclusive.
        XCTAssertEqual(ClaimRules.beats(s(80.3, 80.8, 81.3), s(79.5, 80, 80.5)), .inconclusive)
        // mean_B ≥ mean_A → does not hold (equal means too).
        XCTAssertEqual(ClaimRules.beats(s(79, 80), s(80, 81)), .doesNotHold)
        XCTAssertEqual(ClaimRules.beats(s(80), s(80)), .doesNotHold)
        // Single seeds: a 0.8-point gap is inconclusive, 1.2 holds.
        XCTAssertEqual(ClaimRules.beats(s(80.8), s(80)), .inconclusive)
        XCTAssertEqual(ClaimRules.beats(s(81.2), s(80)), .holds)
        // One side single, other spread: 0.7 > 2·s_p would hold but the single seed needs ≥ 1 point.
        XCTAssertEqual(ClaimRules.beats(s(80.7), s(80, 80.01)), .inconclusive)
        XCTAssertEqual(ClaimRules.beats(SeedSummary([]), s(1)), .notTested)
    }

    func testAboutAsWell() {
        XCTAssertEqual(ClaimRules.aboutAsWell(s(73.4, 73.6), best: s(74.0, 74.2)), .holds)          // gap 0.6
        XCTAssertEqual(ClaimRules.aboutAsWell(s(75), best: s(74)), .holds)                            // r = 1 is best
        XCTAssertEqual(ClaimRules.aboutAsWell(s(70, 70.2), best: s(73, 73.2)), .doesNotHold)          // gap 3, tight seeds
        XCTAssertEqual(ClaimRules.aboutAsWell(s(70, 74), best: s(72, 76)), .inconclusive)             // gap 2 < 2·s_p ≈ 5.7
        XCTAssertEqual(ClaimRules.aboutAsWell(s(70), best: s(71.5)), .inconclusive)                   // single seed, 1 < 1.5 ≤ 2
        XCTAssertEqual(ClaimRules.aboutAsWell(s(70), best: s(72.5)), .doesNotHold)                    // single seed, > 2
    }

    func testClaim3() {
        XCTAssertEqual(ClaimRules.claim3([s(0.8), s(0.7)]), .holds)
        XCTAssertEqual(ClaimRules.claim3([s(0.37), s(0.02)]), .doesNotHold)
        XCTAssertEqual(ClaimRules.claim3([s(0.8), s(0.2)]), .inconclusive)                  // matrices disagree
        XCTAssertEqual(ClaimRules.claim3([s(0.55, 0.75), s(0.8, 0.9)]), .inconclusive)      // 0.65 − 2·0.14 < 0.5
        XCTAssertEqual(ClaimRules.claim3([]), .notTested)
    }

    func testClaim4() {
        let band = ClaimRules.randomDiagonalBand(K: 8, ambient: 384)
        XCTAssertEqual(band.expected, (1...8).map { Double($0) / 384 }.reduce(0, +) / 8, accuracy: 1e-15)
        let ok = (observed: band.expected, expected: band.expected, tolerance: band.tolerance)
        XCTAssertEqual(ClaimRules.claim4(differences: [0.10, 0.12, 0.08, 0.11], random: ok), .holds)
        XCTAssertEqual(ClaimRules.claim4(differences: [-0.05, 0.01, -0.02], random: ok), .doesNotHold)
        XCTAssertEqual(ClaimRules.claim4(differences: [0.2, -0.15, 0.1, -0.1], random: ok), .inconclusive)    // mean 0.0125
        XCTAssertEqual(ClaimRules.claim4(differences: [0.03], random: ok), .inconclusive)                     // one layer needs > 0.05
        XCTAssertEqual(ClaimRules.claim4(differences: [0.1, 0.12], random: (0.5, band.expected, band.tolerance)), .doesNotHold)
        XCTAssertEqual(ClaimRules.claim4(differences: [], random: nil), .notTested)
    }

    func testClaim5() {
        typealias P = ClaimRules.ProjectionAtRank
        // The paper's numbers hold.
        XCTAssertEqual(ClaimRules.claim5([P(rank: 4, delta: s(0.32), w: 21.67, random: 0.02),
                                          P(rank: 64, delta: s(1.90), w: 37.71, random: 0.33)]), .holds)
        // ΔW below random at one rank.
        XCTAssertEqual(ClaimRules.claim5([P(rank: 4, delta: s(0.32), w: 21.67, random: 0.02),
                                          P(rank: 64, delta: s(5.7, 5.9), w: 12.7, random: 6.5)]), .doesNotHold)
        // Above random but not twice: inconclusive.
        XCTAssertEqual(ClaimRules.claim5([P(rank: 8, delta: s(1.5), w: 20, random: 1.0)]), .inconclusive)
    }

    func testClaim6() {
        XCTAssertEqual(ClaimRules.claim6(low: s(21.5), high: s(1.88)), .holds)
        XCTAssertEqual(ClaimRules.claim6(low: s(1.5, 1.7), high: s(2.0, 2.1)), .doesNotHold)
        XCTAssertEqual(ClaimRules.claim6(low: s(0.9), high: s(0.5)), .doesNotHold)              // low ≤ 1
        XCTAssertEqual(ClaimRules.claim6(low: s(8, 14), high: s(6, 7)), .inconclusive)          // 4.5 < 2·s_p ≈ 6.0
    }

    func testClaim7() {
        XCTAssertEqual(ClaimRules.claim7(overlaps: [s(0.05), s(0.1)], coverage: (s(0.1), s(0.4))), .holds)
        XCTAssertEqual(ClaimRules.claim7(overlaps: [s(0.7, 0.72), s(0.1)], coverage: (s(0.1), s(0.4))), .doesNotHold)
        XCTAssertEqual(ClaimRules.claim7(overlaps: [s(0.05), s(0.1)], coverage: (s(0.4), s(0.3))), .doesNotHold)
        XCTAssertEqual(ClaimRules.claim7(overlaps: [s(0.05)], coverage: nil), .inconclusive)     // one rank
        XCTAssertEqual(ClaimRules.claim7(overlaps: [s(0.05), s(0.1)], coverage: (s(0.10), s(0.11))), .inconclusive)
    }

    func testClaim8() {
        XCTAssertEqual(ClaimRules.claim8([5.0 / 6, 4.0 / 6]), .holds)
        XCTAssertEqual(ClaimRules.claim8([5.0 / 6, 1.0 / 6]), .doesNotHold)
        XCTAssertEqual(ClaimRules.claim8([0.5, 1]), .inconclusive)
        XCTAssertEqual(ClaimRules.claim8([]), .notTested)
    }

    /// The claims of an empty results folder are all "not tested by this spec", with a reason each.
    func testEmptyDataIsNotTested() {
        let claims = Claims.evaluate(ReportData(), options: AnalysesSpec())
        XCTAssertEqual(claims.map(\.number), Array(1...8))
        XCTAssertTrue(claims.allSatisfy { $0.verdict == .notTested && !$0.ours.isEmpty && !$0.rule.isEmpty })
    }

    /// Claim 1 and 2 from hand-made accuracy rows: same budget pairing, and a non-accuracy metric is not tested.
    func testAccuracyClaimsFromRows() {
        func row(_ targets: String, _ rank: Int, _ seed: UInt64, _ value: Double, metric: String = "accuracy") -> AccuracyRow {
            AccuracyRow(run: "\(targets)-\(rank)-\(seed)", targets: targets, rank: rank, dataSeed: 1, initSeed: seed, trainableParams: nil,
                        status: "finished", steps: 10, metric: metric, value: value, majorityBaseline: nil, alpha: 8, scaling: 1,
                        trainSeconds: nil, extras: [:])
        }
        let rows = [row("q+v", 4, 1, 0.737), row("q+v", 4, 2, 0.739), row("q", 8, 1, 0.704), row("q", 8, 2, 0.706),
                    row("k", 8, 1, 0.700), row("k", 8, 2, 0.702), row("q+v", 1, 1, 0.734), row("q+v", 1, 2, 0.736)]
        let c1 = Claims.claim1(rows)
        XCTAssertEqual(c1.verdict, .holds, c1.ours)
        XCTAssertTrue(c1.ours.hasPrefix("budget 8: q+v (r=4)"), c1.ours)
        let c2 = Claims.claim2(rows)
        XCTAssertEqual(c2.verdict, .holds, c2.ours)            // q+v r=1 within 0.3 points; q has no r = 1 → part 2 untested
        XCTAssertTrue(c2.ours.contains("q alone: needs r = 1"), c2.ours)
        XCTAssertEqual(Claims.claim1(rows.map { var r = $0; r.metric = "mse"; return r }).verdict, .notTested)
    }
}
