/// Generate a WordNet gloss from its word and part of speech (`WordNetGloss` in Tasks): prompt `"dog (noun):"`, target
/// the definition. A task for decoders (the Llama family), trained with the paper's conditional language-modelling
/// objective (Sec 2, max Σ_t log P(y_t | x, y_<t)): the loss counts the gloss's tokens only, the prompt is context.
/// Validation reports the mean target-token loss and its exponential, the perplexity.
///
/// Keys (defaults): `parts` ["noun", "verb", "adj", "adv"] (non-empty, distinct), `allLemmas` false (every lemma of the
/// synset in the prompt), `maxTrain` null, `maxValidation` 500, `maxTokens` 64 (≥ 2: prompt, target and end-of-text
/// tokens; longer targets are cut), `generations` 4 (the first n validation prompts the runner continues greedily
/// before and after fine-tuning, recorded in each run folder; 0 for none), `maxNewTokens` 32 (≥ 1, the length of those
/// continuations), `wordnetDirectory` null.
public struct WordNetGlossTask: Equatable, Sendable {
    public var parts: [WordNetPart] = WordNetPart.allCases
    public var allLemmas = false
    public var maxTrain: Int?
    public var maxValidation: Int? = 500
    public var maxTokens = 64
    public var generations = 4
    public var maxNewTokens = 32
    public var wordnetDirectory: String?
    public init() {}

    static let keys = ["parts", "allLemmas", "maxTrain", "maxValidation", "maxTokens", "generations", "maxNewTokens", "wordnetDirectory"]
}

extension WordNetGlossTask {
    init(reading o: JSONObjectReader) throws {
        parts = try o.optional("parts", default: WordNetPart.allCases) { r in
            try r.uniqueArray(what: "part") { try $0.enumeration(WordNetPart.self, what: "part of speech") }
        }
        allLemmas = try o.optional("allLemmas", default: false) { try $0.bool() }
        maxTrain = try TaskRead.cap(o, "maxTrain", default: nil)
        maxValidation = try TaskRead.cap(o, "maxValidation", default: 500)
        // A prompt token and a target token at least (a causal LM has no [CLS]/[SEP]).
        maxTokens = try o.optional("maxTokens", default: 64) { try $0.int(atLeast: 2) }
        generations = try o.optional("generations", default: 4) { try $0.int(atLeast: 0) }
        maxNewTokens = try o.optional("maxNewTokens", default: 32) { try $0.positiveInt() }
        wordnetDirectory = try TaskRead.path(o, "wordnetDirectory")
    }

    /// Every key written out, defaults explicit (`TaskSpec.json`).
    var jsonMembers: [JSONMember] {
        [JSONMember("parts", .strings(parts.map(\.rawValue))), JSONMember("allLemmas", .bool(allLemmas)),
         JSONMember("maxTrain", .optional(maxTrain, JSONValue.int)), JSONMember("maxValidation", .optional(maxValidation, JSONValue.int)),
         JSONMember("maxTokens", .int(maxTokens)), JSONMember("generations", .int(generations)),
         JSONMember("maxNewTokens", .int(maxNewTokens)), JSONMember("wordnetDirectory", .optional(wordnetDirectory, JSONValue.string))]
    }
}

extension TaskKind {
    /// True for the generation tasks a decoder trains with the causal-LM objective; false for the tasks of encoders
    /// (classification heads, the planted hidden states).
    public var isCausalLM: Bool { self == .wordnetGloss }
}
