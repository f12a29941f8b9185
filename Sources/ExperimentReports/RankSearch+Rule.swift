import Analysis
import ExperimentSpec
import Foundation

extension RankSearch {
    /// The one rule of the search, for a challenger against the incumbent. Of the two, the costlier (more trainable LoRA
    /// parameters; at equal cost, the challenger, which must earn the switch) is preferred only when
    ///
    ///     gain − z·SE > minGain,
    ///
    /// with gain = mean accuracy of the costlier − mean accuracy of the cheaper (fractions) and SE the standard error of
    /// that difference (`differenceError`); otherwise the cheaper is. So a gain that is positive but within z standard
    /// errors of `minGain` does not pay for a larger rank or more matrices — the paper's observation (Sec 7.2, Table 6)
    /// that a small r is already competitive is the default, and only a measured gain overturns it. When SE is unknown
    /// (one seed per side and no validation size) no gain is beyond it, and the cheaper side is kept. A side with a
    /// failed (diverged) run is never preferred; when only the incumbent failed, the challenger replaces it.
    ///
    /// Returns whether the challenger is adopted, the comparison (nil when a side failed) and the reason in words.
    static func compare(challenger: (candidate: RankSearchCandidate, measurement: RankSearchMeasurement),
                        incumbent: (candidate: RankSearchCandidate, measurement: RankSearchMeasurement),
                        minGain: Double, z: Double, validationExamples: Int?) -> (adopt: Bool, comparison: RankSearchComparison?, reason: String) {
        let (c, i) = (challenger, incumbent)
        if !c.measurement.usable {
            return (false, nil, "\(c.measurement.failed) of \(c.measurement.runs) runs failed (diverged), so it is never preferred; "
                    + "\(i.candidate.label) stays")
        }
        if !i.measurement.usable {
            return (true, nil, "the incumbent \(i.candidate.label) failed (diverged), so any finished candidate replaces it")
        }
        let challengerIsCostlier = c.candidate.trainableParameters >= i.candidate.trainableParameters
        let (hi, lo) = challengerIsCostlier ? (c, i) : (i, c)
        let (a, b) = (hi.measurement.summary, lo.measurement.summary)
        let gain = a.mean - b.mean
        let errors = differenceError(a, b, validationExamples: validationExamples)
        let se = larger(errors.seed, errors.binomial)
        let threshold = se.map { minGain + z * $0 }
        let pays = threshold.map { gain > $0 } ?? false
        let extra = hi.candidate.trainableParameters - lo.candidate.trainableParameters
        let comparison = RankSearchComparison(challengerIsCostlier: challengerIsCostlier, gain: gain, seedError: errors.seed,
                                              binomialError: errors.binomial, threshold: threshold, costlierPays: pays,
                                              extraParameters: extra)
        let adopt = challengerIsCostlier ? pays : !pays
        return (adopt, comparison, reason(comparison, costlier: hi.candidate, cheaper: lo.candidate, incumbent: i.candidate,
                                          minGain: minGain, z: z))
    }

    /// The standard error of mean_a − mean_b, two ways: over seeds, √(s_a²/n_a + s_b²/n_b) when both sides have two or
    /// more seeds (a side with one seed has no measured spread, which is never taken as zero); binomial,
    /// √(p_a(1 − p_a)/N + p_b(1 − p_b)/N) for accuracies p on the N examples of the validation split, when N is known.
    /// The binomial error treats the two accuracies as independent although both are scored on the same N examples, so it
    /// is conservative (a paired test would need per-example predictions). The rule reads the larger of the two known.
    static func differenceError(_ a: SeedSummary, _ b: SeedSummary, validationExamples n: Int?) -> (seed: Double?, binomial: Double?) {
        var seed: Double?
        if a.count >= 2, b.count >= 2, let sa = a.standardDeviation, let sb = b.standardDeviation {
            seed = (sa * sa / Double(a.count) + sb * sb / Double(b.count)).squareRoot()
        }
        var binomial: Double?
        if let n, n > 0 {
            binomial = ((a.mean * (1 - a.mean) + b.mean * (1 - b.mean)) / Double(n)).squareRoot()
        }
        return (seed, binomial)
    }

    /// Percentage points with two decimals and a sign: 0.0125 → "+1.25".
    static func points(_ x: Double, signed: Bool = true) -> String {
        let s = NumberFormat.fixed(100 * x, digits: 2)
        return signed && !s.hasPrefix("-") ? "+" + s : s
    }

    /// "gain +1.25 ± 1.35 points; +1.25 − 1 × 1.35 = −0.10 ≤ minGain 0.50: …".
    private static func reason(_ c: RankSearchComparison, costlier: RankSearchCandidate, cheaper: RankSearchCandidate,
                               incumbent: RankSearchCandidate, minGain: Double, z: Double) -> String {
        let zText = NumberFormat.significant(z, digits: 4)
        guard let se = c.standardError else {
            return "\(costlier.label) gains \(points(c.gain)) points over \(cheaper.label), but the gain's standard error is unknown "
                + "(no seed spread measured on both sides and no validation size), so no gain is beyond it and the cheaper \(cheaper.label) is preferred"
        }
        let test = "\(points(c.gain)) − \(zText) × \(points(se, signed: false)) = \(points(c.gain - z * se)) "
            + (c.costlierPays ? ">" : "≤") + " minGain \(points(minGain, signed: false))"
        let cost = "\(c.extraParameters) more trainable parameters"
        let verdict: String
        switch (c.challengerIsCostlier, c.costlierPays, c.extraParameters == 0) {
        case (true, true, true): verdict = "at the same cost the challenger must win, and does: \(costlier.label) replaces \(incumbent.label)"
        case (true, false, true): verdict = "at the same cost the challenger must win, and does not: \(incumbent.label) stays"
        case (true, true, false): verdict = "worth \(cost): \(costlier.label) replaces \(incumbent.label)"
        case (true, false, false): verdict = "not worth \(cost): \(incumbent.label) stays"
        case (false, true, _): verdict = "\(incumbent.label) is worth its \(cost): it stays"
        case (false, false, _): verdict = "\(incumbent.label) is not worth its \(cost): \(cheaper.label) replaces it"
        }
        return "\(costlier.label) gains \(points(c.gain)) ± \(points(se, signed: false)) points over \(cheaper.label); \(test): \(verdict)"
    }
}
