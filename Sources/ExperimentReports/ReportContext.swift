import ExperimentSpec
import Foundation

/// What a report says about the experiment it describes; the runner fills it from the spec.
public struct ReportContext: Codable, Equatable, Sendable {
    /// The spec's name (the results folder `results/<specName>/`).
    public var specName: String
    public var title: String
    /// E.g. "all-MiniLM-L6-v2 (BERT, 6 layers, d = 384)".
    public var modelDescription: String
    /// E.g. "WordNet 3 noun supersenses (26 classes), validation accuracy".
    public var taskDescription: String
    /// E.g. "targets {q, v} × r ∈ {1, 2, 4, 8, 64}, α = 8, 1000 steps".
    public var gridDescription: String
    /// The paper table this spec reproduces (its numbers are set beside ours).
    public var reference: PaperTable?
    /// The analyses the report computed (`report-context.json` records them resolved: `ReportContext+Codable`).
    public var options: AnalysesSpec
    /// Examples in the validation split (`task.json`): the n of an accuracy's binomial error. nil = unknown.
    public var validationExamples: Int?
    /// How report.md names the results folder it lives in (e.g. `results/qv-rank` or `/tmp/r/qv-rank`); nil means
    /// `results/<specName>`. Not written to report-context.json.
    public var resultsFolder: String? = nil
    /// The spec this one is a quick look at (`ExperimentSpec.quickLookOf`): the report opens by saying so.
    public var quickLookOf: String? = nil
    /// The spec this one trains longer (`ExperimentSpec.lengthCheckOf`): the report compares the two run for run.
    public var lengthCheckOf: String? = nil
    /// The spec that trains this one's configurations longer (`ExperimentSpec.lengthCheckedBy`): the verdicts at a glance
    /// set its verdicts beside this spec's (`LengthCheckedVerdict`).
    public var lengthCheckedBy: String? = nil
    /// The spec's rank search, whose path the report recomputes from the runs (nil: none). Not written to
    /// report-context.json: `rank_search.csv` holds everything its section shows.
    public var rankSearch: RankSearchPlan? = nil
    /// The base model's validation metrics before fine-tuning (generation tasks: `loss`, `perplexity`), or nil. Not
    /// written to report-context.json: the runner records it in the results folder (`base-validation.json`).
    public var baseValidation: [String: Double]? = nil

    public init(specName: String, title: String, modelDescription: String, taskDescription: String,
                gridDescription: String, reference: PaperTable?, options: AnalysesSpec = AnalysesSpec(),
                validationExamples: Int? = nil) {
        self.specName = specName
        self.title = title
        self.modelDescription = modelDescription
        self.taskDescription = taskDescription
        self.gridDescription = gridDescription
        self.reference = reference
        self.options = options
        self.validationExamples = validationExamples
    }
}
