import Analysis
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// The verdict rules on hand-made numbers: each rule reaches holds, does not hold and inconclusive, symmetrically, and
/// an unknown spread (one seed) never decides.
final class ReportClaimsTests: XCTestCase {
    func s(_ values: Double...) -> SeedSummary { SeedSummary(values) }

    /// Table 7's and App. H.3's focus prefers a set adapting q and v (the paper's Section 7 setting) over one with as
    /// many ranks and runs, and otherwise the set with the most ranks, then runs.
    func testFocusTargetsPreferQAndV() {
        let both = (1...3).flatMap { s in [1, 4, 64].flatMap { r in [("q", r, "q-\(r)-\(s)"), ("q+v", r, "qv-\(r)-\(s)")] } }
        XCTAssertEqual(ReportSelection.primaryRankTargets(both), "q+v")
        XCTAssertEqual(ReportSelection.primaryRankTargets([("q", 1, "a"), ("q", 4, "b"), ("k", 1, "c")]), "q")
        XCTAssertEqual(ReportSelection.primaryRankTargets([("q", 1, "a"), ("k", 1, "b"), ("k", 1, "c")]), "k")
        XCTAssertEqual(ReportSelection.primaryRankTargets([("q", 1, "a"), ("q", 4, "b"), ("q+k+v+o", 2, "c")]), "q")
        XCTAssertEqual(ReportSelection.primaryRankTargets([("q", 1, "a"), ("q", 4, "b"), ("q+v", 2, "c"), ("q+v", 8, "d")]), "q+v")
    }

    func testJudgeIsSymmetric() {
        XCTAssertEqual(ClaimRules.judge(0.6...0.9, paper: .above, threshold: 0.5), .holds)
        XCTAssertEqual(ClaimRules.judge(0.1...0.4, paper: .above, threshold: 0.5), .doesNotHold)
        XCTAssertEqual(ClaimRules.judge(0.4...0.6, paper: .above, threshold: 0.5), .inconclusive)
        XCTAssertEqual(ClaimRules.judge(0.1...0.4, paper: .below, threshold: 0.5), .holds)
        XCTAssertEqual(ClaimRules.judge(0.6...0.9, paper: .below, threshold: 0.5), .doesNotHold)
        XCTAssertEqual(ClaimRules.judge(nil, paper: .above, threshold: 0.5), .inconclusive)
        XCTAssertEqual(ClaimRules.judge(0.5...0.9, paper: .above, threshold: 0.5), .inconclusive)   // touching is not beyond
    }

    /// Student t quantiles: the table (df 1, 2, 30) and the expansion beyond (exact t(60) = 2.000, t(120) = 1.980).
    func testTQuantilesAndMeanInterval() throws {
        XCTAssertEqual(ClaimRules.t975(1), 12.706)
        XCTAssertEqual(ClaimRules.t975(2.7), 4.303)                 // fractional Welch df round down (wider)
        XCTAssertEqual(ClaimRules.t975(30), 2.042)
        XCTAssertEqual(ClaimRules.t975(60), 2.000, accuracy: 0.002)
        XCTAssertEqual(ClaimRules.t975(120), 1.980, accuracy: 0.002)
        XCTAssertEqual(ClaimRules.t975(0.5), .infinity)
        XCTAssertNil(ClaimRules.meanInterval(s(0.7)))               // one value: the spread is unknown
        // Mean 0.6, s = 0.1, n = 3: half-width 4.303·0.1/√3.
        let iv = try XCTUnwrap(ClaimRules.meanInterval(s(0.5, 0.6, 0.7)))
        XCTAssertEqual(iv.lowerBound, 0.6 - 4.303 * 0.1 / 3.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(iv.upperBound, 0.6 + 4.303 * 0.1 / 3.0.squareRoot(), accuracy: 1e-12)
    }

    /// Welch interval, and the floors when seeds agree by chance: 80 % vs 78 % on 2000 examples, each side two identical
    /// seeds, gives the binomial ± 1.96·100·√(0.8·0.2/2000 + 0.78·0.22/2000) (not divided by the seeds: same examples)
    /// and, in quadrature, the seeds' Welch half-width with each s floored at one example (0.05 points): se = 0.05,
    /// ν = 2, t = 4.303.
    func testDifferenceInterval() throws {
        let welch = try XCTUnwrap(ClaimRules.differenceInterval(s(80, 81, 79), s(77, 78, 76), examples: nil))
        // s_a = s_b = 1, n = 3: se = √(2/3), ν = 4, t = 2.776.
        XCTAssertEqual(welch.upperBound - 3, 2.776 * (2.0 / 3).squareRoot(), accuracy: 1e-9)
        let floor = try XCTUnwrap(ClaimRules.differenceInterval(s(80, 80), s(78, 78), examples: 2000))
        let binomial = 1.959964 * 100 * (0.8 * 0.2 / 2000 + 0.78 * 0.22 / 2000).squareRoot()
        let seeds = 4.303 * 0.05
        XCTAssertEqual(floor.upperBound - 2, (binomial * binomial + seeds * seeds).squareRoot(), accuracy: 1e-6)
        XCTAssertNil(ClaimRules.differenceInterval(s(80), s(78, 79), examples: 2000))   // a single seed: unknown
    }

    func testBeatsAndAboutAsWell() {
        XCTAssertEqual(ClaimRules.beats(s(82, 83, 81.5), s(77, 78, 76.5), examples: 2000), .holds)
        XCTAssertEqual(ClaimRules.beats(s(77, 78, 76.5), s(82, 83, 81.5), examples: 2000), .doesNotHold)     // symmetric
        XCTAssertEqual(ClaimRules.beats(s(80, 81, 79.5), s(77, 78, 76.5), examples: 2000), .inconclusive)    // seeds ⊕ binomial > 3
        XCTAssertEqual(ClaimRules.beats(s(80.3, 80.8, 81.3), s(79.5, 80, 80.5), examples: 2000), .inconclusive)
        XCTAssertEqual(ClaimRules.beats(s(85), s(70), examples: 2000), .inconclusive)                         // one seed
        XCTAssertEqual(ClaimRules.beats(SeedSummary([]), s(1), examples: nil), .notTested)
        func larger(_ xs: SeedSummary...) -> [ClaimRules.RankGap] { xs.enumerated().map { .init(rank: 2 << $0.offset, summary: $0.element) } }
        XCTAssertEqual(ClaimRules.aboutAsWell(s(73.4, 73.6, 73.5), larger: larger(s(73.6, 73.7, 73.8)), examples: nil), .holds)
        XCTAssertEqual(ClaimRules.aboutAsWell(s(73.4, 73.6, 73.5), larger: larger(s(73.6, 73.7, 73.8)), examples: 2000), .inconclusive)  // ±2.7 floor
        XCTAssertEqual(ClaimRules.aboutAsWell(s(70, 70.2, 70.1), larger: larger(s(76, 76.2, 76.1)), examples: 2000), .doesNotHold)
        XCTAssertEqual(ClaimRules.aboutAsWell(s(70, 74), larger: larger(s(72, 76)), examples: 2000), .inconclusive)
        XCTAssertEqual(ClaimRules.aboutAsWell(s(70), larger: larger(s(79)), examples: 2000), .inconclusive)             // one seed
        // "holds" needs every larger rank within 1 point, not just the best by its mean.
        XCTAssertEqual(ClaimRules.aboutAsWell(s(73.4, 73.6, 73.5), larger: larger(s(73.6, 73.7, 73.8), s(70, 76, 82)), examples: nil),
                       .inconclusive)
        XCTAssertEqual(ClaimRules.someBeats(s(70, 70.2, 70.1), larger: larger(s(76, 76.2, 76.1), s(70, 70.1, 70.2)), examples: 2000), .holds)
        XCTAssertEqual(ClaimRules.someBeats(s(76, 76.2, 76.1), larger: larger(s(70, 70.2, 70.1), s(70, 70.1, 70.2)), examples: 2000),
                       .doesNotHold)   // the mirror: every rank below r = 1
        XCTAssertEqual(ClaimRules.someBeats(s(76, 76.2, 76.1), larger: larger(s(70, 70.2, 70.1), s(77, 80, 83)), examples: 2000),
                       .inconclusive)
        XCTAssertEqual(ClaimRules.someBeats(s(76), larger: [], examples: 2000), .notTested)
    }

    /// The familywise correction: a gap whose 95 % interval just clears 1 point does not clear it once four larger ranks
    /// share the 5 %. Seeds (n = 3, s = 0.3 each side) give se = 0.245, ν = 4: t(0.975) = 2.776 → half 0.68;
    /// t(0.99375) = 4.315 → half 1.06. A gap of 1.8 is [1.12, 2.48] at 95 % but [0.74, 2.86] at 98.75 %.
    func testSeveralLargerRanksPayForTheirNumber() {
        let r1 = s(84.3, 84.6, 84.9), best = s(86.1, 86.4, 86.7), flat = s(84.4, 84.7, 85.0)
        let one = [ClaimRules.RankGap(rank: 64, summary: best)]
        XCTAssertEqual(ClaimRules.aboutAsWell(r1, larger: one, examples: nil), .doesNotHold)
        let four = [2, 4, 8].map { ClaimRules.RankGap(rank: $0, summary: flat) } + one
        XCTAssertEqual(ClaimRules.familywiseLevel(4), 0.9875, accuracy: 1e-12)
        XCTAssertEqual(ClaimRules.aboutAsWell(r1, larger: four, examples: nil), .inconclusive)
        let wide = ClaimRules.differenceInterval(best, r1, examples: nil, level: 0.9875)!
        XCTAssertEqual(wide.upperBound - 1.8, 4.3147 * (0.18 / 3).squareRoot(), accuracy: 1e-3)
    }

    /// Student's t and normal quantiles against scipy.stats (t.ppf, norm.ppf), and the 0.975 table they extend.
    func testQuantiles() {
        for (p, df, expected) in [(0.975, 2.0, 4.3027), (0.975, 30, 2.0423), (0.99375, 1, 50.923), (0.99375, 2, 8.8602),
                                  (0.99375, 4, 4.3147), (0.99375, 10, 3.0382), (0.995, 3, 5.8409), (0.995, 100, 2.6259),
                                  (0.99375, 4.9, 4.3147)] {   // ν rounded down, as t975 does
            XCTAssertEqual(ClaimRules.tQuantile(p, df: df), expected, accuracy: 1e-4, "p \(p), ν \(df)")
        }
        XCTAssertEqual(ClaimRules.tQuantile(0.99, df: 0.5), .infinity)
        XCTAssertEqual(ClaimRules.normalQuantile(0.975), 1.959964, accuracy: 1e-6)
        XCTAssertEqual(ClaimRules.normalQuantile(0.99375), 2.49771, accuracy: 1e-5)
        XCTAssertEqual(ClaimRules.studentTCDF(0, df: 3), 0.5, accuracy: 1e-15)
        XCTAssertEqual(ClaimRules.studentTCDF(-4.3027, df: 2), 0.025, accuracy: 1e-5)
    }

    func testClaim3() {
        // Two or more seed pairs: the t interval of the mean against 0.5.
        XCTAssertEqual(ClaimRules.claim3(phi11: [0.80, 0.82, 0.78], nullUpper: [0.01, 0.01, 0.01]), .holds)
        XCTAssertEqual(ClaimRules.claim3(phi11: [0.02, 0.03, 0.01], nullUpper: [0.01, 0.01, 0.01]), .doesNotHold)
        XCTAssertEqual(ClaimRules.claim3(phi11: [0.3, 0.9], nullUpper: [0.01, 0.01]), .inconclusive)
        // One pair: only the null decides, and only "not shared".
        XCTAssertEqual(ClaimRules.claim3(phi11: [0.9], nullUpper: [0.01]), .inconclusive)
        XCTAssertEqual(ClaimRules.claim3(phi11: [0.008], nullUpper: [0.01]), .doesNotHold)
        XCTAssertEqual(ClaimRules.claim3(phi11: [], nullUpper: []), .notTested)
    }

    func testClaim4() {
        typealias P = ClaimRules.SeedPairValue
        let three = { (d: [Double]) in [P("s1", "s2", d[0]), P("s1", "s3", d[1]), P("s2", "s3", d[2])] }
        // q's seeds share nothing beyond chance: does not hold, whatever the differences.
        XCTAssertEqual(ClaimRules.claim4Layer(differences: three([0.1, 0.2, 0.15]), dq: [0.010, 0.012, 0.011], dqNullUpper: 0.018),
                       .doesNotHold)
        XCTAssertEqual(ClaimRules.claim4Layer(differences: three([0.10, 0.12, 0.11]), dq: [0.5, 0.5, 0.5], dqNullUpper: 0.018), .holds)
        XCTAssertEqual(ClaimRules.claim4Layer(differences: three([-0.10, -0.12, -0.11]), dq: [0.5, 0.5, 0.5], dqNullUpper: 0.018),
                       .doesNotHold)
        XCTAssertEqual(ClaimRules.claim4Layer(differences: three([0.2, -0.15, 0.1]), dq: [0.5, 0.4, 0.4], dqNullUpper: 0.018),
                       .inconclusive)
        // Two seeds (one pair), or pairs that all share a seed: the spread is unknown.
        XCTAssertEqual(ClaimRules.claim4Layer(differences: [P("s1", "s2", 0.3)], dq: [0.5], dqNullUpper: 0.018), .inconclusive)
        XCTAssertEqual(ClaimRules.claim4Layer(differences: [P("s1", "s2", 0.3), P("s1", "s3", 0.31)], dq: [0.5, 0.5],
                                              dqNullUpper: 0.018), .inconclusive)
        // The instrument check: E[D] for K = 8 in R^384 is 4.5/384.
        XCTAssertEqual(ClaimRules.randomPanelAtExpectation(nullMean: 4.5 / 384, nullSD: 0.003, draws: 200, K: 8, ambient: 384), .holds)
        XCTAssertEqual(ClaimRules.randomPanelAtExpectation(nullMean: 0.02, nullSD: 0.003, draws: 200, K: 8, ambient: 384), .doesNotHold)
    }

    /// The jackknife over seeds, by hand. Three seeds: θ₍ₛ₎ is the one pair without s, so SE² = (2/3)·Σ(d − d̄)², twice the
    /// naive s/√3 over the pairs. Five seeds with additive seed effects: the closed form below.
    func testPairMeanIntervalIsTheJackknifeOverSeeds() throws {
        typealias P = ClaimRules.SeedPairValue
        let iv = try XCTUnwrap(ClaimRules.pairMeanInterval([P("a", "b", 0.10), P("a", "c", 0.12), P("b", "c", 0.11)]))
        let se = (2.0 / 3.0 * (0.0001 + 0.0 + 0.0001)).squareRoot()
        XCTAssertEqual(iv.lowerBound, 0.11 - 4.303 * se, accuracy: 1e-12)
        XCTAssertEqual(iv.upperBound, 0.11 + 4.303 * se, accuracy: 1e-12)
        // Additive seed effects d_ij = u_i + u_j over all ten pairs of five seeds: θ₍ₛ₎ = (U − u_s)/2 with U = Σu, so
        // SE² = (4/5)·Σ_s ((u_s − ū)/2)² = (1/5)·Σ_s (u_s − ū)², and the interval has 4 degrees of freedom.
        let u = [0.0, 0.1, 0.3, 0.2, 0.6]
        var pairs: [P] = []
        for i in 0..<5 { for j in (i + 1)..<5 { pairs.append(P("s\(i)", "s\(j)", u[i] + u[j])) } }
        let ubar = u.reduce(0, +) / 5
        let se5 = (u.map { ($0 - ubar) * ($0 - ubar) }.reduce(0, +) / 5).squareRoot()
        let iv5 = try XCTUnwrap(ClaimRules.pairMeanInterval(pairs))
        XCTAssertEqual((iv5.lowerBound + iv5.upperBound) / 2, 2 * ubar, accuracy: 1e-12)
        XCTAssertEqual((iv5.upperBound - iv5.lowerBound) / 2, 2.776 * se5, accuracy: 1e-12)
        // Wider than the t interval that takes the ten pairs as independent units.
        let naive = try XCTUnwrap(ClaimRules.meanInterval(SeedSummary(pairs.map(\.value))))
        XCTAssertGreaterThan(iv5.upperBound - iv5.lowerBound, naive.upperBound - naive.lowerBound)
        XCTAssertNil(ClaimRules.pairMeanInterval([P("a", "b", 0.1)]))
    }

    func testClaim5() {
        XCTAssertEqual(ClaimRules.claim5(projection: 0.32, nullLower: 0.01, nullUpper: 0.03, w: 21.67), .holds)     // the paper's r = 4
        XCTAssertEqual(ClaimRules.claim5(projection: 0.005, nullLower: 0.01, nullUpper: 0.03, w: 21.67), .doesNotHold)
        XCTAssertEqual(ClaimRules.claim5(projection: 0.02, nullLower: 0.01, nullUpper: 0.03, w: 21.67), .inconclusive)
        XCTAssertEqual(ClaimRules.claim5(projection: 15, nullLower: 0.01, nullUpper: 0.03, w: 21.67), .inconclusive)  // not far below W
    }

    /// Claim 6 on the growth p(r_high)/p(r_low): above the null's band holds, below does not, mixed seeds inconclusive.
    func testClaim6() {
        XCTAssertEqual(ClaimRules.claim6(growth: [30, 32], nullLower: 10, nullUpper: 20), .holds)
        XCTAssertEqual(ClaimRules.claim6(growth: [5.9], nullLower: 10, nullUpper: 20), .doesNotHold)
        XCTAssertEqual(ClaimRules.claim6(growth: [30, 15], nullLower: 10, nullUpper: 20), .inconclusive)
        XCTAssertEqual(ClaimRules.claim6(growth: [30, 5], nullLower: 10, nullUpper: 20), .inconclusive)
    }

    func testClaim7() {
        XCTAssertEqual(ClaimRules.claim7Overlap([0.01, 0.02], nullUpper: [0.03, 0.03]), .holds)              // chance level
        XCTAssertEqual(ClaimRules.claim7Overlap([0.9, 0.92, 0.91], nullUpper: [0.03, 0.03, 0.03]), .doesNotHold)
        XCTAssertEqual(ClaimRules.claim7Overlap([0.2], nullUpper: [0.03]), .inconclusive)                     // one seed above chance
        let above = [(value: 0.4, lower: 0.15, upper: 0.19), (value: 0.35, lower: 0.15, upper: 0.19)]
        XCTAssertEqual(ClaimRules.claim7Coverage(high: above, lowMean: 0.02), .holds)
        XCTAssertEqual(ClaimRules.claim7Coverage(high: above, lowMean: 0.5), .inconclusive)                  // did not rise
        XCTAssertEqual(ClaimRules.claim7Coverage(high: [(0.1, 0.15, 0.19)], lowMean: 0.02), .doesNotHold)
        XCTAssertEqual(ClaimRules.claim7Coverage(high: [(0.17, 0.15, 0.19)], lowMean: 0.02), .inconclusive)
        XCTAssertEqual(ClaimRules.claim7Coverage(high: above, lowMean: nil), .inconclusive)                  // one rank
    }

    func testCombinersAndLayers() {
        XCTAssertEqual(ClaimRules.unanimous([.holds, .holds]), .holds)
        XCTAssertEqual(ClaimRules.unanimous([.doesNotHold, .doesNotHold]), .doesNotHold)
        XCTAssertEqual(ClaimRules.unanimous([.holds, .doesNotHold]), .inconclusive)
        XCTAssertEqual(ClaimRules.unanimous([]), .inconclusive)
        XCTAssertEqual(ClaimRules.combine([.holds, .notTested]), .holds)
        XCTAssertEqual(ClaimRules.combine([.holds, .inconclusive]), .inconclusive)
        XCTAssertEqual(ClaimRules.combine([.holds, .doesNotHold]), .doesNotHold)
        XCTAssertEqual(ClaimRules.acrossLayers([.holds, .holds, .holds, .holds, .inconclusive, .doesNotHold]), .holds)
        XCTAssertEqual(ClaimRules.acrossLayers([.holds, .holds, .holds, .inconclusive, .doesNotHold, .doesNotHold]), .inconclusive)
        XCTAssertEqual(ClaimRules.acrossLayers([.holds, .holds, .doesNotHold, .doesNotHold, .doesNotHold, .inconclusive]), .doesNotHold)
        XCTAssertEqual(ClaimRules.acrossLayers([.holds]), .notTested)
    }

    /// The claims of an empty results folder are all "not tested by this spec", with a reason each.
    func testEmptyDataIsNotTested() {
        let claims = Claims.evaluate(ReportData(), options: AnalysesSpec())
        XCTAssertEqual(claims.map(\.number), Array(1...8))
        XCTAssertTrue(claims.allSatisfy { $0.verdict == .notTested && !$0.ours.isEmpty && !$0.rule.isEmpty && !$0.uncertainty.isEmpty })
    }

    /// Claim 1 and 2 from hand-made accuracy rows: same budget pairing, intervals from three seeds and the binomial
    /// floor, and a non-accuracy metric is not tested.
    func testAccuracyClaimsFromRows() {
        func row(_ targets: String, _ rank: Int, _ seed: UInt64, _ value: Double, metric: String = "accuracy") -> AccuracyRow {
            AccuracyRow(run: "\(targets)-\(rank)-\(seed)", targets: targets, rank: rank, dataSeed: 1, initSeed: seed, trainableParams: nil,
                        status: "finished", steps: 10, metric: metric, split: "validation", value: value, majorityBaseline: nil, alpha: 8, scaling: 1,
                        trainSeconds: nil, examples: 100_000, extras: [:])
        }
        let rows = (1...3).flatMap { (seed: UInt64) -> [AccuracyRow] in
            let e = Double(seed) * 0.001
            return [row("q+v", 4, seed, 0.737 + e), row("q", 8, seed, 0.704 + e), row("k", 8, seed, 0.700 + e),
                    row("q+v", 1, seed, 0.734 + e)]
        }
        let c1 = Claims.claim1(rows)
        XCTAssertEqual(c1.verdict, .holds, c1.ours)
        XCTAssertTrue(c1.ours.hasPrefix("budget 8: q+v (r=4)"), c1.ours)
        let c2 = Claims.claim2(rows)
        XCTAssertEqual(c2.verdict, .holds, c2.ours)            // q+v r=1 within 0.3 ± 0.4 points; q has no r = 1 → part 2 untested
        XCTAssertTrue(c2.ours.contains("q alone: needs r = 1"), c2.ours)
        XCTAssertEqual(Claims.claim1(rows.filter { $0.initSeed == 1 }).verdict, .inconclusive)   // one seed: unknown spread
        XCTAssertEqual(Claims.claim1(rows.map { var r = $0; r.metric = "mse"; return r }).verdict, .notTested)

        // On the test split the text names it and its N, and the binomial floor uses that N (wider here: 8,171 examples).
        let test = rows.map { var r = $0; r.split = "test"; r.examples = 8171; return r }
        let t1 = Claims.claim1(test)
        XCTAssertTrue(t1.ours.hasPrefix("test split (N = 8171): budget 8: q+v (r=4)"), t1.ours)
        XCTAssertTrue(t1.uncertainty.contains("the N examples of the test split (unpaired"), t1.uncertainty)
        XCTAssertTrue(Claims.claim2(test).ours.hasPrefix("test split (N = 8171): "))
        XCTAssertEqual(Claims.claim2(test).verdict, .inconclusive)   // ± 1.3 points of binomial error cannot show "within 1 point"
    }

    /// A finished run no better than the majority class is listed under the accuracy tables (it still counts in the means).
    func testCollapsedRunsAreListed() {
        func row(_ run: String, _ value: Double?, status: String = "finished") -> AccuracyRow {
            AccuracyRow(run: run, targets: "q", rank: 8, dataSeed: 1, initSeed: 1, trainableParams: nil, status: status, steps: 10,
                        metric: "accuracy", split: "test", value: value, majorityBaseline: 0.139, alpha: 8, scaling: 1,
                        trainSeconds: nil, examples: 8171, extras: [:])
        }
        let rows = [row("good", 0.85), row("collapsed", 0.1325), row("edge", 0.152), row("diverged", 0.1, status: "diverged")]
        let view = try! XCTUnwrap(ReportMarkdown.accuracyView(ReportData(accuracy: rows)))
        XCTAssertEqual(ReportMarkdown.collapsedRuns(view).map(\.run), ["collapsed"])   // threshold 0.139 + 3·√(0.139·0.861/8171) = 0.1505
        XCTAssertTrue(ReportMarkdown.accuracyFootnotes(view).contains("`collapsed` (13.25 %)"), ReportMarkdown.accuracyFootnotes(view))
    }
}
