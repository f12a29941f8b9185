import ExperimentSpec
import Foundation

extension ReportAnalysis {
    /// The rank search's path recomputed from the finished runs (`RankSearch.path`, the function the runner decided
    /// with), one row per step (Sec 7.2 / Table 6 on choosing r, Sec 7.1 / Table 5 on which matrices). Spec scope only,
    /// and only for a spec with a rank search (otherwise no rows and no file).
    static let rankSearch = make(
        key: "rankSearch", file: ReportFiles.rankSearch, rows: \.rankSearch, sections: [.rankSearch], needsAdapters: false,
        isOn: { _, scope in scope == .spec },
        compute: { inputs in
            guard let plan = inputs.rankSearch else { return nil }
            let path = RankSearch.path(plan, results: RankSearch.results(inputs.runs), validationExamples: inputs.validationExamples)
            let seconds = Dictionary(inputs.runs.map { ($0.id, $0.outcome.trainSeconds) }, uniquingKeysWith: { a, _ in a })
            return RankSearchRow.rows(path, plan: plan, validationExamples: inputs.validationExamples) { c in
                let known = c.runIDs.compactMap { seconds[$0] }
                return known.isEmpty ? nil : known.reduce(0, +)
            }
        },
        encode: ReportCSVEncoder.rankSearch, decode: ReportCSVDecoder.rankSearch)
}
