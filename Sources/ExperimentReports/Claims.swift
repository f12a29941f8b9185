import Analysis
import ExperimentSpec
import Foundation

/// Computes the verdict of every claim of `PaperReference.claims` from a results folder's analysis data, by the
/// rules of `ClaimRules`. A claim whose data the spec did not produce is "not tested by this spec", with the reason.
enum Claims {
    static func evaluate(_ data: ReportData, options: AnalysesSpec) -> [ClaimResult] {
        evaluate(data, phi: PhiPanel.panels(data.similarity ?? []), overlap: OverlapPanel.panels(data.overlap ?? []), options: options)
    }

    /// The same with the grids already grouped (`PhiPanel.panels`, `OverlapPanel.panels` of `data`).
    ///
    /// `validation`: which matrices' singular directions the planted control validates for this report
    /// (`PlantedGate.validation(reportModel:)`; unrestricted for the planted spec itself and `experiment analyze`).
    /// Every rule that reads a matrix it does not cover counts that matrix as inconclusive, whatever its numbers say — a
    /// reading of an instrument without a passing control decides nothing — and says so in its text.
    static func evaluate(_ data: ReportData, phi: [PhiPanel], overlap: [OverlapPanel], options: AnalysesSpec,
                         validation: MatrixValidation = .unrestricted) -> [ClaimResult] {
        let nulls = (data.nulls ?? []) + (data.growthNulls ?? [])
        let projectionMatrix = projectionFocus(data.projection ?? [])?.matrix, overlapMatrix = overlapFocus(overlap)?.matrix
        return [
            claim1(data.accuracy ?? [], pairs: data.accuracyPairs ?? []),
            claim2(data.accuracy ?? [], pairs: data.accuracyPairs ?? []),
            claim3(phi, validation: validation),
            claim4(phi, nulls: nulls, options: options, validation: validation),
            validated(claim5(data.projection ?? []), reads: projectionMatrix, validation),
            validated(claim6(data.projection ?? [], nulls: nulls), reads: projectionMatrix, validation),
            validated(claim7(overlap), reads: overlapMatrix, validation),
            claim8(phi, nulls: nulls, options: options, validation: validation),
        ]
    }

    /// A claim that reads one matrix (claims 5–7: Table 7's and App. H.3's focus matrix): inconclusive when `validation`
    /// does not cover it, with the rule's reading kept in the text.
    static func validated(_ c: ClaimResult, reads matrix: String?, _ validation: MatrixValidation) -> ClaimResult {
        guard let matrix, c.verdict != .notTested else { return c }
        var out = c
        out.reads = [matrix]
        guard !validation.covers(matrix), c.verdict == .holds || c.verdict == .doesNotHold else { return out }
        out.ours += " [the rule reads \(c.verdict.rawValue); \(validation.note([matrix]))]"
        out.verdict = .inconclusive
        return out
    }

    // MARK: helpers

    static func paperClaim(_ n: Int) -> PaperReference.Claim { PaperReference.claims[n - 1] }

    static func result(_ n: Int, _ verdict: Verdict, ours: String, paper: String, rule: String, uncertainty: String) -> ClaimResult {
        let c = paperClaim(n)
        return ClaimResult(number: n, source: c.source, statement: c.statement, verdict: verdict, ours: ours, paper: paper, rule: rule,
                           uncertainty: uncertainty)
    }

    static func notTested(_ n: Int, _ why: String, paper: String, rule: String, uncertainty: String) -> ClaimResult {
        result(n, .notTested, ours: why, paper: paper, rule: rule, uncertainty: uncertainty)
    }

    static func f3(_ x: Double) -> String { NumberFormat.fixed(x, digits: 3) }
    static func f2(_ x: Double) -> String { NumberFormat.fixed(x, digits: 2) }
    static func g3(_ x: Double) -> String { NumberFormat.significant(x, digits: 3) }
    static func pct(_ s: SeedSummary) -> String { s.formatted(digits: 1) }
    static func phiText(_ s: SeedSummary) -> String { s.formatted(digits: 3) }
    static func interval(_ iv: ClosedRange<Double>?, digits: Int) -> String {
        iv.map { "[\(NumberFormat.fixed($0.lowerBound, digits: digits)), \(NumberFormat.fixed($0.upperBound, digits: digits))]" }
            ?? "unknown (one seed)"
    }
    static func band(_ lower: Double, _ upper: Double, _ format: (Double) -> String) -> String { "[\(format(lower)), \(format(upper))]" }

    /// The size of the split the accuracy rows were measured on (nil when unknown).
    static func examples(_ rows: [AccuracyRow]) -> Int? { rows.compactMap(\.examples).max() }

    /// The paired sampling error (points) of mean(A) − mean(B) from `pairs`, when it compares exactly the runs the two
    /// summaries hold (same counts); nil otherwise (the rule then uses the unpaired binomial).
    static func pairedSE(_ pairs: [AccuracyPairRow], _ a: (targets: String, rank: Int, summary: SeedSummary),
                         _ b: (targets: String, rank: Int, summary: SeedSummary)) -> Double? {
        guard let p = AccuracyPairs.find(pairs, a.targets, a.rank, b.targets, b.rank) else { return nil }
        let (na, nb) = p.targetsA == a.targets && p.rankA == a.rank ? (p.runsA, p.runsB) : (p.runsB, p.runsA)
        guard na == a.summary.count, nb == b.summary.count else { return nil }
        return p.standardError
    }

    /// " (paired)" or " (unpaired)": which sampling error an interval used; nothing when there is no interval.
    static func samplingTag(_ pairedSE: Double?, _ iv: ClosedRange<Double>?) -> String {
        iv == nil ? "" : pairedSE == nil ? " (unpaired)" : " (paired)"
    }

    /// "q+v: r=1 84.6 ± 0.1 (n=3); gap of each larger rank, 95 % / familywise 98.75 % interval: r=2 0.48 [a, b] / [c, d]
    /// (paired); …" (claim 2).
    static func rankGapsText(_ targets: String, r1: SeedSummary, larger: [ClaimRules.RankGap], examples: Int?) -> String {
        let level = ClaimRules.familywiseLevel(larger.count)
        var levelText = NumberFormat.fixed(level * 100, digits: 2)   // 98.75, 97.5, 95
        while levelText.hasSuffix("0") { levelText.removeLast() }
        if levelText.hasSuffix(".") { levelText.removeLast() }
        let gaps = larger.map { g -> String in
            let iv = ClaimRules.differenceInterval(g.summary, r1, examples: examples, pairedSE: g.pairedSE)
            let wide = ClaimRules.differenceInterval(g.summary, r1, examples: examples, pairedSE: g.pairedSE, level: level)
            return "r=\(g.rank) \(pct(g.summary)): \(f2(g.summary.mean - r1.mean)) \(interval(iv, digits: 2))"
                + (larger.count > 1 ? " / \(interval(wide, digits: 2))" : "") + samplingTag(g.pairedSE, iv)
        }
        let header = larger.count > 1 ? "gap of each larger rank, 95 % / familywise \(levelText) % interval" : "gap, 95 % interval"
        return "\(targets): r=1 \(pct(r1)); \(header): " + gaps.joined(separator: ", ")
    }

    // MARK: 1 (Table 5)

    static let claim1Paper = "18M-parameter budget: q+v (r=4) 73.7 / 91.3 vs q (r=8) 70.4 / 91.0 and k (r=8) 70.0 / 90.8 "
        + "(WikiSQL ± 0.5 / MultiNLI ± 0.1, GPT-3 175B)"
    static let claim1Rule = "at a common budget (r × number of adapted types; q, k, v, o are all d × d), q+v vs q and q+v vs k "
        + "(each present one): \(ClaimRules.beatsText); the claim holds if every comparison holds, does not hold if one does not hold, "
        + "inconclusive otherwise"
    /// What the accuracy claims' text says first: nothing for validation (the default), else the split and its size.
    static func splitPrefix(_ rows: [AccuracyRow]) -> String {
        let s = ReportSelection.accuracySplit(rows)
        guard s != AccuracySplit.validation.rawValue else { return "" }
        return "\(s) split" + (examples(rows).map { " (N = \($0))" } ?? "") + ": "
    }

    static func claim1(_ rows: [AccuracyRow], pairs: [AccuracyPairRow] = []) -> ClaimResult {
        var accuracyUncertainty = ClaimRules.accuracyUncertainty(split: ReportSelection.accuracySplit(rows))
        guard let metric = ReportSelection.primaryMetric(rows) else {
            return notTested(1, "no finished run with a metric on the \(ReportSelection.accuracySplit(rows)) split", paper: claim1Paper, rule: claim1Rule, uncertainty: accuracyUncertainty)
        }
        guard ReportSelection.isPercent(metric) else {
            return notTested(1, "the primary metric is \(metric), not an accuracy", paper: claim1Paper, rule: claim1Rule, uncertainty: accuracyUncertainty)
        }
        let groups = ReportSelection.accuracyGroups(rows, metric: metric)
        guard let qv = groups["q+v"] else {
            return notTested(1, "no q+v runs", paper: claim1Paper, rule: claim1Rule, uncertainty: accuracyUncertainty)
        }
        // Budgets b = 2·r(q+v) where a single type has rank b.
        var best: (budget: Int, singles: [String])?
        for r in qv.keys.sorted() {
            let singles = ["q", "k"].filter { groups[$0]?[2 * r] != nil }
            guard !singles.isEmpty else { continue }
            if best == nil || singles.count > best!.singles.count || (singles.count == best!.singles.count && 2 * r > best!.budget) {
                best = (2 * r, singles)
            }
        }
        guard let chosen = best else {
            return notTested(1, "no q or k runs under the budget of a q+v run (q or k at r = 2·r of q+v)",
                             paper: claim1Paper, rule: claim1Rule, uncertainty: accuracyUncertainty)
        }
        let a = qv[chosen.budget / 2]!
        var verdicts: [Verdict] = []
        var parts: [String] = []
        var allPaired = true
        for single in chosen.singles {
            let b = groups[single]![chosen.budget]!
            let se = pairedSE(pairs, ("q+v", chosen.budget / 2, a), (single, chosen.budget, b))
            allPaired = allPaired && se != nil
            let v = ClaimRules.beats(a, b, examples: examples(rows), pairedSE: se)
            verdicts.append(v)
            let iv = ClaimRules.differenceInterval(a, b, examples: examples(rows), pairedSE: se)
            parts.append("vs \(single) (r=\(chosen.budget)) \(pct(b)): difference \(f2(a.mean - b.mean)), 95 % interval "
                         + "\(interval(iv, digits: 2))\(samplingTag(se, iv)): \(v.rawValue)")
        }
        let ours = splitPrefix(rows) + "budget \(chosen.budget): q+v (r=\(chosen.budget / 2)) \(pct(a)) " + parts.joined(separator: "; ")
        accuracyUncertainty = ClaimRules.accuracyUncertainty(split: ReportSelection.accuracySplit(rows), paired: allPaired)
        return result(1, ClaimRules.combine(verdicts), ours: ours, paper: claim1Paper, rule: claim1Rule, uncertainty: accuracyUncertainty)
    }

    // MARK: 2 (Table 6)

    static let claim2Paper = "q+v: r=1 73.4 / 91.3 vs best 73.8 (r=8) / 91.6 (r=8); q: r=1 68.8 / 90.7 vs best 70.5 (r=4) / 91.1 (r=4) "
        + "(WikiSQL / MultiNLI, GPT-3 175B)"
    static let claim2Rule = "part 1, q+v at r = 1 against every larger rank: \(ClaimRules.aboutAsWellText); part 2, q alone: "
        + "\(ClaimRules.someBeatsText); holds if every tested part holds, does not hold if one does not hold, inconclusive otherwise"

    static func claim2(_ rows: [AccuracyRow], pairs: [AccuracyPairRow] = []) -> ClaimResult {
        var accuracyUncertainty = ClaimRules.accuracyUncertainty(split: ReportSelection.accuracySplit(rows))
        guard let metric = ReportSelection.primaryMetric(rows) else {
            return notTested(2, "no finished run with a metric on the \(ReportSelection.accuracySplit(rows)) split", paper: claim2Paper, rule: claim2Rule, uncertainty: accuracyUncertainty)
        }
        guard ReportSelection.isPercent(metric) else {
            return notTested(2, "the primary metric is \(metric), not an accuracy", paper: claim2Paper, rule: claim2Rule, uncertainty: accuracyUncertainty)
        }
        let groups = ReportSelection.accuracyGroups(rows, metric: metric)
        var verdicts: [Verdict] = []
        var parts: [String] = []
        var allPaired = true
        for (targets, label, rule) in [("q+v", "q+v", ClaimRules.aboutAsWell), ("q", "q alone", ClaimRules.someBeats)] {
            guard let g = groups[targets], let r1 = g[1], g.keys.contains(where: { $0 > 1 }) else {
                parts.append("\(label): needs r = 1 and a larger rank (not in this spec)")
                continue
            }
            let larger = g.keys.filter { $0 > 1 }.sorted().map { r in
                ClaimRules.RankGap(rank: r, summary: g[r]!, pairedSE: pairedSE(pairs, (targets, r, g[r]!), (targets, 1, r1)))
            }
            allPaired = allPaired && larger.allSatisfy { $0.pairedSE != nil }
            let v = rule(r1, larger, examples(rows))
            verdicts.append(v)
            parts.append(rankGapsText(targets, r1: r1, larger: larger, examples: examples(rows)) + ": \(v.rawValue)")
        }
        let verdict = ClaimRules.combine(verdicts)
        accuracyUncertainty = ClaimRules.accuracyUncertainty(split: ReportSelection.accuracySplit(rows), paired: allPaired && !verdicts.isEmpty)
        if verdict == .notTested {
            return notTested(2, parts.joined(separator: "; "), paper: claim2Paper, rule: claim2Rule, uncertainty: accuracyUncertainty)
        }
        return result(2, verdict, ours: splitPrefix(rows) + parts.joined(separator: "; "), paper: claim2Paper, rule: claim2Rule, uncertainty: accuracyUncertainty)
    }
}
