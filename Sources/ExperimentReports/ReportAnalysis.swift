import Analysis
import ExperimentSpec
import Foundation

/// Where an analysis runs.
enum AnalysisScope: Sendable {
    /// A spec's results folder (`experiment run`, `experiment report`): run records with ranks, seeds and accuracies.
    case spec
    /// `experiment analyze`: adapter directories from anywhere, compared pair by pair.
    case adapters
}

/// What the analyses compute from, assembled once per build.
struct AnalysisInputs {
    let options: AnalysesSpec
    let scope: AnalysisScope
    /// Every run of the report, finished or not (empty for `experiment analyze`).
    let runs: [RunRecord]
    /// The adapters under analysis (finished runs, or the directories given), in `ReportOrder.subjectLess` order
    /// for a spec; empty when no analysis that is on reads adapters.
    let subjects: [AnalysisSubject]
    /// A PEFT directory holding a planted ΔW* (planted-rank task), or nil.
    let plantedDirectory: URL?
    /// The validation split's size (for the binomial error of accuracies), or nil.
    let validationExamples: Int?
    let engine: AnalysisEngine
    /// The spec's rank search, whose path is recomputed from `runs` (nil: none).
    var rankSearch: RankSearchPlan? = nil
}

/// One Section 7 / App. H analysis as one value: its key, when it runs, its computation and rows, its CSV (written
/// and read back), the report sections and figures drawn from those rows, and the claims those rows feed.
///
/// `ReportAnalysis.all` is the one list that `experiment run` and `experiment report` (`ReportBuilder`),
/// `experiment analyze` (`AdapterAnalysis`) and the notebooks (`ReportData.load`) loop over, in its order: a new
/// analysis is a file defining one entry and a line in `all`.
struct ReportAnalysis {
    /// The `AnalysesSpec` key that switches it on; also the phase name in `ReportSummary.phases`.
    let key: String
    /// Its CSV in the results folder (docs/conventions.md, "Files").
    let file: String
    /// Report sections rendered from its rows, in report order.
    let sections: [ReportSection]
    /// Name prefixes of its figures in `figures/` (a rebuild removes stale ones).
    let figurePrefixes: [String]
    /// Claims (numbers of `PaperReference.claims`) whose verdicts read its rows.
    let claims: [Int]
    /// Whether it reads the adapters (so they are loaded only when some analysis that is on needs them).
    let needsAdapters: Bool
    /// Whether it runs for these options in this scope.
    let isOn: (AnalysesSpec, AnalysisScope) -> Bool
    /// Computes its rows into `data` (leaving them nil when the inputs support none).
    let compute: (AnalysisInputs, inout ReportData) throws -> Void
    /// True when `data` holds its rows.
    let isPresent: (ReportData) -> Bool
    /// Its CSV text, from `data`'s rows (call only when `isPresent`).
    public let csv: (ReportData) -> String
    /// Reads its CSV back into `data`.
    let read: (CSVDocument, inout ReportData) throws -> Void
    /// Its figures (file name, SVG), drawn from the same data and selections as the report sections.
    let figures: (SectionEnvironment) -> [(name: String, svg: String)]

    /// Every analysis, in report order.
    static let all: [ReportAnalysis] = [.accuracy, .accuracyPairs, .convergence, .generations, .rankSearch, .subspaceSimilarity, .projection, .directionOverlap, .spectra,
                                        .learningDiagnostics, .plantedRecovery, .nullDistributions, .growthNulls]

    /// An analysis whose rows live in `data[keyPath: rows]`, written by `encode` and read back by `decode`.
    static func make<Row>(key: String, file: String, rows: WritableKeyPath<ReportData, [Row]?>, sections: [ReportSection],
                          figurePrefixes: [String] = [], claims: [Int] = [], needsAdapters: Bool = true,
                          isOn: @escaping (AnalysesSpec, AnalysisScope) -> Bool,
                          compute: @escaping (AnalysisInputs) throws -> [Row]?,
                          encode: @escaping ([Row]) -> String, decode: @escaping (CSVDocument) throws -> [Row],
                          figures: @escaping (SectionEnvironment) -> [(name: String, svg: String)] = { _ in [] }) -> ReportAnalysis {
        ReportAnalysis(key: key, file: file, sections: sections, figurePrefixes: figurePrefixes, claims: claims,
                       needsAdapters: needsAdapters, isOn: isOn,
                       compute: { inputs, data in data[keyPath: rows] = try compute(inputs) },
                       isPresent: { $0[keyPath: rows] != nil },
                       csv: { encode($0[keyPath: rows] ?? []) },
                       read: { doc, data in data[keyPath: rows] = try decode(doc) },
                       figures: figures)
    }
}
