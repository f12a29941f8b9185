import Analysis
import Foundation

/// A computed verdict on one claim of the paper. Never written by hand: `Claims.evaluate` derives it from the
/// analysis CSVs by the rules of `ClaimRules`, and the report prints those rules beside it.
public enum Verdict: String, Codable, Sendable, CaseIterable {
    case holds = "holds"
    case doesNotHold = "does not hold"
    case inconclusive = "inconclusive"
    case notTested = "not tested by this spec"
}

/// One claim of Sec 7 / App. H with our numbers, the paper's, the verdict and the rule that gave it.
public struct ClaimResult: Equatable, Sendable {
    public var number: Int
    /// Where the paper makes the claim ("Table 5", "Fig 3", …).
    public var source: String
    public var statement: String
    public var verdict: Verdict
    /// Our numbers (or why the claim is not tested).
    public var ours: String
    /// The paper's numbers or finding.
    public var paper: String
    /// The decision rule, as printed in the report.
    public var rule: String

    public init(number: Int, source: String, statement: String, verdict: Verdict, ours: String, paper: String, rule: String) {
        self.number = number
        self.source = source
        self.statement = statement
        self.verdict = verdict
        self.ours = ours
        self.paper = paper
        self.rule = rule
    }

    static let csvHeader = ["claim", "source", "verdict", "ours", "paper", "rule", "statement"]
}

/// The decision rules behind the verdicts. Each takes the spread over seeds into account (mean ± sample std,
/// `SeedSummary`), is a pure function of numbers, and has its wording in `text` for the report.
///
/// Accuracies are in percentage points (1 point = 0.01 of a fraction). "s_p" is the pooled sample standard
/// deviation √(((n_A−1)s_A² + (n_B−1)s_B²)/(n_A+n_B−2)) (0 when no side has two seeds).
public enum ClaimRules {
    // MARK: Accuracy comparisons (claims 1, 2)

    /// Pooled sample std of two groups; nil when n_A + n_B − 2 < 1 (no spread is known).
    public static func pooledStandardDeviation(_ a: SeedSummary, _ b: SeedSummary) -> Double? {
        let df = a.count + b.count - 2
        guard df >= 1 else { return nil }
        let va = a.standardDeviation.map { $0 * $0 } ?? 0
        let vb = b.standardDeviation.map { $0 * $0 } ?? 0
        return ((Double(a.count - 1) * va + Double(b.count - 1) * vb) / Double(df)).squareRoot()
    }

    /// "A beats B" (values in points): does not hold if mean_B ≥ mean_A; holds if mean_A − mean_B > max(2·s_p, 0.5)
    /// and, when either side has a single seed, the gap is also ≥ 1 point; inconclusive otherwise.
    public static func beats(_ a: SeedSummary, _ b: SeedSummary) -> Verdict {
        guard a.count > 0, b.count > 0 else { return .notTested }
        let gap = a.mean - b.mean
        if !(gap > 0) { return .doesNotHold }
        let threshold = Swift.max(2 * (pooledStandardDeviation(a, b) ?? 0), 0.5)
        let singleSeed = a.count < 2 || b.count < 2
        return gap > threshold && (!singleSeed || gap >= 1) ? .holds : .inconclusive
    }

    public static let beatsText = "“A beats B” holds if mean_A − mean_B > max(2·s_p, 0.5 points) (and ≥ 1 point when either side "
        + "has a single seed), does not hold if mean_B ≥ mean_A, and is inconclusive otherwise"

    /// "candidate performs about as well as best" (points): holds if best − candidate ≤ 1 point; does not hold if the
    /// gap exceeds max(1 point, 2·s_p) with ≥ 2 seeds on both sides, or exceeds 2 points otherwise; inconclusive between.
    public static func aboutAsWell(_ candidate: SeedSummary, best: SeedSummary) -> Verdict {
        guard candidate.count > 0, best.count > 0 else { return .notTested }
        let gap = best.mean - candidate.mean
        if gap <= 1 { return .holds }
        if candidate.count >= 2 && best.count >= 2, let sp = pooledStandardDeviation(candidate, best) {
            return gap > Swift.max(1, 2 * sp) ? .doesNotHold : .inconclusive
        }
        return gap > 2 ? .doesNotHold : .inconclusive
    }

    public static let aboutAsWellText = "“about as well” holds if the best larger rank is ≤ 1 point above r = 1, does not hold if it is "
        + "more than max(1 point, 2·s_p) above (more than 2 points when a side has a single seed), and is inconclusive in between "
        + "(a gap above 1 point that the seed spread cannot resolve)"

    // MARK: φ against one half (claims 3, 7)

    public enum Side: Equatable, Sendable { case above, below, undecided }

    /// Where mean ± 2·std lies relative to `threshold` (std 0 for a single value).
    public static func side(of value: SeedSummary, threshold: Double = 0.5) -> Side {
        let s = value.standardDeviation ?? 0
        if value.mean - 2 * s > threshold { return .above }
        if value.mean + 2 * s < threshold { return .below }
        return .undecided
    }

    /// Claim 3 from φ(1, 1) per adapted matrix (mean ± std over seeds) at the middle layer: holds if every matrix lies
    /// above 0.5 (mean − 2·std > 0.5), does not hold if every matrix lies below (mean + 2·std < 0.5), inconclusive otherwise.
    public static func claim3(_ phi11: [SeedSummary]) -> Verdict {
        guard !phi11.isEmpty else { return .notTested }
        let sides = phi11.map { side(of: $0) }
        if sides.allSatisfy({ $0 == .above }) { return .holds }
        if sides.allSatisfy({ $0 == .below }) { return .doesNotHold }
        return .inconclusive
    }

    public static let claim3Text = "at the middle layer, for each adapted matrix, φ(1, 1) between A of the two ranks (mean ± std over "
        + "seeds): holds if mean − 2·std > 0.5 for every matrix, does not hold if mean + 2·std < 0.5 for every matrix, "
        + "inconclusive if the matrices disagree or a value is within 2·std of 0.5"

    // MARK: Claim 4

    /// Claim 4. `differences`: per layer, D_q − D_v with D = mean of φ(k, k) over k ≤ K between two seeds (averaged over
    /// seed pairs). `random`: the random panel's D, its expectation and tolerance (nil = no random panel).
    /// Holds if mean difference > max(2·SE, 0.02) (SE = std over layers/√layers; one layer: > 0.05) and the random panel is
    /// within tolerance; does not hold if the mean difference ≤ 0 or the random panel is outside its tolerance;
    /// inconclusive otherwise.
    public static func claim4(differences: [Double], random: (observed: Double, expected: Double, tolerance: Double)?) -> Verdict {
        guard !differences.isEmpty else { return .notTested }
        let summary = SeedSummary(differences)
        if let r = random, abs(r.observed - r.expected) > r.tolerance { return .doesNotHold }
        if !(summary.mean > 0) { return .doesNotHold }
        let margin: Double
        if let s = summary.standardDeviation { margin = Swift.max(2 * s / Double(summary.count).squareRoot(), 0.02) } else { margin = 0.05 }
        return summary.mean > margin ? .holds : .inconclusive
    }

    public static let claim4Text = "D = mean of φ(k, k) for k ≤ K between the two seeds' A (K = min(maxI, r)); d = D_q − D_v per layer: "
        + "holds if the mean of d over layers > max(2·SE, 0.02) (SE = std of d over layers / √layers; a single layer needs > 0.05) "
        + "and the random panel's D is within 3·σ̄ of its expectation mean_k k/k_in (σ̄ = mean over k of √Var φ(k, k) for "
        + "random subspaces, `SubspaceSimilarity.randomVariance`); does not hold if the mean of d ≤ 0 or the random panel is "
        + "outside that band; inconclusive otherwise"

    /// Tolerance of the random panel's mean φ(k, k), k = 1…K in R^ambient: 3·(1/K)·Σ_k √Var φ(k, k). The mean of correlated
    /// variables has std ≤ the mean of their stds, so 3× that bounds a ≥ 3-sigma band.
    public static func randomDiagonalBand(K: Int, ambient: Int) -> (expected: Double, tolerance: Double) {
        let ks = 1...K
        let expected = ks.map { SubspaceSimilarity.randomExpectation(i: $0, j: $0, ambient: ambient) }.reduce(0, +) / Double(K)
        let sigma = ks.map { SubspaceSimilarity.randomVariance(i: $0, j: $0, ambient: ambient).squareRoot() }.reduce(0, +) / Double(K)
        return (expected, 3 * sigma)
    }

    // MARK: Claim 5

    /// One rank of Table 7: ‖UᵀWV‖_F for U, V from ΔW (over seeds), from W, and from a random matrix.
    public struct ProjectionAtRank: Equatable, Sendable {
        public var rank: Int
        public var delta: SeedSummary
        public var w: Double
        public var random: Double
        public init(rank: Int, delta: SeedSummary, w: Double, random: Double) {
            self.rank = rank; self.delta = delta; self.w = w; self.random = random
        }
    }

    /// Claim 5: holds if at every rank mean_ΔW − 2·std > 2 × random and mean_ΔW + 2·std < W / 2; does not hold if at some
    /// rank mean_ΔW ≤ random or mean_ΔW ≥ W; inconclusive otherwise.
    public static func claim5(_ ranks: [ProjectionAtRank]) -> Verdict {
        guard !ranks.isEmpty else { return .notTested }
        if ranks.contains(where: { $0.delta.mean <= $0.random || $0.delta.mean >= $0.w }) { return .doesNotHold }
        let clear = ranks.allSatisfy { p in
            let s = p.delta.standardDeviation ?? 0
            return p.delta.mean - 2 * s > 2 * p.random && p.delta.mean + 2 * s < p.w / 2
        }
        return clear ? .holds : .inconclusive
    }

    public static let claim5Text = "at the middle layer, per rank, ‖UᵀWV‖_F with U, V from ΔW (mean ± std over seeds) against the "
        + "random-direction and W-direction values: holds if at every rank mean − 2·std > 2 × random and mean + 2·std < W/2 "
        + "(“well above”, “far below”), does not hold if at some rank mean ≤ random or mean ≥ W, inconclusive otherwise"

    // MARK: Claim 6

    /// Claim 6 from the amplification factor at the lowest and the highest rank (over seeds): does not hold if
    /// low ≤ high or low ≤ 1; holds if low − high > max(2·s_p, 0.1 × high); inconclusive otherwise.
    public static func claim6(low: SeedSummary, high: SeedSummary) -> Verdict {
        guard low.count > 0, high.count > 0 else { return .notTested }
        if !(low.mean > high.mean) || !(low.mean > 1) { return .doesNotHold }
        let margin = Swift.max(2 * (pooledStandardDeviation(low, high) ?? 0), 0.1 * high.mean)
        return low.mean - high.mean > margin ? .holds : .inconclusive
    }

    public static let claim6Text = "amplification ‖ΔW‖_F/‖UᵀWV‖_F (U, V from ΔW) at the middle layer, lowest vs highest rank (mean ± std "
        + "over seeds): holds if low > 1 and low − high > max(2·s_p, 10 % of high), does not hold if low ≤ high or low ≤ 1, "
        + "inconclusive otherwise"

    // MARK: Claim 7

    /// Claim 7. `overlaps`: per rank, φ(top-i* of W, top-i* of ΔW), i* = min(maxI, r) (over seeds).
    /// `coverage`: φ(top-I of W, all of ΔW) at the lowest and highest rank (nil with a single rank).
    /// Does not hold if some overlap lies above 0.5 (mean − 2·std > 0.5) or coverage does not increase (high ≤ low);
    /// holds if every overlap lies below 0.5 (mean + 2·std < 0.5) and coverage rises by > max(2·s_p, 0.02);
    /// inconclusive otherwise (including a single rank, where the second part cannot be tested).
    public static func claim7(overlaps: [SeedSummary], coverage: (low: SeedSummary, high: SeedSummary)?) -> Verdict {
        guard !overlaps.isEmpty else { return .notTested }
        let sides = overlaps.map { side(of: $0) }
        if sides.contains(.above) { return .doesNotHold }
        var increases = false
        if let c = coverage {
            let gap = c.high.mean - c.low.mean
            if !(gap > 0) { return .doesNotHold }
            increases = gap > Swift.max(2 * (pooledStandardDeviation(c.low, c.high) ?? 0), 0.02)
        }
        return sides.allSatisfy({ $0 == .below }) && increases ? .holds : .inconclusive
    }

    public static let claim7Text = "at the middle layer, overlap = φ(top-i* of W, top-i* of ΔW) with i* = min(maxI, r), and coverage = "
        + "φ(top-maxI of W, all r of ΔW) (both on right singular vectors, mean ± std over seeds): holds if every rank's overlap "
        + "has mean + 2·std < 0.5 and coverage at the highest rank exceeds the lowest by > max(2·s_p, 0.02); does not hold if "
        + "some overlap has mean − 2·std > 0.5 or coverage does not increase; inconclusive otherwise (also with one rank)"

    // MARK: Claim 8

    /// Claim 8 from the share of layers at which each per-layer criterion holds: holds if every share ≥ 2/3,
    /// does not hold if some share < 1/3, inconclusive otherwise; not tested without shares.
    public static func claim8(_ shares: [Double]) -> Verdict {
        guard !shares.isEmpty else { return .notTested }
        if shares.contains(where: { $0 < 1.0 / 3 }) { return .doesNotHold }
        if shares.allSatisfy({ $0 >= 2.0 / 3 }) { return .holds }
        return .inconclusive
    }

    public static let claim8Text = "per layer, claim 3's criterion (φ(1, 1) > 0.5 for every adapted matrix, means over seeds) and claim 4's "
        + "(D_q > D_v): holds if each criterion holds in ≥ 2/3 of the layers, does not hold if one holds in < 1/3, inconclusive "
        + "otherwise; needs at least two layers"
}
