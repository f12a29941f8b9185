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
    ///
    /// `level` other than 0.95 (a familywise interval, `familywiseLevel`) replaces t(ν) and 1.96 by the (1 + level)/2
    /// quantiles of Student's t (ν rounded down, as `t975` does) and of the normal distribution; 0.95 reads `t975`'s table.
    public static func differenceInterval(_ a: SeedSummary, _ b: SeedSummary, examples: Int?,
                                          pairedSE: Double? = nil, level: Double = 0.95) -> ClosedRange<Double>? {
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
            seeds = (level == 0.95 ? t975(df) : tQuantile((1 + level) / 2, df: df)) * se
        }
        let z = level == 0.95 ? 1.959964 : normalQuantile((1 + level) / 2)
        var sample = 0.0
        if let pairedSE {
            sample = z * pairedSE
        } else if let n = examples, n > 0 {
            let (pa, pb) = (a.mean / 100, b.mean / 100)
            sample = z * 100 * (pa * (1 - pa) / Double(n) + pb * (1 - pb) / Double(n)).squareRoot()
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

    /// One comparison of claim 2: a larger rank's accuracies against r = 1's, with the paired sampling error of the two
    /// runs' examples when both store it.
    public struct RankGap: Sendable {
        public var rank: Int
        public var summary: SeedSummary
        public var pairedSE: Double?
        public init(rank: Int, summary: SeedSummary, pairedSE: Double? = nil) {
            self.rank = rank; self.summary = summary; self.pairedSE = pairedSE
        }
    }

    /// The familywise level of m comparisons whose union a verdict reads: Bonferroni, 1 − 0.05/m (0.95 for one).
    public static func familywiseLevel(_ m: Int) -> Double { m <= 1 ? 0.95 : 1 - 0.05 / Double(m) }

    /// "r = 1 performs about as well as larger ranks" (claim 2, q+v), over the m larger ranks r with gap g_r =
    /// mean(r) − mean(r = 1): holds if every g_r's 95 % interval lies below 1 point — all m must, an intersection–union
    /// test, so no correction is needed; does not hold if some g_r's familywise interval (`familywiseLevel(m)`) lies
    /// above 1 point — any one may, so the m chances are paid for (Bonferroni); inconclusive otherwise. Picking the best
    /// larger rank by its mean and testing it at 95 % would favour "does not hold".
    public static func aboutAsWell(_ r1: SeedSummary, larger: [RankGap], examples: Int?) -> Verdict {
        overRanks(r1, larger: larger, examples: examples, paper: .below, threshold: 1, anyOneDecides: .doesNotHold)
    }

    /// "Some larger rank beats r = 1" (claim 2, q alone needs a larger r): holds if some g_r's familywise interval lies
    /// above 0 (Bonferroni over the m ranks); does not hold if every g_r's 95 % interval lies below 0 (intersection–
    /// union); inconclusive otherwise. The mirror of `aboutAsWell`: the side that any one rank can decide pays for m.
    public static func someBeats(_ r1: SeedSummary, larger: [RankGap], examples: Int?) -> Verdict {
        overRanks(r1, larger: larger, examples: examples, paper: .above, threshold: 0, anyOneDecides: .holds)
    }

    /// The shape both claim 2 rules share: `anyOneDecides` (the verdict one larger rank can establish) is read from the
    /// familywise intervals of the gaps against `threshold`, the opposite verdict needs every gap's 95 % interval.
    private static func overRanks(_ r1: SeedSummary, larger: [RankGap], examples: Int?, paper side: PaperSide, threshold: Double,
                                  anyOneDecides: Verdict) -> Verdict {
        guard r1.count > 0, !larger.isEmpty, larger.allSatisfy({ $0.summary.count > 0 }) else { return .notTested }
        func verdicts(at level: Double) -> [Verdict] {
            larger.map { judge(differenceInterval($0.summary, r1, examples: examples, pairedSE: $0.pairedSE, level: level),
                               paper: side, threshold: threshold) }
        }
        if verdicts(at: familywiseLevel(larger.count)).contains(anyOneDecides) { return anyOneDecides }
        let every: Verdict = anyOneDecides == .holds ? .doesNotHold : .holds
        return verdicts(at: 0.95).allSatisfy { $0 == every } ? every : .inconclusive
    }

    public static let aboutAsWellText = "“about as well”, over the m larger ranks r with gap g_r = mean(r) − mean(r = 1): holds "
        + "if every g_r's 95 % interval lies below 1 point, does not hold if some g_r's familywise interval (Bonferroni, "
        + "1 − 0.05/m) lies above 1 point, inconclusive otherwise"

    public static let someBeatsText = "“some larger rank beats r = 1”: holds if some g_r's familywise interval (1 − 0.05/m) lies "
        + "above 0, does not hold if every g_r's 95 % interval lies below 0, inconclusive otherwise"

    /// The uncertainty accuracy claims use, for accuracies measured on `split` ("validation" or "test"); `paired` when
    /// every comparison read `accuracy_pairs.csv` (each comparison's text says which it used). Claim 2's comparisons of
    /// r = 1 with several larger ranks are corrected for their number (`aboutAsWell`, `someBeats`); neither error models
    /// correlations between related examples of the split.
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
