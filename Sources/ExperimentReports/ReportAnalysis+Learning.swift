import Analysis
import ExperimentSpec
import Foundation

extension ReportAnalysis {
    /// How far each A moved from its initialisation A₀ (issue 11 part 2; `InitialisationDiagnostics`): if A is still
    /// mostly its random init, φ on A (Figs 3, 4) compares random initialisations rather than what was learned.
    static let learningDiagnostics = make(
        key: "learningDiagnostics", file: ReportFiles.learning, rows: \.learning, sections: [.learning],
        isOn: { o, _ in o.learningDiagnostics },
        compute: { try $0.engine.learningRows($0.subjects) },
        encode: ReportCSVEncoder.learning, decode: ReportCSVDecoder.learning)
}
