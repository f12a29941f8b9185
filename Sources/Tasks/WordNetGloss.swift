import LinearAlgebra

/// Options of the `wordnet-gloss` generation task.
public struct GlossOptions: Codable, Equatable, Sendable {
    /// Categories whose synsets become examples (default all four: the part of speech in the prompt then carries
    /// information, "bark (noun)" and "bark (verb)" have different glosses).
    public var parts: [PartOfSpeech]
    /// Name every lemma of the synset in the prompt (`"dog, domestic dog, Canis familiaris (noun):"`) instead of the
    /// first only. Fewer prompts are ambiguous (a polysemous first lemma has one prompt per sense), at the price of longer
    /// prompts.
    public var allLemmas: Bool
    /// Caps on split sizes (nil = whole split).
    public var maxTrain: Int?
    public var maxValidation: Int?
    public var maxTest: Int?
    /// Seed of the per-split shuffles (which examples survive a cap, and the order of each split).
    public var dataSeed: UInt64
    /// Which synset goes to which split.
    public var splitRule: SplitRule

    /// The default validation cap is lower than the classification tasks' 2,000: every validation example of a causal
    /// LM costs a forward pass of a 135M-parameter decoder and its logits over a 49,152-token vocabulary, and 500 glosses
    /// already hold about 6,400 target tokens (12.9 a gloss with SmolLM2's tokenizer, end-of-text included).
    public init(parts: [PartOfSpeech] = PartOfSpeech.allCases, allLemmas: Bool = false, maxTrain: Int? = nil,
                maxValidation: Int? = 500, maxTest: Int? = nil, dataSeed: UInt64 = 0, splitRule: SplitRule = .default) {
        self.parts = parts
        self.allLemmas = allLemmas
        self.maxTrain = maxTrain
        self.maxValidation = maxValidation
        self.maxTest = maxTest
        self.dataSeed = dataSeed
        self.splitRule = splitRule
    }

    enum CodingKeys: String, CodingKey { case parts, allLemmas, maxTrain, maxValidation, maxTest, dataSeed, splitRule }

    /// Missing keys take their defaults (an explicit `null` cap means "no cap"). Values are checked by `validate()`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = GlossOptions()
        parts = try c.decodeIfPresent([PartOfSpeech].self, forKey: .parts) ?? d.parts
        allLemmas = try c.decodeIfPresent(Bool.self, forKey: .allLemmas) ?? d.allLemmas
        maxTrain = c.contains(.maxTrain) ? try c.decodeIfPresent(Int.self, forKey: .maxTrain) : d.maxTrain
        maxValidation = c.contains(.maxValidation) ? try c.decodeIfPresent(Int.self, forKey: .maxValidation) : d.maxValidation
        maxTest = c.contains(.maxTest) ? try c.decodeIfPresent(Int.self, forKey: .maxTest) : d.maxTest
        dataSeed = try c.decodeIfPresent(UInt64.self, forKey: .dataSeed) ?? d.dataSeed
        splitRule = try c.decodeIfPresent(SplitRule.self, forKey: .splitRule) ?? d.splitRule
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(parts, forKey: .parts)
        try c.encode(allLemmas, forKey: .allLemmas)
        try c.encode(maxTrain, forKey: .maxTrain)  // explicit null = no cap
        try c.encode(maxValidation, forKey: .maxValidation)
        try c.encode(maxTest, forKey: .maxTest)
        try c.encode(dataSeed, forKey: .dataSeed)
        try c.encode(splitRule, forKey: .splitRule)
    }

    /// Throws `DataError.invalidOption` for the first value that cannot be honoured: a bad split rule, a negative cap,
    /// no part of speech, or a part named twice (a repeat is a typo, not a request for duplicate examples).
    public func validate() throws {
        try splitRule.validate()
        try Capping.validate(maxTrain, field: "maxTrain")
        try Capping.validate(maxValidation, field: "maxValidation")
        try Capping.validate(maxTest, field: "maxTest")
        guard !parts.isEmpty else { throw DataError.invalidOption(field: "parts", reason: "no part of speech chosen") }
        for (i, p) in parts.enumerated() where parts[..<i].contains(p) {
            throw DataError.invalidOption(field: "parts", reason: "'\(p.rawValue)' is listed twice")
        }
    }
}

/// `wordnet-gloss`: generate a WordNet definition from a word and its part of speech — an offline data-to-text task in
/// the spirit of the paper's E2E NLG experiment (Sec 5.5: structured input → one sentence), for causal LMs.
///
/// Rules, exactly:
/// - one example per synset of `options.parts` whose definition is non-empty (all of WordNet 3.0's);
///   `id` = synset key (`n02084071`);
/// - `prompt` = `"<lemma> (<part of speech>):"` with the synset's first lemma (all lemmas joined by `", "` with
///   `allLemmas`) and the part of speech spelled out (`noun`, `verb`, `adjective` — satellites included — `adverb`),
///   e.g. `"dog (noun):"`;
/// - `target` = `" "` + `Synset.definition` (the gloss before its first `; "`, i.e. without the quoted example
///   sentences), e.g. `" a member of the genus Canis (probably descended from the common wolf) that has been
///   domesticated by man since prehistoric times; occurs in many breeds"`;
/// - split by `options.splitRule` on the synset key, so one gloss never appears in two splits (a word with several
///   senses does, with a different gloss each time; so do the 380 noun definitions that WordNet gives two synsets);
/// - each split is ordered by (category, offset), shuffled with `SeededGenerator(seed: dataSeed,
///   stream: "wordnet-gloss/<split>")`, and capped by keeping a prefix of that shuffle (as `WordNetSupersense`), so the
///   result is a pure function of the database contents, the options and the seed, not of file order.
///
/// On WordNet 3.0 with all four parts and the default rule: 117,659 synsets, 93,994 train / 11,877 validation /
/// 11,788 test before caps; glosses have 10.0 words on average, 82 at most (`RealWordNetGlossTests`).
public enum WordNetGloss {
    public static let name = "wordnet-gloss"

    /// The part of speech as the prompt spells it.
    public static func spelledOut(_ pos: PartOfSpeech) -> String {
        switch pos {
        case .noun: return "noun"
        case .verb: return "verb"
        case .adj: return "adjective"
        case .adv: return "adverb"
        }
    }

    /// The prompt of a synset: `"dog (noun):"`, or with `allLemmas` `"dog, domestic dog, Canis familiaris (noun):"`.
    public static func prompt(_ s: Synset, allLemmas: Bool) -> String {
        let words = allLemmas ? s.lemmas.joined(separator: ", ") : (s.lemmas.first ?? "")
        return "\(words) (\(spelledOut(s.pos))):"
    }

    public static func build(wordnet: WordNet, options: GlossOptions) throws -> GenerationDataset {
        try options.validate()
        for p in options.parts where !wordnet.parts.contains(p) {
            throw DataError.invalidOption(field: "parts", reason: "WordNet was loaded without \(p.rawValue)")
        }
        var bySplit: [Split: [GenerationExample]] = [.train: [], .validation: [], .test: []]
        for p in PartOfSpeech.allCases where options.parts.contains(p) {
            for s in wordnet.synsets(p).sorted(by: { $0.offset < $1.offset }) where !s.definition.isEmpty && !s.lemmas.isEmpty {
                bySplit[options.splitRule.split(forKey: s.key)]!.append(
                    GenerationExample(id: s.key, prompt: prompt(s, allLemmas: options.allLemmas), target: " " + s.definition))
            }
        }
        let caps: [Split: Int?] = [.train: options.maxTrain, .validation: options.maxValidation, .test: options.maxTest]
        for split in Split.allCases {
            var g = SeededGenerator(seed: options.dataSeed, stream: "\(name)/\(split.rawValue)")
            var list = bySplit[split]!
            g.shuffle(&list)
            if let cap = caps[split]!, cap < list.count { list = Array(list.prefix(cap)) }
            bySplit[split] = list
        }
        return GenerationDataset(name: name, train: bySplit[.train]!, validation: bySplit[.validation]!, test: bySplit[.test]!)
    }
}
