import Foundation
import LinearAlgebra
import LoRA
import Model
import Tasks
import Tokenization

/// A model and its tokenizer, loaded once per spec and shared by every run (weights are frozen; runs only swap adapters).
/// Runs reach the model only through `AdaptableModel`; what a family loads and what only it supports lives in that
/// family's extension (`LoadedModel+BERT.swift`).
public struct LoadedModel {
    public let model: any AdaptableModel
    public let tokenizer: any Tokenizer
    /// "models/all-MiniLM-L6-v2" or "builtin:tiny".
    public let name: String
    /// The checkpoint folder (nil for the built-in model).
    public var directory: URL?

    public init(model: any AdaptableModel, tokenizer: any Tokenizer, name: String, directory: URL? = nil) {
        self.model = model; self.tokenizer = tokenizer; self.name = name; self.directory = directory
    }

    /// The model a spec names.
    public static func load(_ source: ModelSource, repositoryRoot: URL) throws -> LoadedModel {
        switch source {
        case .checkpoint(let path):
            return try load(checkpoint: SpecPaths.resolve(path, against: repositoryRoot), name: path)
        case .builtin(.tiny):
            return try builtinTiny()
        }
    }

    /// The checkpoint at `url`, read by its family's loader: the registry of model families (a family adds its line
    /// here): a GGUF file, or a folder holding exactly one, is Llama's; anything else BERT's (a Hugging Face folder).
    public static func load(checkpoint url: URL, name: String) throws -> LoadedModel {
        if let gguf = ggufFile(url) { return try loadLlama(gguf: gguf, name: name) }
        return try loadBERT(checkpointDirectory: url, name: name)
    }

    /// The checkpoint's Hugging Face Hub id (e.g. `sentence-transformers/all-MiniLM-L6-v2`), once `resolveHubID()`
    /// found one.
    public var hubID: String?

    /// What adapters trained on this model write as `base_model_name_or_path`: `hubID`, else `name`.
    public var peftBaseModel: String { hubID ?? name }

    /// Sets `hubID` from `HubModelID` (reads the weights once to hash them).
    public mutating func resolveHubID() throws {
        if let directory { hubID = try HubModelID.resolve(checkpointDirectory: directory) }
    }
}

/// A task's data, tokenized once and shared by every run of the spec.
public enum LoadedTask {
    case classification(TokenizedDataset)
    case planted(PlantedRankData)
    /// A generation task (prompt → target) for a decoder, trained with the causal-LM objective.
    case generation(GenerationTaskData)

    public var trainCount: Int {
        switch self {
        case .classification(let d): return d.train.count
        case .planted(let p): return p.train.count
        case .generation(let g): return g.data.train.count
        }
    }

    /// Number of classes of a classification task; nil for the planted-rank task (hidden-state regression).
    public var classCount: Int? {
        if case .classification(let d) = self { return d.labels.count }
        return nil
    }

    public var trainLengths: [Int] {
        switch self {
        case .classification(let d): return d.train.map(\.ids.count)
        case .planted(let p): return p.train.map(\.ids.count)
        case .generation(let g): return g.data.train.map(\.ids.count)
        }
    }

    /// Builds the task's data. Dataset construction uses the fixed data seed 0 (so every run sees the same splits and the
    /// same capped validation set); each run's data seed only sets its training order. Relative data paths are resolved
    /// by `SpecPaths.resolveData` (the spec's folder `dataDirectory` first, then `repositoryRoot`).
    public static func load(_ task: TaskSpec, model: LoadedModel, repositoryRoot: URL, dataDirectory: URL? = nil) throws -> (LoadedTask, TaskSummary) {
        func path(_ p: String) -> URL { SpecPaths.resolveData(p, specDirectory: dataDirectory, repositoryRoot: repositoryRoot) }
        func wordnet(_ dir: String?, parts: [PartOfSpeech]) throws -> WordNet {
            let location = try WordNet.locateDatabase(override: dir.map { path($0).path })
            return try WordNet(directory: location, parts: parts)
        }
        func parts(_ p: [WordNetPart]) -> [PartOfSpeech] { p.map { PartOfSpeech(rawValue: $0.rawValue)! } }
        /// A user dataset through `loader` (its validation split cut from the training file when `fraction` is set),
        /// capped to the first N examples.
        func user(_ loader: (URL, URL, URL?, UserDatasetOptions) throws -> (TextDataset, skipped: Int), _ train: String,
                  _ validation: String, _ test: String?, skipInvalid: Bool, fields: UserDatasetOptions.Fields?,
                  fraction: Double?, maxTrain: Int?, maxValidation: Int?) throws -> TextDataset {
            let (loaded, _) = try loader(path(train), path(validation), test.map(path),
                                         UserDatasetOptions(skipInvalid: skipInvalid, fields: fields))
            let data = try fraction.map { try ValidationSplit.split(loaded, fraction: $0, file: path(train).path) } ?? loaded
            return cap(data, train: maxTrain, validation: maxValidation)
        }
        func classification(_ text: TextDataset, maxTokens: Int) -> (LoadedTask, TaskSummary) {
            let tokenized = TokenizedDataset(text, tokenizer: model.tokenizer, maxTokens: maxTokens)
            return (.classification(tokenized), summary(text, tokenized))
        }
        switch task {
        case .wordnetSupersense(let t):
            let wn = try wordnet(t.wordnetDirectory, parts: parts(t.parts))
            let options = SupersenseOptions(parts: parts(t.parts), includeLemmas: t.includeLemmas, maxTrain: t.maxTrain,
                                            maxValidation: t.maxValidation, classBalanced: t.classBalanced)
            return classification(try WordNetSupersense.build(wordnet: wn, options: options), maxTokens: t.maxTokens)
        case .wordnetPairs(let t):
            let wn = try wordnet(t.wordnetDirectory, parts: [.noun])
            let options = PairsOptions(hypernymDepth: t.hypernymDepth, maxTrain: t.maxTrain, maxValidation: t.maxValidation)
            return classification(try WordNetPairs.build(wordnet: wn, options: options), maxTokens: t.maxTokens)
        case .jsonl(let t):
            let custom = t.textField != "text" || t.textPairField != nil || t.labelField != "label"
            let fields = custom ? UserDatasetOptions.Fields(text: t.textField, textPair: t.textPairField, label: t.labelField) : nil
            return classification(try user(JSONLDataset.load, t.train, t.validation, t.test, skipInvalid: t.skipInvalid, fields: fields,
                                           fraction: t.validationFraction, maxTrain: t.maxTrain, maxValidation: t.maxValidation),
                                  maxTokens: t.maxTokens)
        case .glueTSV(let t):
            let fields = UserDatasetOptions.Fields(text: t.textColumn, textPair: t.textPairColumn, label: t.labelColumn)
            return classification(try user(GLUETSVDataset.load, t.train, t.validation, t.test, skipInvalid: t.skipInvalid, fields: fields,
                                           fraction: t.validationFraction, maxTrain: t.maxTrain, maxValidation: t.maxValidation),
                                  maxTokens: t.maxTokens)
        case .wordnetGloss(let t):
            return try generation(t, wordnet: try wordnet(t.wordnetDirectory, parts: parts(t.parts)), model: model)
        case .plantedRank(let t):
            return try planted(t, wordnet: t.inputs == .wordnet ? try wordnet(t.wordnetDirectory, parts: [.noun]) : nil, model: model)
        }
    }

    /// User datasets: caps take the first N examples in the file's (user-chosen) order.
    static func cap(_ d: TextDataset, train: Int?, validation: Int?) -> TextDataset {
        TextDataset(name: d.name, labels: d.labels, train: Array(d.train.prefix(train ?? d.train.count)),
                    validation: Array(d.validation.prefix(validation ?? d.validation.count)), test: d.test)
    }

    static func summary(_ text: TextDataset, _ tokenized: TokenizedDataset) -> TaskSummary {
        let splits = Split.allCases.compactMap { split -> TaskSummary.SplitSummary? in
            let examples = text.examples(split)
            guard !examples.isEmpty else { return nil }
            let dist = text.distribution(split)
            var counts: [String: Int] = [:]
            for (i, c) in dist.counts.enumerated() { counts[text.labels[i]] = c }
            var s = TaskSummary.SplitSummary(split: split.rawValue, examples: examples.count, meanTokens: tokenized.meanLength(split),
                                             labelCounts: counts, majorityLabel: text.labels[dist.majorityLabel],
                                             majorityBaseline: dist.majorityBaseline)
            if let n = tokenized.truncated[split] { (s.truncated, s.maxTokens) = (n, tokenized.maxTokens) }
            return s
        }
        return TaskSummary(task: text.name, labels: text.labels, splits: splits)
    }
}
