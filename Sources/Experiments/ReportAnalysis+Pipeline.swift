import Foundation

extension ReportAnalysis {
    /// Runs `analyses` in order into one `ReportData`, lapping `clock` after each (phase name = the analysis key).
    static func compute(_ analyses: [ReportAnalysis], _ inputs: AnalysisInputs, clock: inout PhaseClock) throws -> ReportData {
        var data = ReportData()
        for analysis in analyses {
            try analysis.compute(inputs, &data)
            clock.lap(analysis.key)
        }
        return data
    }

    /// (file name, CSV text) of every analysis of `analyses` whose rows `data` holds, in list order.
    static func csvFiles(_ analyses: [ReportAnalysis], _ data: ReportData) -> [(name: String, text: String)] {
        analyses.filter { $0.isPresent(data) }.map { ($0.file, $0.csv(data)) }
    }
}
