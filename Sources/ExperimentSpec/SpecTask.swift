import LoRA

/// The task a run is trained and evaluated on, selected by `"kind"`. Each kind has its own keys; a key of
/// another kind is an error. `maxTrain`/`maxValidation` cap a split (null = no cap; the runner takes the first
/// n of a seeded shuffle); `maxTokens` is the tokenizer's maximum length (special tokens included, checked
/// against the model's position embeddings at resolution). Paths are relative to the repository root.
public enum TaskSpec: SpecSection {
    case wordnetSupersense(WordNetSupersenseTask)
    case wordnetPairs(WordNetPairsTask)
    case plantedRank(PlantedRankTask)
    case jsonl(JSONLTask)
    case glueTSV(GLUETSVTask)
    case wordnetGloss(WordNetGlossTask)

    public var kind: TaskKind {
        switch self {
        case .wordnetSupersense: return .wordnetSupersense
        case .wordnetPairs: return .wordnetPairs
        case .plantedRank: return .plantedRank
        case .jsonl: return .jsonl
        case .glueTSV: return .glueTSV
        case .wordnetGloss: return .wordnetGloss
        }
    }

    public var maxTokens: Int {
        switch self {
        case .wordnetSupersense(let t): return t.maxTokens
        case .wordnetPairs(let t): return t.maxTokens
        case .plantedRank(let t): return t.maxTokens
        case .jsonl(let t): return t.maxTokens
        case .glueTSV(let t): return t.maxTokens
        case .wordnetGloss(let t): return t.maxTokens
        }
    }

    /// Files and directories the task reads, as (key, path as written, is a directory), for existence checks.
    public var userPaths: [(key: String, path: String, isDirectory: Bool)] {
        switch self {
        case .wordnetSupersense(let t): return t.wordnetDirectory.map { [("wordnetDirectory", $0, true)] } ?? []
        case .wordnetPairs(let t): return t.wordnetDirectory.map { [("wordnetDirectory", $0, true)] } ?? []
        case .plantedRank(let t): return t.wordnetDirectory.map { [("wordnetDirectory", $0, true)] } ?? []
        case .jsonl(let t): return [("train", t.train, false), ("validation", t.validation, false)] + (t.test.map { [("test", $0, false)] } ?? [])
        case .glueTSV(let t): return [("train", t.train, false), ("validation", t.validation, false)] + (t.test.map { [("test", $0, false)] } ?? [])
        case .wordnetGloss(let t): return t.wordnetDirectory.map { [("wordnetDirectory", $0, true)] } ?? []
        }
    }
}

public enum TaskKind: String, CaseIterable, Codable, Sendable {
    case wordnetSupersense = "wordnet-supersense"
    case wordnetPairs = "wordnet-pairs"
    case plantedRank = "planted-rank"
    case jsonl
    case glueTSV = "glue-tsv"
    case wordnetGloss = "wordnet-gloss"
}

/// WordNet parts of speech, named as WordNet's `data.<part>` files.
public enum WordNetPart: String, CaseIterable, Codable, Sendable {
    case noun, verb, adj, adv
}

/// Classify a WordNet synset's gloss into its lexicographer file (supersense: 26 classes for nouns), the
/// default task (`docs/calibration.md`).
///
/// Keys (defaults): `parts` ["noun"] (non-empty, distinct), `includeLemmas` false (prefix the gloss with the
/// synset's lemmas), `maxTrain` null, `maxValidation` 2000, `classBalanced` false (share the caps equally between
/// labels), `maxTokens` 48, `wordnetDirectory` null (the location the setup installs).
public struct WordNetSupersenseTask: Equatable, Sendable {
    public var parts: [WordNetPart] = [.noun]
    public var includeLemmas = false
    public var maxTrain: Int?
    public var maxValidation: Int? = 2000
    public var classBalanced = false
    public var maxTokens = 48
    public var wordnetDirectory: String?
    public init() {}
}

/// Sentence-pair task from WordNet's hypernym graph: is the second synset a hypernym of the first within
/// `hypernymDepth` steps?
///
/// Keys (defaults): `parts` ["noun"] (noun and/or verb: only those have hypernyms), `hypernymDepth` 2 (≥ 1),
/// `maxTrain` null, `maxValidation` 2000, `maxTokens` 64, `wordnetDirectory` null.
public struct WordNetPairsTask: Equatable, Sendable {
    public var parts: [WordNetPart] = [.noun]
    public var hypernymDepth = 2
    public var maxTrain: Int?
    public var maxValidation: Int? = 2000
    public var maxTokens = 64
    public var wordnetDirectory: String?
    public init() {}
}

/// A synthetic task with a known answer: targets come from the frozen model with a planted rank-`plantRank`
/// update ΔW* on `targets` in `layers`, so LoRA's recovery of ΔW* can be measured.
///
/// Keys (defaults): `plantRank` 2 (≥ 1, ≤ min(in, out) of every target, checked at resolution), `targets`
/// ["q","v"], `layers` null (every layer), `singularValues` [0.5, 0.25, …] (σ_k = 0.5^k, relative to ‖W‖₂; one per
/// planted direction, each > 0), `inputs` "random-tokens" | "wordnet" (glosses as inputs), `plantSeed` 7,
/// `maxTokens` 32, `trainExamples` 4096, `validationExamples` 512, `wordnetDirectory` null (only with
/// inputs "wordnet"), `directions` "random" | "input-principal" (planted input directions drawn within the top
/// `principalDimensions` principal directions of each layer's inputs on the training texts, so the data excites them;
/// see `PlantedRankOptions.Directions`), `principalDimensions` 8 (only with "input-principal").
public struct PlantedRankTask: Equatable, Sendable {
    public var plantRank = 2
    public var targets: [LoRATarget] = [.q, .v]
    public var layers: [Int]?
    public var singularValues: [Double] = [0.5, 0.25]
    public var inputs: PlantedInputs = .randomTokens
    public var plantSeed: UInt64 = 7
    public var maxTokens = 32
    public var trainExamples = 4096
    public var validationExamples = 512
    public var wordnetDirectory: String?
    public var directions: PlantedDirections = .random
    public var principalDimensions = 8
    public init() {}

    /// The default singular values for a plant of rank r: 0.5, 0.25, …, 0.5^r.
    public static func defaultSingularValues(rank r: Int) -> [Double] { (1...max(1, r)).map { 1 / Double(1 << min($0, 60)) } }
}

/// Where planted input directions are drawn (`PlantedRankOptions.Directions`).
public enum PlantedDirections: String, CaseIterable, Codable, Sendable {
    case random
    case inputPrincipal = "input-principal"
}

public enum PlantedInputs: String, CaseIterable, Codable, Sendable {
    case randomTokens = "random-tokens"
    case wordnet
}

/// Your own data: one JSON object per line.
///
/// Keys (defaults): `train`*, `validation`* (files; or instead `validationFraction`, see `ValidationSplit`), `test` null,
/// `textField` "text", `textPairField` null (second
/// segment for pair tasks), `labelField` "label", `skipInvalid` false (false: a bad line is an error), `maxTrain` null,
/// `maxValidation` null, `maxTokens` 128. With the three field defaults a line may also give a pair as `text_a` and
/// `text_b`; naming any other field reads exactly those keys (a Hugging Face export: `"textField": "sentence"`, integer
/// labels in `label`).
public struct JSONLTask: Equatable, Sendable {
    public var train: String
    /// The validation file; equal to `train` when `validationFraction` is set.
    public var validation: String
    /// When set, the validation split is this fraction of the training file (`ValidationSplit`).
    public var validationFraction: Double?
    public var test: String?
    public var textField = "text"
    public var textPairField: String?
    public var labelField = "label"
    public var skipInvalid = false
    public var maxTrain: Int?
    public var maxValidation: Int?
    public var maxTokens = 128

    public init(train: String, validation: String) {
        self.train = train
        self.validation = validation
    }
}

/// GLUE-style tab-separated files with a header row; columns are named by that header.
///
/// Keys (defaults): `train`*, `validation`* (files; or instead `validationFraction`, see `ValidationSplit`), `test` null,
/// `textColumn` "sentence1", `textPairColumn` "sentence2",
/// `labelColumn` "gold_label" (MultiNLI's layout: train.tsv, dev_matched.tsv), `skipInvalid` false, `maxTrain` null,
/// `maxValidation` null, `maxTokens` 128. Other column names read those columns; `textPairColumn` null makes a
/// single-sentence task (e.g. SST-2's `sentence` / `label`).
public struct GLUETSVTask: Equatable, Sendable {
    public var train: String
    /// The validation file; equal to `train` when `validationFraction` is set.
    public var validation: String
    /// When set, the validation split is this fraction of the training file (`ValidationSplit`).
    public var validationFraction: Double?
    public var test: String?
    public var textColumn = "sentence1"
    public var textPairColumn: String? = "sentence2"
    public var labelColumn = "gold_label"
    public var skipInvalid = false
    public var maxTrain: Int?
    public var maxValidation: Int?
    public var maxTokens = 128

    public init(train: String, validation: String) {
        self.train = train
        self.validation = validation
    }
}
