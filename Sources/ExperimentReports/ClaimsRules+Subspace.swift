import Analysis
import ExperimentSpec
import Foundation

/// Claims 3, 4 and 8 (Figs 3, 4; App. H.1): φ between A factors.
extension ClaimRules {
    /// Claim 3 for one matrix from φ(1, 1) between A of the two ranks, one value per seed pair, and the upper end of
    /// each pair's null band for φ(1, 1). Two or more pairs: the t interval of the mean against 0.5 (paper: above).
    /// One pair: the spread is unknown; only the null decides, and only one way — φ(1, 1) inside (or below) the 95 %
    /// band of random subspaces means no top direction is shared beyond chance: does not hold; otherwise inconclusive.
    public static func claim3(phi11 values: [Double], nullUpper: [Double]) -> Verdict {
        guard !values.isEmpty else { return .notTested }
        if values.count >= 2 {
            return judge(meanInterval(SeedSummary(values)).map { Swift.max(0, $0.lowerBound)...Swift.min(1, $0.upperBound) },
                         paper: .above, threshold: 0.5)
        }
        return zip(values, nullUpper).allSatisfy { $0 <= $1 } ? .doesNotHold : .inconclusive
    }

    public static let claim3Text = "per adapted matrix at the middle layer, φ(1, 1) between A of the two ranks: with two or more seed "
        + "pairs, holds if the 95 % interval of its mean lies above 0.5, does not hold if it lies below 0.5; with one pair, does not "
        + "hold if φ(1, 1) is inside the null's 95 % band (no direction shared beyond chance), else inconclusive; the claim holds "
        + "if every matrix holds, does not hold if one matrix does not hold, inconclusive otherwise"

    public static let claim3Uncertainty = "seed-pair spread (t interval over seed pairs); one pair: the Monte-Carlo null of φ(1, 1) "
        + "between random subspaces of R^in (per layer, matrix and rank pair) decides only “not shared”"

    /// A statistic measured on a pair of seeds (two runs that differ only in their seeds), e.g. d = D_q − D_v of Fig 4.
    public struct SeedPairValue: Sendable, Equatable {
        public var seedA: String
        public var seedB: String
        public var value: Double
        public init(_ seedA: String, _ seedB: String, _ value: Double) {
            (self.seedA, self.seedB, self.value) = (seedA, seedB, value)
        }

        /// The distinct seeds the pairs are made of, sorted.
        public static func seeds(of pairs: [SeedPairValue]) -> [String] {
            Array(Set(pairs.flatMap { [$0.seedA, $0.seedB] })).sorted()
        }
    }

    /// The 95 % interval of the mean of a statistic over pairs of seeds. Pairs that share a seed are not independent
    /// (of n seeds' n(n − 1)/2 pairs each seed is in n − 1), so a t interval over the pairs would be too narrow (ten
    /// pairs of five seeds are not ten units). The mean over pairs is a U-statistic of the seeds; its standard error
    /// comes from the leave-one-seed-out jackknife (Arvesen 1969), SE² = (n − 1)/n · Σ_s (θ₍ₛ₎ − θ̄)², θ₍ₛ₎ the mean
    /// over the pairs without seed s and θ̄ their mean, and the interval is mean ± t(n − 1)·SE over the n seeds. The
    /// jackknife variance of a U-statistic errs on the large side (Efron–Stein), so the interval is conservative.
    /// nil when leaving out some seed leaves no pair (two seeds, one pair: the spread is unknown).
    public static func pairMeanInterval(_ pairs: [SeedPairValue]) -> ClosedRange<Double>? {
        let seeds = SeedPairValue.seeds(of: pairs)
        guard seeds.count >= 3 else { return nil }
        var leaveOut: [Double] = []   // (n) θ₍ₛ₎
        for s in seeds {
            let rest = pairs.filter { $0.seedA != s && $0.seedB != s }.map(\.value)
            guard !rest.isEmpty else { return nil }
            leaveOut.append(rest.reduce(0, +) / Double(rest.count))
        }
        let n = Double(seeds.count)
        let centre = leaveOut.reduce(0, +) / n
        let se = ((n - 1) / n * leaveOut.map { ($0 - centre) * ($0 - centre) }.reduce(0, +)).squareRoot()
        let mean = pairs.map(\.value).reduce(0, +) / Double(pairs.count)
        let half = t975(n - 1) * se
        return (mean - half)...(mean + half)
    }

    /// Claim 4 at one layer. `differences`: D_q − D_v per seed pair (D = mean of φ(k, k), k ≤ K, between the two seeds'
    /// A); `dq`: D_q per pair and `dqNullUpper` the upper end of the null band of D for q at that layer.
    /// If q's seed pairs share no more than random subspaces (every D_q inside the band), "q shares more top directions"
    /// is excluded: does not hold. Otherwise the interval of the mean difference over the pairs (`pairMeanInterval`,
    /// three or more seeds) against 0 (paper: above); two seeds (one pair): inconclusive (the seed spread is unknown).
    public static func claim4Layer(differences: [SeedPairValue], dq: [Double], dqNullUpper: Double?) -> Verdict {
        guard !differences.isEmpty else { return .notTested }
        if let upper = dqNullUpper, dq.allSatisfy({ $0 <= upper }) { return .doesNotHold }
        return judge(pairMeanInterval(differences), paper: .above, threshold: 0)
    }

    /// Claim 4's second part, an instrument check: the null's mean D (random subspaces) is within 4 Monte-Carlo standard
    /// errors (sd/√draws) of the exact E[D] = (1/K)·Σ_{k≤K} k/k_in.
    public static func randomPanelAtExpectation(nullMean: Double, nullSD: Double, draws: Int, K: Int, ambient: Int) -> Verdict {
        let expected = (1...K).map { Double($0) / Double(ambient) }.reduce(0, +) / Double(K)
        return abs(nullMean - expected) <= 4 * nullSD / Double(draws).squareRoot() ? .holds : .doesNotHold
    }

    public static let claim4Text = "at the middle layer, D = mean of φ(k, k) for k ≤ K between the two seeds' A, d = D_q − D_v per seed "
        + "pair: does not hold if D_q lies inside the null's 95 % band of D (q's seeds share nothing beyond chance); else, with three "
        + "or more seeds, holds if the 95 % interval of the mean of d over the pairs lies above 0 and does not hold if it lies below "
        + "0; two seeds (one pair): inconclusive. Second part (random matrices share none): the null's mean D is within 4 Monte-Carlo standard "
        + "errors of E[D] = mean_k k/k_in (an instrument check)"

    public static let claim4Uncertainty = "seed spread for D_q − D_v: pairs that share a seed are not independent, so the interval of its mean "
        + "over the pairs is t(n − 1)·SE over the n seeds, SE from the leave-one-seed-out jackknife; the Monte-Carlo null of D "
        + "between random subspaces (per layer and matrix) for “nothing shared”"

    public static let claim8Text = "per layer, claim 3's rule (all adapted matrices) and claim 4's rule: each criterion holds if it "
        + "holds at ≥ 2/3 of the layers and does not hold if it does not hold at > 1/3 of them; the claim combines the two "
        + "criteria like parts (needs two or more layers)"

    public static let claim8Uncertainty = "as claims 3 and 4, layer by layer"
}
