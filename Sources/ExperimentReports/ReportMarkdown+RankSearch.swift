import Analysis
import ExperimentSpec
import Foundation

extension ReportMarkdown {
    /// The rank search in one table: each step's candidate, cost (trainable LoRA parameters, training time), validation
    /// accuracy ± its standard error, the comparison the rule read, the decision and why; then the choice. Rendered from
    /// `rank_search.csv` alone, so the notebook and report.md agree.
    static func rankSearch(_ env: SectionEnvironment) -> String? {
        guard let rows = env.data.rankSearch, let first = rows.first else { return nil }
        let minGain = RankSearch.points(first.minGain, signed: false), z = NumberFormat.significant(first.z, digits: 4)
        let n = first.validationExamples.map { "the N = \($0) validation examples" } ?? "the N validation examples (unknown here: no task.json)"
        var out = "The search (Sec 7.2 and Table 6: a very small r is already competitive; Sec 7.1 and Table 5: at a small r, "
            + "adapting more matrices can pay more than a larger r) trains \(first.targets) at increasing ranks and stops at the "
            + "first rank that does not pay for its extra parameters; the other target sets then challenge the incumbent at the "
            + "chosen rank. The rule, for a challenger against the incumbent: the side with more trainable LoRA parameters (at "
            + "equal cost, the challenger) is preferred only when gain − z·SE > minGain (here minGain = \(minGain) points, z = \(z)), "
            + "else the cheaper side is — so a gain that is positive but within its uncertainty does not pay. SE is the standard "
            + "error of the difference of the two mean validation accuracies: the larger of the seed spread √(s₁²/n₁ + s₂²/n₂) "
            + "(when both sides have two or more seeds) and the binomial √(p₁(1 − p₁)/N + p₂(1 − p₂)/N) on \(n) (unpaired, so "
            + "conservative); a spread that was not measured is never taken as zero, and with neither known no gain counts. "
            + "Accuracy is the mean over seeds ± one standard error (the larger of s/√n and √(p(1 − p)/N)); gain is the candidate's "
            + "minus the incumbent's, ± SE. `experiment report` recomputes this path from the cached runs with the function the "
            + "runner decided with; every number is in `\(ReportFiles.rankSearch)`.\n\n"
        var table = MarkdownTable(header: ["Step", "Candidate", "Trainable params", "Train time", "Validation accuracy (%)", "Compared with",
                                           "Gain (points)", "Decision", "Why"],
                                  alignments: [.right, .left, .right, .right, .right, .left, .right, .left, .left])
        for r in rows {
            let accuracy = r.value.map { v in
                NumberFormat.percent(v, digits: 2) + (r.se.map { " ± " + NumberFormat.percent($0, digits: 2) } ?? "")
                    + " (n=\(r.runs - (r.failed ?? 0)))"
            } ?? (r.failed.map { $0 > 0 ? "failed (\($0) of \(r.runs) runs)" : dash } ?? dash)
            let compared = r.comparedTargets.flatMap { t in r.comparedRank.map { "\(t) r = \($0)" } } ?? dash
            let gain = r.gain.map { g in RankSearch.points(g) + (r.gainSE.map { " ± " + RankSearch.points($0, signed: false) } ?? "") } ?? dash
            let decision = r.chosen ? "\(r.decision) (**chosen**)" : r.decision
            table.append([String(r.step), "\(r.targets) r = \(r.rank)", String(r.trainableParams),
                          r.trainSeconds.map { NumberFormat.fixed($0, digits: 1) + " s" } ?? dash, accuracy, compared, gain, decision,
                          r.reason.replacingOccurrences(of: "|", with: "\\|")])
        }
        out += table.rendered() + "\n"
        if let c = rows.first(where: \.chosen) {
            out += "**Choice: \(c.targets) at r = \(c.rank)** — \(c.trainableParams) trainable LoRA parameters, validation accuracy "
                + (c.value.map { NumberFormat.percent($0, digits: 2) + (c.se.map { " ± " + NumberFormat.percent($0, digits: 2) } ?? "") + " %" } ?? dash)
                + ".\n"
        } else if let p = rows.first(where: { $0.decision == RankSearchStep.Decision.pending.rawValue }) {
            out += "Not finished: the search waits for \(p.targets) at r = \(p.rank) (`experiment run` trains it).\n"
        } else {
            out += "No choice: the candidate the search ended with failed.\n"
        }
        return out
    }
}
