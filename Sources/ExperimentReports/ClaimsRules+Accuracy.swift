import Analysis
import ExperimentSpec
import Foundation

/// Claims 1 and 2 (Tables 5, 6): comparisons of accuracies (on the spec's `accuracySplit`), in percentage points.
extension ClaimRules {
    /// mean_A − mean_B (points) with its 95 % interval, from two independent sources of error added in quadrature:
    /// - the seeds: Welch's t half-width t(ν)·√(s_A²/n_A + s_B²/n_B), ν the Welch–Satterthwaite degrees of freedom,
    ///   each s floored at one example of the split (100/N points, the resolution of an accuracy on N examples), so
    ///   seeds that agree to the example do not count as a spread of exactly zero;
    /// - the examples of the split (every seed is scored on the same N, so averaging seeds does not shrink this, and
    ///   seeds that agree by chance can hide it): 1.96·SE_N, with SE_N = `pairedSE` when given (the same runs compared
    ///   example for example, `AccuracyPairRow.standardError`), else the unpaired binomial
    ///   100·√(p_A(1 − p_A)/N + p_B(1 − p_B)/N) (conservative: it ignores that both share the examples).
    /// half = √(half_seeds² + half_N²). The seed spread of per-run accuracies also holds a seed × example part that
    /// SE_N holds too, so the sum counts it twice: conservative.
    /// nil when either side has fewer than two seeds (a missing spread is not zero).
    public static func differenceInterval(_ a: SeedSummary, _ b: SeedSummary, examples: Int?,
                                          pairedSE: Double? = nil) -> ClosedRange<Double>? {
        guard a.count >= 2, b.count >= 2, var sa = a.standardDeviation, var sb = b.standardDeviation else { return nil }
        if let n = examples, n > 0 {
            let oneExample = 100 / Double(n)
            (sa, sb) = (Swift.max(sa, oneExample), Swift.max(sb, oneExample))
        }
        let (va, vb) = (sa * sa / Double(a.count), sb * sb / Double(b.count))
        let se = (va + vb).squareRoot()
        var seeds = 0.0
        if se > 0 {
            let df = (va + vb) * (va + vb) / (va * va / Double(a.count - 1) + vb * vb / Double(b.count - 1))
            seeds = t975(df) * se
        }
        var sample = 0.0
        if let pairedSE {
            sample = 1.959964 * pairedSE
        } else if let n = examples, n > 0 {
            let (pa, pb) = (a.mean / 100, b.mean / 100)
            sample = 1.959964 * 100 * (pa * (1 - pa) / Double(n) + pb * (1 - pb) / Double(n)).squareRoot()
        }
        let half = (seeds * seeds + sample * sample).squareRoot()
        let d = a.mean - b.mean
        return (d - half)...(d + half)
    }

    /// "A beats B": the interval of mean_A − mean_B against 0 (paper's side: above).
    public static func beats(_ a: SeedSummary, _ b: SeedSummary, examples: Int?, pairedSE: Double? = nil) -> Verdict {
        guard a.count > 0, b.count > 0 else { return .notTested }
        return judge(differenceInterval(a, b, examples: examples, pairedSE: pairedSE), paper: .above, threshold: 0)
    }

    public static let beatsText = "“A beats B”: holds if the 95 % interval of mean_A − mean_B lies above 0, does not hold if it "
        + "lies below 0, inconclusive otherwise"

    /// "r = 1 performs about as well as the best larger rank": the interval of best − r1 against 1 point (paper's side:
    /// below).
    public static func aboutAsWell(_ candidate: SeedSummary, best: SeedSummary, examples: Int?, pairedSE: Double? = nil) -> Verdict {
        guard candidate.count > 0, best.count > 0 else { return .notTested }
        return judge(differenceInterval(best, candidate, examples: examples, pairedSE: pairedSE), paper: .below, threshold: 1)
    }

    public static let aboutAsWellText = "“about as well”: holds if the 95 % interval of best − (r = 1) lies below 1 point, does not "
        + "hold if it lies above 1 point, inconclusive otherwise (the best larger rank is picked by its mean, which favours it)"

    /// The uncertainty accuracy claims use, for accuracies measured on `split` ("validation" or "test"); `paired` when
    /// every comparison read `accuracy_pairs.csv` (each comparison's text says which it used). Neither error models the
    /// choice of the best larger rank by its mean (claim 2) or correlations between related examples of the split.
    public static func accuracyUncertainty(split: String, paired: Bool = false) -> String {
        let sample = paired
            ? "the paired 95 % sampling error of the difference over the N examples of the \(split) split (every run's "
                + "per-example correctness, accuracy_pairs.csv: 1.96·example_sd/√N)"
            : "the binomial 95 % error of two accuracies on the N examples of the \(split) split (unpaired, so conservative; "
                + "used when the runs compared do not all store their per-example correctness)"
        return "seed spread and split sampling added in quadrature: the Welch 95 % half-width of the difference of mean "
            + "accuracies over seeds (each seed standard deviation floored at one example of the split, 100/N points), and "
            + "\(sample); a configuration with one seed has no measured spread, so its "
            + "comparisons are inconclusive"
    }
}
