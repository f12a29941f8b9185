import Analysis
import ExperimentSpec
import Foundation

/// Claims 1 and 2 (Tables 5, 6): comparisons of accuracies (on the spec's `accuracySplit`), in percentage points.
extension ClaimRules {
    /// mean_A − mean_B (points) with its 95 % interval: Welch's t interval over seeds,
    /// ± t(ν)·√(s_A²/n_A + s_B²/n_B) with ν the Welch–Satterthwaite degrees of freedom, widened to at least the binomial
    /// interval of two accuracies, ± 1.96·100·√(p_A(1 − p_A)/N + p_B(1 − p_B)/N) with N the examples of their split:
    /// the sampling error of that split, which seeds that agree by chance can hide and which averaging seeds does
    /// not shrink (every seed is scored on the same N examples). Treating the two accuracies as independent ignores that
    /// they share those examples, so the floor is conservative (a paired test would need per-example predictions).
    /// nil when either side has fewer than two seeds.
    public static func differenceInterval(_ a: SeedSummary, _ b: SeedSummary, examples: Int?) -> ClosedRange<Double>? {
        guard a.count >= 2, b.count >= 2, let sa = a.standardDeviation, let sb = b.standardDeviation else { return nil }
        let (va, vb) = (sa * sa / Double(a.count), sb * sb / Double(b.count))
        let se = (va + vb).squareRoot()
        var half = 0.0
        if se > 0 {
            let df = (va + vb) * (va + vb) / (va * va / Double(a.count - 1) + vb * vb / Double(b.count - 1))
            half = t975(df) * se
        }
        if let n = examples, n > 0 {
            let (pa, pb) = (a.mean / 100, b.mean / 100)
            let binomial = 100 * (pa * (1 - pa) / Double(n) + pb * (1 - pb) / Double(n)).squareRoot()
            half = Swift.max(half, 1.959964 * binomial)
        }
        let d = a.mean - b.mean
        return (d - half)...(d + half)
    }

    /// "A beats B": the interval of mean_A − mean_B against 0 (paper's side: above).
    public static func beats(_ a: SeedSummary, _ b: SeedSummary, examples: Int?) -> Verdict {
        guard a.count > 0, b.count > 0 else { return .notTested }
        return judge(differenceInterval(a, b, examples: examples), paper: .above, threshold: 0)
    }

    public static let beatsText = "“A beats B”: holds if the 95 % interval of mean_A − mean_B lies above 0, does not hold if it "
        + "lies below 0, inconclusive otherwise"

    /// "r = 1 performs about as well as the best larger rank": the interval of best − r1 against 1 point (paper's side:
    /// below).
    public static func aboutAsWell(_ candidate: SeedSummary, best: SeedSummary, examples: Int?) -> Verdict {
        guard candidate.count > 0, best.count > 0 else { return .notTested }
        return judge(differenceInterval(best, candidate, examples: examples), paper: .below, threshold: 1)
    }

    public static let aboutAsWellText = "“about as well”: holds if the 95 % interval of best − (r = 1) lies below 1 point, does not "
        + "hold if it lies above 1 point, inconclusive otherwise (the best larger rank is picked by its mean, which favours it)"

    /// The uncertainty accuracy claims use, for accuracies measured on `split` ("validation" or "test").
    public static func accuracyUncertainty(split: String) -> String {
        let sample = split == "validation" ? "two validation accuracies on the N examples of the validation split"
            : "two accuracies on the N examples of the \(split) split they are measured on"
        return "seed spread: Welch 95 % interval of the difference of mean accuracies over seeds, "
            + "widened to at least the binomial 95 % interval of \(sample) "
            + "(unpaired, so conservative: an equivalence within 1 point needs N large enough); "
            + "a configuration with one seed has no measured spread, so its comparisons are inconclusive"
    }
}
