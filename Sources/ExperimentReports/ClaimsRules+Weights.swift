import Analysis
import ExperimentSpec
import Foundation

/// Claims 5, 6 and 7 (Table 7, App. H.3–H.4): ΔW against W, judged against Monte-Carlo nulls of random directions.
extension ClaimRules {
    /// Claim 5 for one adapter at one rank: ‖UᵀWV‖_F with U, V from ΔW (`projection`) against the 95 % band of random
    /// directions and the W-direction value. Below the band: ΔW is less related to W than random directions, does not
    /// hold. Above the band and below W/2 (“well above random, far below W”): holds. Otherwise inconclusive.
    public static func claim5(projection p: Double, nullLower: Double, nullUpper: Double, w: Double) -> Verdict {
        switch position(p, lower: nullLower, upper: nullUpper) {
        case .below: return .doesNotHold
        case .inside: return .inconclusive
        case .above: return p < w / 2 ? .holds : .inconclusive
        }
    }

    public static let claim5Text = "at the middle layer, per rank and seed: ‖UᵀWV‖_F with U, V from ΔW above the random-direction "
        + "null's 95 % band and below half the W-direction value holds, below the band does not hold, anything else is "
        + "inconclusive; a rank holds (does not hold) if all its seeds do; the claim holds if every rank holds and does not hold "
        + "if one rank does not hold"

    public static let claim5Uncertainty = "the Monte-Carlo null of ‖UᵀWV‖_F for Haar-random U, V (per layer, matrix and rank)"

    /// Claim 6 from the growth g = p(r_high)/p(r_low) of ΔW's projection between the two ranks, for each (seed at r_high,
    /// seed at r_low), against the 95 % band of the same growth for random directions. The amplification ratio
    /// Q = R(r_low)/R(r_high), R = amplification / random-direction amplification = p_random/p, equals
    /// (m_low/m_high)·g with m the null means, so Q lies above its null band exactly when g does: the amplification
    /// falls from r_low to r_high by more than random directions' does (holds); below: by less (does not hold).
    public static func claim6(growth: [Double], nullLower: Double, nullUpper: Double) -> Verdict {
        unanimous(growth.map { g in
            switch position(g, lower: nullLower, upper: nullUpper) {
            case .above: return .holds
            case .below: return .doesNotHold
            case .inside: return .inconclusive
            }
        })
    }

    public static let claim6Text = "at the middle layer, r_low = the rank closest to the paper's 4 and r_high = the highest: the "
        + "amplification ratio R = amplification / random-direction amplification at each rank, and Q = R(r_low)/R(r_high) (how "
        + "much faster than random directions' the amplification falls); holds if Q lies above its null's 95 % band for every "
        + "seed combination, does not hold if it lies below for every one, inconclusive otherwise"

    public static let claim6Uncertainty = "the Monte-Carlo null of the growth of ‖UᵀWV‖_F from r_low to r_high for Haar-random "
        + "U, V (draws of the two ranks' nulls paired), which is Q's null scaled by the null means"

    /// Claim 7's first part at one rank: overlap φ(top-i* of W, top-i* of ΔW) per seed with its null's upper band.
    /// Every seed inside the band (no more overlap than random directions): holds; otherwise, with two or more seeds,
    /// the t interval of the mean against 0.5 (paper: below); one seed: inconclusive.
    public static func claim7Overlap(_ overlaps: [Double], nullUpper: [Double]) -> Verdict {
        guard !overlaps.isEmpty else { return .notTested }
        if zip(overlaps, nullUpper).allSatisfy({ $0 <= $1 }) { return .holds }
        return judge(meanInterval(SeedSummary(overlaps)), paper: .below, threshold: 0.5)
    }

    /// Claim 7's second part: coverage φ(top-maxI of W, all of ΔW) at the highest rank per seed against its null band,
    /// and the mean coverage at the lowest rank. Holds if every seed lies above the band (ΔW picks up more of W's top
    /// directions than random r-dimensional subspaces do) and the mean coverage rose; does not hold if every seed lies
    /// below the band; inconclusive otherwise (also with a single rank: nil).
    public static func claim7Coverage(high: [(value: Double, lower: Double, upper: Double)], lowMean: Double?) -> Verdict {
        guard let low = lowMean, !high.isEmpty else { return .inconclusive }
        let v = unanimous(high.map { c in
            switch position(c.value, lower: c.lower, upper: c.upper) {
            case .above: return .holds
            case .below: return .doesNotHold
            case .inside: return .inconclusive
            }
        })
        let rose = high.map(\.value).reduce(0, +) / Double(high.count) > low
        return v == .holds && !rose ? .inconclusive : v
    }

    public static let claim7Text = "at the middle layer: overlap = φ(top-i* of W, top-i* of ΔW), i* = min(maxI, r), per rank holds if "
        + "every seed is inside the null's 95 % band (no more overlap than random directions), else with two or more seeds by the "
        + "t interval of its mean against 0.5 (below holds, above does not), else inconclusive; coverage = φ(top-maxI of W, all "
        + "r of ΔW) at the highest rank holds if every seed lies above its null's band and the mean rose from the lowest rank, "
        + "does not hold if every seed lies below, inconclusive otherwise (one rank: inconclusive); parts combined"

    public static let claim7Uncertainty = "the Monte-Carlo null of φ between W's top directions and Haar-random subspaces (per layer, "
        + "matrix and rank); seed spread for an overlap above chance"
}
