import Analysis
import ExperimentSpec
import Foundation

/// A computed verdict on one claim of the paper. Never written by hand: `Claims.evaluate` derives it from the
/// analysis CSVs by the rules of `ClaimRules`, and the report prints those rules beside it.
public enum Verdict: String, Codable, Sendable, CaseIterable {
    case holds = "holds"
    case doesNotHold = "does not hold"
    case inconclusive = "inconclusive"
    case notTested = "not tested by this spec"
}

/// One claim of Sec 7 / App. H with our numbers, the paper's, the verdict, the rule that gave it and the uncertainty
/// it was judged against.
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
    /// Which uncertainty the rule reads (seed spread, binomial error, Monte-Carlo null).
    public var uncertainty: String
    /// The adapted matrices whose singular directions the verdict reads ("q", "v"; empty for accuracy claims and
    /// untested ones), for what the planted control validates (`MatrixValidation`). Not written to claims.csv.
    public var reads: [String] = []

    public init(number: Int, source: String, statement: String, verdict: Verdict, ours: String, paper: String, rule: String,
                uncertainty: String) {
        self.number = number
        self.source = source
        self.statement = statement
        self.verdict = verdict
        self.ours = ours
        self.paper = paper
        self.rule = rule
        self.uncertainty = uncertainty
    }

    static let csvHeader = ["claim", "source", "verdict", "ours", "paper", "rule", "statement", "uncertainty"]

    /// Equal records: every field claims.csv keeps. `reads` is left out — it is context for the report being written,
    /// not part of the record, so a claim read back from claims.csv equals the one that was written.
    public static func == (a: ClaimResult, b: ClaimResult) -> Bool {
        a.number == b.number && a.verdict == b.verdict
            && [a.source, a.statement, a.ours, a.paper, a.rule, a.uncertainty] == [b.source, b.statement, b.ours, b.paper, b.rule, b.uncertainty]
    }
}

/// The decision rules behind the verdicts (issue 11 part 4), symmetric and calibrated:
/// - "holds" when the uncertainty interval of the claim's quantity lies entirely on the paper's side of its threshold;
/// - "does not hold" only when the interval lies entirely on the other side, i.e. excludes the paper's effect;
/// - "inconclusive" otherwise, and whenever the interval is unknown: a single seed (or seed pair) has no measured
///   spread, and the spread is never taken as zero, so one seed decides nothing unless a Monte-Carlo null does.
///
/// Three uncertainties: the spread over seeds (a Student-t 95 % confidence interval of the mean), the binomial error of
/// an accuracy on its split (a floor under the seed interval of accuracy differences), and the Monte-Carlo nulls of the
/// analyses (random directions or subspaces, ≥ 200 draws; "beyond the null" = outside its central 95 % band, so a
/// one-sided test at 2.5 % per adapter). Each rule below is a pure function of numbers.
public enum ClaimRules {
    /// Which side of its threshold the paper puts a quantity.
    public enum PaperSide: Sendable { case above, below }

    /// `interval` against `threshold`: holds if strictly on the paper's side, does not hold if strictly on the other
    /// side, inconclusive if it contains the threshold or is unknown (nil).
    public static func judge(_ interval: ClosedRange<Double>?, paper side: PaperSide, threshold: Double) -> Verdict {
        guard let iv = interval else { return .inconclusive }
        let (onPaperSide, onOtherSide) = side == .above
            ? (iv.lowerBound > threshold, iv.upperBound < threshold) : (iv.upperBound < threshold, iv.lowerBound > threshold)
        return onPaperSide ? .holds : (onOtherSide ? .doesNotHold : .inconclusive)
    }

    /// The 0.975 quantile of Student's t with `df` degrees of freedom (rounded down: conservative), from the table for
    /// df ≤ 30 and the Cornish–Fisher expansion z + (z³ + z)/(4·df) beyond (within 0.003 of the exact value there).
    public static func t975(_ df: Double) -> Double {
        let table: [Double] = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
                               2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]
        guard df.isFinite, df >= 1 else { return .infinity }
        let d = Int((df + 1e-9).rounded(.down))   // an integral ν computed as 1.999… still reads row 2
        if d <= table.count { return table[d - 1] }
        let z = 1.959964
        return z + (z * z * z + z) / (4 * Double(d))
    }

    /// The 95 % confidence interval of the mean over seeds, mean ± t(n − 1)·s/√n; nil for fewer than two values
    /// (the spread is unknown).
    public static func meanInterval(_ s: SeedSummary) -> ClosedRange<Double>? {
        guard s.count >= 2, let sd = s.standardDeviation else { return nil }
        let half = t975(Double(s.count - 1)) * sd / Double(s.count).squareRoot()
        return (s.mean - half)...(s.mean + half)
    }

    /// Where an observed value lies against a null's central 95 % band [lower, upper].
    public enum NullPosition: Sendable { case below, inside, above }

    public static func position(_ x: Double, lower: Double, upper: Double) -> NullPosition {
        x > upper ? .above : (x < lower ? .below : .inside)
    }

    /// Units judged separately (seeds, seed pairs): holds if every unit holds, does not hold if every unit does not
    /// hold, inconclusive otherwise (and with no units).
    public static func unanimous(_ verdicts: [Verdict]) -> Verdict {
        guard let first = verdicts.first, first != .inconclusive, verdicts.allSatisfy({ $0 == first }) else { return .inconclusive }
        return first
    }

    /// Parts of one claim: does not hold if one part does not hold, holds if every part holds, inconclusive otherwise
    /// (not-tested parts are ignored; all not tested is not tested).
    public static func combine(_ parts: [Verdict]) -> Verdict {
        let tested = parts.filter { $0 != .notTested }
        if tested.isEmpty { return .notTested }
        if tested.contains(.doesNotHold) { return .doesNotHold }
        return tested.allSatisfy { $0 == .holds } ? .holds : .inconclusive
    }

    /// A pattern claimed to recur over layers (claim 8): holds if it holds at ≥ 2/3 of the layers, does not hold if it
    /// does not hold at > 1/3 of them (then it cannot recur at 2/3), inconclusive otherwise; not tested below two layers.
    public static func acrossLayers(_ verdicts: [Verdict]) -> Verdict {
        guard verdicts.count >= 2 else { return .notTested }
        let n = Double(verdicts.count)
        if Double(verdicts.filter { $0 == .doesNotHold }.count) > n / 3 { return .doesNotHold }
        if Double(verdicts.filter { $0 == .holds }.count) >= 2 * n / 3 { return .holds }
        return .inconclusive
    }
}
