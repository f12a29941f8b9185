import ExperimentSpec
import Foundation
import LinearAlgebra

extension ReportAnalysis {
    /// Runs `analyses` in order into one `ReportData`, lapping `clock` after each (phase name = the analysis key).
    /// OpenBLAS runs on one thread throughout (the engine spreads independent work over cores itself), so the numbers do
    /// not depend on the thread count.
    static func compute(_ analyses: [ReportAnalysis], _ inputs: AnalysisInputs, clock: inout PhaseClock) throws -> ReportData {
        try BLAS.withThreads(1) {
            var data = ReportData()
            for analysis in analyses {
                try analysis.compute(inputs, &data)
                clock.lap(analysis.key)
            }
            return data
        }
    }

    /// (file name, CSV text) of every analysis of `analyses` whose rows `data` holds, in list order.
    static func csvFiles(_ analyses: [ReportAnalysis], _ data: ReportData) -> [(name: String, text: String)] {
        analyses.filter { $0.isPresent(data) }.map { ($0.file, $0.csv(data)) }
    }
}
