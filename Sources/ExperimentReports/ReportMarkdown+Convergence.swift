import Analysis
import ExperimentSpec
import Foundation

extension ReportMarkdown {
    /// The criterion every report applies (issue 11 part 1).
    static let convergenceCriterion = ConvergenceCriterion()

    /// Per run: its final validation objective and whether its curve meets `convergenceCriterion`.
    static func convergence(_ env: SectionEnvironment) -> String? {
        guard let rows = env.data.convergence, !rows.isEmpty else { return nil }
        let c = convergenceCriterion
        let curves = ConvergenceRow.curves(rows)
        let n = env.context?.validationExamples
        var table = MarkdownTable(header: ["Run", "Targets", "r", "Seeds (data, init)", "Steps", "Final objective", "Final metric",
                                           "Passes in last fifth", "Largest deviation", "Verdict", "Metric moved in last fifth"],
                                  alignments: [.left, .left, .right, .left, .right, .right, .right, .right, .right, .left, .right])
        var counts: [ConvergenceCriterion.Verdict: Int] = [:]
        for curve in curves {
            let f = curve.first, last = curve.rows.last!
            let result = curve.result(c)
            counts[result.verdict, default: 0] += 1
            table.append([f.run, f.targets, String(f.rank), "\(seedCell(f.dataSeed)), \(seedCell(f.initSeed))", String(f.steps),
                          "\(f.objective) \(g4(last.value)) (step \(last.step))", last.metricValue.map { "\(f.metric) \(g4($0))" } ?? dash,
                          String(result.passesInWindow), result.largestDeviation.map { NumberFormat.fixed($0 * 100, digits: 2) + " %" } ?? dash,
                          result.verdict.rawValue, metricMovement(curve, criterion: c, validationExamples: n)])
        }
        let tolerance = NumberFormat.fixed(c.tolerance * 100, digits: 0), window = NumberFormat.fixed(c.window * 100, digits: 0)
        var out = "The rule: a run has converged when every validation pass in the last \(window) % of its training "
            + "(steps ≥ ⌈\(NumberFormat.fixed(1 - c.window, digits: 1))·T⌉, T its steps) lies within \(tolerance) % of the final "
            + "pass's validation objective (cross-entropy `loss` for classification, `mse` for the planted task), relatively. It "
            + "needs the final pass and at least one earlier pass in that window; with fewer, or for a diverged run, it cannot "
            + "decide (\"undetermined\": evaluate more often). "
            + "\(counts[.converged] ?? 0) of \(curves.count) runs meet it, \(counts[.notConverged] ?? 0) do not, "
            + "\(counts[.undetermined] ?? 0) cannot be judged. Every pass is in `\(ReportFiles.convergence)`.\n\n"
            + "The last column is a second, weaker reading for the validation accuracies: the largest change of the "
            + "primary metric over the same window, against twice the binomial standard error of a difference of two "
            + "accuracies on the N validation examples, 2·√(2p(1 − p)/N) (unpaired, so conservative: the passes share their "
            + "examples). \"within noise\" means more training of the same kind would not have moved the accuracy by an amount "
            + "this validation split can detect; it does not make the run converged by the rule above.\n\n"
        if let longer = env.context?.lengthCheckedBy {
            out += "This per-run rule is reported, not the criterion the verdicts use: under a learning rate that decays to zero "
                + "the decay itself lowers the validation loss until the last step, so the rule can fail at any length. The "
                + "verdicts use the doubling test instead — spec `\(longer)` trains configurations of this spec longer with the "
                + "same seeds, a verdict stands only when it gives the same one (Verdicts at a glance), and "
                + "[its report](../\(longer)/report.md) compares the numbers the claims read run for run.\n\n"
        }
        if let fig = figure(ReportFigures.convergenceName, alt: "validation curves", env) { out += fig + "\n" }
        return out + table.rendered()
    }
}

extension ReportMarkdown {
    /// "0.65 pt, within noise (2 SE = 2.15 pt)": the primary metric's largest change over the convergence window against
    /// 2·√(2p(1 − p)/N) at the final value p; "—" when the metric is not a proportion in [0, 1], N is unknown, or the
    /// window has fewer than two passes.
    static func metricMovement(_ curve: ConvergenceRow.Curve, criterion: ConvergenceCriterion, validationExamples n: Int?) -> String {
        let start = criterion.windowStart(totalSteps: curve.first.steps)
        let window = curve.rows.filter { $0.step >= start }.compactMap(\.metricValue)
        guard let n, n > 0, window.count >= 2, let p = window.last, (0...1).contains(p),
              curve.first.metric == "accuracy" || curve.first.metric == "macro_f1" else { return dash }
        let moved = window.map { abs($0 - p) }.max()!
        let twoSE = 2 * (2 * p * (1 - p) / Double(n)).squareRoot()
        let pt = { (x: Double) in NumberFormat.fixed(x * 100, digits: 2) + " pt" }
        return "\(pt(moved)), \(moved <= twoSE ? "within noise" : "beyond noise") (2 SE = \(pt(twoSE)))"
    }
}

extension ReportFigures {
    static let convergenceName = "convergence.svg"

    /// Validation objective vs step, one panel per target set, one line per run.
    static func convergence(_ data: ReportData) -> String? {
        guard let rows = data.convergence, !rows.isEmpty else { return nil }
        let curves = ConvergenceRow.curves(rows)
        var sets: [String] = []
        for c in curves where !sets.contains(c.first.targets) { sets.append(c.first.targets) }
        let charts = sets.map { t in
            LineChart(title: t, xLabel: "step", yLabel: "validation " + curves.first { $0.first.targets == t }!.first.objective,
                      series: curves.filter { $0.first.targets == t }.map { c in
                          LineChart.Series(name: "r = \(c.first.rank), seeds \(seedCell(c.first.dataSeed))/\(seedCell(c.first.initSeed))",
                                           points: c.rows.map { LineChart.Point(x: Double($0.step), y: $0.value) })
                      }, integerX: true)
        }
        return SVG.lineCharts(charts, title: "Validation curves", caption: [
            "One line per run (rank, data/init seeds); the convergence rule reads the last fifth of each curve."])
    }
}
