import LinearAlgebra

/// Options of the `wordnet-pairs` task.
public struct PairsOptions: Codable, Equatable, Sendable {
    /// Hypernym steps that still count as entailment (1 = direct hypernyms only; 0 = only X's own lemmas).
    public var hypernymDepth: Int
    /// Caps on split sizes (nil = whole split).
    public var maxTrain: Int?
    public var maxValidation: Int?
    public var maxTest: Int?
    /// Seed of every choice: split order, labels, hypotheses.
    public var dataSeed: UInt64
    /// Which premise synset goes to which split.
    public var splitRule: SplitRule

    public init(hypernymDepth: Int = 2, maxTrain: Int? = nil, maxValidation: Int? = 2000, maxTest: Int? = nil,
                dataSeed: UInt64 = 0, splitRule: SplitRule = .default) {
        self.hypernymDepth = hypernymDepth
        self.maxTrain = maxTrain
        self.maxValidation = maxValidation
        self.maxTest = maxTest
        self.dataSeed = dataSeed
        self.splitRule = splitRule
    }

    enum CodingKeys: String, CodingKey { case hypernymDepth, maxTrain, maxValidation, maxTest, dataSeed, splitRule }

    /// Missing keys take their defaults (an explicit `null` cap means "no cap").
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = PairsOptions()
        hypernymDepth = try c.decodeIfPresent(Int.self, forKey: .hypernymDepth) ?? d.hypernymDepth
        maxTrain = c.contains(.maxTrain) ? try c.decodeIfPresent(Int.self, forKey: .maxTrain) : d.maxTrain
        maxValidation = c.contains(.maxValidation) ? try c.decodeIfPresent(Int.self, forKey: .maxValidation) : d.maxValidation
        maxTest = c.contains(.maxTest) ? try c.decodeIfPresent(Int.self, forKey: .maxTest) : d.maxTest
        dataSeed = try c.decodeIfPresent(UInt64.self, forKey: .dataSeed) ?? d.dataSeed
        splitRule = try c.decodeIfPresent(SplitRule.self, forKey: .splitRule) ?? d.splitRule
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(hypernymDepth, forKey: .hypernymDepth)
        try c.encode(maxTrain, forKey: .maxTrain)  // explicit null = no cap
        try c.encode(maxValidation, forKey: .maxValidation)
        try c.encode(maxTest, forKey: .maxTest)
        try c.encode(dataSeed, forKey: .dataSeed)
        try c.encode(splitRule, forKey: .splitRule)
    }
}

/// `wordnet-pairs`: three-way sentence-pair classification (NLI-style) built from WordNet nouns.
///
/// The LoRA paper's Section 7 analyses fine-tune on MultiNLI; this task is its offline stand-in — a premise /
/// hypothesis task with the same three labels, built from a database that ships with Debian. (A real MultiNLI
/// copy can be loaded with `GLUETSVDataset` instead.) Rules, exactly:
/// - premises: every noun synset X with a non-empty definition; `text` = X's definition (gloss before the first
///   `; "`), `textPair` = one lemma (hypothesis), `id` = X's key (`n02084071`); one example per premise;
/// - labels `["entailment", "neutral", "contradiction"]`:
///   - entailment: a synset drawn uniformly from X and X's hypernyms (`@`, `@i`) within `hypernymDepth` steps,
///     then one of its lemmas (for X itself a lemma other than its first when it has several);
///   - contradiction: a synset drawn uniformly from X's co-hyponyms (the other hyponyms of each direct
///     hypernym of X) and X's antonyms (`!` pointers; a lexical antonym gives its target word), then a lemma;
///     never X or an ancestor of X, and never a word one of whose noun senses is X or an ancestor of X;
///   - neutral: a noun synset Y drawn uniformly from all nouns, then a lemma ℓ of Y, such that every noun
///     sense of ℓ (Y included) is in a different lexicographer file from X, is not X, not an ancestor or
///     descendant of X, not a co-hyponym of X, and shares no pointer with X (rejection sampling, 200 draws);
/// - split by `options.splitRule` on the premise key, so no premise crosses splits;
/// - within a split, premises are ordered by offset, shuffled with
///   `SeededGenerator(seed: dataSeed, stream: "wordnet-pairs/<split>")`, and visited in that order; each
///   premise gets the label with the fewest examples so far in its split among the labels it can produce
///   (ties broken by a seeded draw; contradiction or neutral are skipped when no usable hypothesis exists),
///   so every prefix of a split — hence every capped split — is balanced to within a few examples;
/// - every draw comes from that split's generator, so the dataset is a pure function of the database
///   contents, the options and the seed (not of file order).
///
/// On WordNet 3.0 with the defaults (seed 0): 65,587 / 8,357 / 8,171 premises before caps, classes
/// 21,862 / 21,863 / 21,862 in train (majority baseline 33.3 %); 5,817 premises (7 %) have no usable
/// contradiction and so get entailment or neutral. The hypothesis occurs verbatim in the premise for 20 % of
/// entailments (a hypernym named in its own definition) but ≈ 1 % of the other classes.
public enum WordNetPairs {
    public static let name = "wordnet-pairs"
    public static let labels = ["entailment", "neutral", "contradiction"]
    static let entailment = 0, neutral = 1, contradiction = 2

    public static func build(wordnet: WordNet, options: PairsOptions) throws -> TextDataset {
        try options.splitRule.validate()
        try Capping.validate(options.maxTrain, field: "maxTrain")
        try Capping.validate(options.maxValidation, field: "maxValidation")
        try Capping.validate(options.maxTest, field: "maxTest")
        guard options.hypernymDepth >= 0 else {
            throw DataError.invalidOption(field: "hypernymDepth", reason: "must be ≥ 0, got \(options.hypernymDepth)")
        }
        guard wordnet.parts.contains(.noun) else {
            throw DataError.invalidOption(field: "parts", reason: "wordnet-pairs needs the nouns (data.noun) loaded")
        }
        let graph = NounGraph(nouns: wordnet.synsets(.noun))
        let sampler = PairSampler(graph: graph, depth: options.hypernymDepth)

        var premises: [Split: [Int]] = [.train: [], .validation: [], .test: []]
        for (i, s) in graph.synsets.enumerated() where !s.definition.isEmpty {
            premises[options.splitRule.split(forKey: s.key)]!.append(i)
        }
        let caps: [Split: Int?] = [.train: options.maxTrain, .validation: options.maxValidation, .test: options.maxTest]
        var out: [Split: [TextExample]] = [:]
        for split in Split.allCases {
            var g = SeededGenerator(seed: options.dataSeed, stream: "\(name)/\(split.rawValue)")
            var order = premises[split]!
            g.shuffle(&order)
            var counts = [0, 0, 0]
            var examples: [TextExample] = []
            examples.reserveCapacity(order.count)
            for x in order {
                let c = sampler.context(x)
                var tieOrder = [entailment, neutral, contradiction]
                g.shuffle(&tieOrder)
                let ranked = tieOrder.enumerated()
                    .sorted { (counts[$0.element], $0.offset) < (counts[$1.element], $1.offset) }
                    .map(\.element)
                for label in ranked {
                    let hypothesis: String?
                    switch label {
                    case entailment: hypothesis = sampler.drawEntailment(c, &g)
                    case contradiction: hypothesis = sampler.drawContradiction(c, &g)
                    default: hypothesis = sampler.drawNeutral(c, &g)
                    }
                    if let hypothesis {
                        let s = graph.synsets[x]
                        examples.append(TextExample(id: s.key, text: s.definition, textPair: hypothesis, label: label))
                        counts[label] += 1
                        break
                    }
                }
            }
            out[split] = Capping.cap(examples, to: caps[split]!, classBalanced: false, labelCount: labels.count)
        }
        return TextDataset(name: name, labels: labels, train: out[.train]!, validation: out[.validation]!, test: out[.test]!)
    }
}
