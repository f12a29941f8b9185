import Analysis
import ExperimentSpec

extension ReportMarkdown {
    /// The head-only baseline paragraph of the Runs section: what the baseline is, its value, and each LoRA
    /// configuration's gain over it (difference of means, in points for accuracy-like metrics) — the accuracy LoRA adds
    /// beyond training the task head alone. nil without head-only runs.
    static func headOnlyBaseline(_ v: AccuracyView) -> String? {
        guard let h = v.headOnly else { return nil }
        var out = "Baseline: `\(RunRecord.headOnlyLabel)` runs train the same task head on the frozen model with no adapters "
            + "(r = 0, no LoRA parameters), \(v.measure): \(metric(h, percent: v.percent)).\n"
        var gains: [String] = []
        for t in v.targetSets {
            let ranks = v.groups[t]!.keys.sorted()
            let cells = ranks.map { r -> String in
                let d = v.groups[t]![r]!.mean - h.mean
                let text = v.percent ? NumberFormat.fixed(d, digits: 1) : g3(d)
                return "r = \(r) \(d >= 0 ? "+" : "")\(text)"
            }
            gains.append("\(t): " + cells.joined(separator: ", "))
        }
        if !gains.isEmpty {
            out += "Gain over it (mean − baseline mean\(v.percent ? ", points" : "")): " + gains.joined(separator: "; ") + ".\n"
        }
        return out + "\n"
    }
}
