import LinearAlgebra

/// Options of the `wordnet-supersense` task.
public struct SupersenseOptions: Codable, Equatable, Sendable {
    /// Categories whose synsets become examples (default nouns: 26 classes).
    public var parts: [PartOfSpeech]
    /// Prefix the text with the synset's lemmas: `"dog, domestic dog, Canis familiaris: a member of ..."`.
    public var includeLemmas: Bool
    /// Caps on split sizes (nil = whole split).
    public var maxTrain: Int?
    public var maxValidation: Int?
    public var maxTest: Int?
    /// Share every cap as equally as possible between classes instead of taking a plain prefix.
    public var classBalanced: Bool
    /// Seed of the per-split shuffles (which examples survive a cap, and the order of each split).
    public var dataSeed: UInt64
    /// Which synset goes to which split.
    public var splitRule: SplitRule

    public init(parts: [PartOfSpeech] = [.noun], includeLemmas: Bool = false, maxTrain: Int? = nil,
                maxValidation: Int? = 2000, maxTest: Int? = nil, classBalanced: Bool = false, dataSeed: UInt64 = 0,
                splitRule: SplitRule = .default) {
        self.parts = parts
        self.includeLemmas = includeLemmas
        self.maxTrain = maxTrain
        self.maxValidation = maxValidation
        self.maxTest = maxTest
        self.classBalanced = classBalanced
        self.dataSeed = dataSeed
        self.splitRule = splitRule
    }

    enum CodingKeys: String, CodingKey {
        case parts, includeLemmas, maxTrain, maxValidation, maxTest, classBalanced, dataSeed, splitRule
    }

    /// Missing keys take their defaults (an explicit `null` cap means "no cap").
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SupersenseOptions()
        parts = try c.decodeIfPresent([PartOfSpeech].self, forKey: .parts) ?? d.parts
        includeLemmas = try c.decodeIfPresent(Bool.self, forKey: .includeLemmas) ?? d.includeLemmas
        maxTrain = c.contains(.maxTrain) ? try c.decodeIfPresent(Int.self, forKey: .maxTrain) : d.maxTrain
        maxValidation = c.contains(.maxValidation) ? try c.decodeIfPresent(Int.self, forKey: .maxValidation) : d.maxValidation
        maxTest = c.contains(.maxTest) ? try c.decodeIfPresent(Int.self, forKey: .maxTest) : d.maxTest
        classBalanced = try c.decodeIfPresent(Bool.self, forKey: .classBalanced) ?? d.classBalanced
        dataSeed = try c.decodeIfPresent(UInt64.self, forKey: .dataSeed) ?? d.dataSeed
        splitRule = try c.decodeIfPresent(SplitRule.self, forKey: .splitRule) ?? d.splitRule
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(parts, forKey: .parts)
        try c.encode(includeLemmas, forKey: .includeLemmas)
        try c.encode(maxTrain, forKey: .maxTrain)  // explicit null = no cap
        try c.encode(maxValidation, forKey: .maxValidation)
        try c.encode(maxTest, forKey: .maxTest)
        try c.encode(classBalanced, forKey: .classBalanced)
        try c.encode(dataSeed, forKey: .dataSeed)
        try c.encode(splitRule, forKey: .splitRule)
    }
}

/// `wordnet-supersense`: classify a WordNet definition by its synset's lexicographer file ("supersense").
///
/// An offline single-text classification task on real English text, used instead of a GLUE download.
/// Rules, exactly:
/// - one example per synset of `options.parts` whose definition is non-empty (all of WordNet 3.0's);
///   `id` = synset key (`n02084071`), `text` = `Synset.definition` (gloss before its first `; "`, i.e. without
///   the quoted example sentences), or `"lemma1, lemma2: definition"` with `includeLemmas`;
/// - `label` = the lexicographer file; `labels` = the lexicographer file names that occur among those synsets,
///   in `lex_filenum` order (nouns: 26 classes, `noun.Tops` … `noun.time`);
/// - split by `options.splitRule` on the synset key;
/// - each split is ordered by (category, offset) and then shuffled with
///   `SeededGenerator(seed: dataSeed, stream: "wordnet-supersense/<split>")`, so the result does not depend on
///   file order (`data.noun` is grouped by lexicographer file); a cap keeps a prefix of that shuffle (per class,
///   with `classBalanced`, see `Capping`). Uncapped splits are returned in the same shuffled order.
///
/// On WordNet 3.0 nouns with the default rule: 82,115 synsets, 65,587 train / 8,357 validation / 8,171 test
/// before caps; the largest class is `noun.artifact` (9,233 train examples, a 14.08 % majority baseline), the
/// smallest `noun.motive` (36) and `noun.Tops` (44). 380 definitions are shared by two or more synsets.
public enum WordNetSupersense {
    public static let name = "wordnet-supersense"

    public static func build(wordnet: WordNet, options: SupersenseOptions) throws -> TextDataset {
        try options.splitRule.validate()
        try Capping.validate(options.maxTrain, field: "maxTrain")
        try Capping.validate(options.maxValidation, field: "maxValidation")
        try Capping.validate(options.maxTest, field: "maxTest")
        let parts = PartOfSpeech.allCases.filter { options.parts.contains($0) }
        guard !parts.isEmpty else { throw DataError.invalidOption(field: "parts", reason: "no part of speech chosen") }
        for p in parts where !wordnet.parts.contains(p) {
            throw DataError.invalidOption(field: "parts", reason: "WordNet was loaded without \(p.rawValue)")
        }

        var synsets: [Synset] = []
        for p in parts {
            synsets += wordnet.synsets(p).filter { !$0.definition.isEmpty }.sorted { $0.offset < $1.offset }
        }
        let lexFiles = Set(synsets.map(\.lexFile)).sorted()
        let labels = lexFiles.map { WordNet.lexicographerFileNames[$0] }
        var labelOf = [Int](repeating: -1, count: WordNet.lexicographerFileNames.count)
        for (i, f) in lexFiles.enumerated() { labelOf[f] = i }

        var bySplit: [Split: [TextExample]] = [.train: [], .validation: [], .test: []]
        for s in synsets {
            let text = options.includeLemmas ? s.lemmas.joined(separator: ", ") + ": " + s.definition : s.definition
            bySplit[options.splitRule.split(forKey: s.key)]!.append(
                TextExample(id: s.key, text: text, label: labelOf[s.lexFile]))
        }
        let caps: [Split: Int?] = [.train: options.maxTrain, .validation: options.maxValidation, .test: options.maxTest]
        for split in Split.allCases {
            var g = SeededGenerator(seed: options.dataSeed, stream: "\(name)/\(split.rawValue)")
            var list = bySplit[split]!
            g.shuffle(&list)
            bySplit[split] = Capping.cap(list, to: caps[split]!, classBalanced: options.classBalanced,
                                         labelCount: labels.count)
        }
        return TextDataset(name: name, labels: labels, train: bySplit[.train]!, validation: bySplit[.validation]!,
                           test: bySplit[.test]!)
    }
}
