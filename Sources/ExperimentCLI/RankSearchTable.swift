import Analysis
import Experiments
import Foundation

/// The rank search as `run --dry-run` and `status` print it: the path as the finished runs decide it now (one row per
/// step: candidate, cost, its runs' states, accuracy ± standard error, decision and why), then what is decided next and
/// what is still open.
enum RankSearchTable {
    /// `state(id)` names a run's state ("finished", "not started", …).
    static func render(_ path: RankSearchPath, plan: RankSearchPlan, validationExamples: Int?, state: (String) throws -> String) rethrows -> String {
        var rows = [["step", "candidate", "trainable", "runs", "accuracy", "decision", "why"]]
        for (k, s) in path.steps.enumerated() {
            let states = try s.candidate.runIDs.map(state)
            let counts = Dictionary(grouping: states, by: { $0 }).map { "\($0.value.count) \($0.key)" }.sorted().joined(separator: ", ")
            var accuracy = "-"
            if let m = s.measurement, !m.values.isEmpty {
                accuracy = NumberFormat.percent(m.summary.mean, digits: 2)
                    + (m.standardError(validationExamples: validationExamples).map { " ± " + NumberFormat.percent($0, digits: 2) } ?? "") + " %"
            }
            rows.append([String(k + 1), s.candidate.label, String(s.candidate.trainableParameters), counts, accuracy,
                         s.decision.rawValue + (s.chosen ? " (chosen)" : ""), s.reason])
        }
        var out = "\(plan.summary)\n" + renderTable(rows) + "\n"
        if let c = path.choice {
            out += "choice: \(c.label) (\(c.trainableParameters) trainable LoRA parameters)\n"
        } else if let next = path.next {
            out += "next: \(next.label) — runs \(next.runIDs.joined(separator: ", "))\n"
        } else {
            out += "no choice: the candidate the search ended with failed\n"
        }
        if let open = stillOpen(path, plan: plan) { out += "still open: \(open)\n" }
        return out
    }

    /// "q+v at r = 8, 16 (each only if the rank before it pays); then q, v at the chosen rank", or nil when nothing is.
    static func stillOpen(_ path: RankSearchPath, plan: RankSearchPlan) -> String? {
        guard !path.isComplete else { return nil }
        let met = Set(path.steps.map(\.candidate))
        let ranks = plan.ladder.filter { !met.contains($0) }
        var parts: [String] = []
        if let first = ranks.first {
            parts.append("\(first.targetLabel) at r = \(ranks.map { String($0.rank) }.joined(separator: ", ")) (each only if the rank before it pays)")
        }
        let sets = plan.alternatives.filter { set in !set.contains(where: met.contains) }.compactMap { $0.first?.targetLabel }
        if !sets.isEmpty { parts.append("\(sets.joined(separator: ", ")) at the chosen rank") }
        return parts.isEmpty ? nil : parts.joined(separator: "; then ")
    }
}
