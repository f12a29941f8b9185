import Analysis
import ExperimentSpec
import Foundation

extension ReportAnalysis {
    /// Every run's validation curve and whether it meets the convergence criterion (issue 11 part 1,
    /// `ConvergenceCriterion`): a verdict read from runs stopped while their loss still falls would describe a model
    /// training had not finished. On with `accuracy` (it reads the same validation passes), for a spec's runs only.
    static let convergence = make(
        key: "convergence", file: ReportFiles.convergence, rows: \.convergence, sections: [.convergence],
        figurePrefixes: [ReportFigures.convergenceName], needsAdapters: false,
        isOn: { o, scope in scope == .spec && o.accuracy },
        compute: { inputs in
            let rows = try ReportBuilder.convergenceRows(inputs.runs)
            return rows.isEmpty ? nil : rows
        },
        encode: ReportCSVEncoder.convergence, decode: ReportCSVDecoder.convergence,
        figures: { env in ReportFigures.convergence(env.data).map { [(ReportFigures.convergenceName, $0)] } ?? [] })
}
