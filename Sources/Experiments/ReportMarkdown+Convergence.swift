import Analysis
import Foundation

extension ReportMarkdown {
    /// The criterion every report applies (issue 11 part 1).
    static let convergenceCriterion = ConvergenceCriterion()

    /// Per run: its final validation objective and whether its curve meets `convergenceCriterion`.
    static func convergence(_ env: SectionEnvironment) -> String? {
        guard let rows = env.data.convergence, !rows.isEmpty else { return nil }
        let c = convergenceCriterion
        let curves = ConvergenceRow.curves(rows)
        var table = MarkdownTable(header: ["Run", "Targets", "r", "Seeds (data, init)", "Steps", "Final objective", "Final metric",
                                           "Passes in last fifth", "Largest deviation", "Verdict"],
                                  alignments: [.left, .left, .right, .left, .right, .right, .right, .right, .right, .left])
        var counts: [ConvergenceCriterion.Verdict: Int] = [:]
        for curve in curves {
            let f = curve.first, last = curve.rows.last!
            let result = curve.result(c)
            counts[result.verdict, default: 0] += 1
            table.append([f.run, f.targets, String(f.rank), "\(seedCell(f.dataSeed)), \(seedCell(f.initSeed))", String(f.steps),
                          "\(f.objective) \(g4(last.value)) (step \(last.step))", last.metricValue.map { "\(f.metric) \(g4($0))" } ?? dash,
                          String(result.passesInWindow), result.largestDeviation.map { NumberFormat.fixed($0 * 100, digits: 2) + " %" } ?? dash,
                          result.verdict.rawValue])
        }
        let tolerance = NumberFormat.fixed(c.tolerance * 100, digits: 0), window = NumberFormat.fixed(c.window * 100, digits: 0)
        var out = "The rule: a run has converged when every validation pass in the last \(window) % of its training "
            + "(steps ≥ ⌈\(NumberFormat.fixed(1 - c.window, digits: 1))·T⌉, T its steps) lies within \(tolerance) % of the final "
            + "pass's validation objective (cross-entropy `loss` for classification, `mse` for the planted task), relatively. It "
            + "needs the final pass and at least one earlier pass in that window; with fewer, or for a diverged run, it cannot "
            + "decide (\"undetermined\": evaluate more often). "
            + "\(counts[.converged] ?? 0) of \(curves.count) runs meet it, \(counts[.notConverged] ?? 0) do not, "
            + "\(counts[.undetermined] ?? 0) cannot be judged. Every pass is in `\(ReportFiles.convergence)`.\n\n"
        if let fig = figure(ReportFigures.convergenceName, alt: "validation curves", env) { out += fig + "\n" }
        return out + table.rendered()
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
