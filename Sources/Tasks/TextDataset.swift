/// One labelled text example, before tokenization.
///
/// `textPair` is the second segment of a sentence-pair task (the hypothesis in NLI), `nil` for single texts.
/// `label` indexes the owning `TextDataset.labels`. `id` is stable across runs (a WordNet synset key such as
/// `n02084071`, a user-supplied id, or `file:line`).
public struct TextExample: Equatable, Sendable, Codable {
    public var id: String
    public var text: String
    public var textPair: String?
    public var label: Int

    public init(id: String, text: String, textPair: String? = nil, label: Int) {
        self.id = id
        self.text = text
        self.textPair = textPair
        self.label = label
    }
}

/// The three data splits. `validation` is used for model selection / reported metrics; `test` is held out.
public enum Split: String, CaseIterable, Codable, Sendable {
    case train, validation, test
}

/// Per-label example counts of one split.
public struct LabelDistribution: Equatable, Sendable {
    /// `counts[i]` = number of examples with label index `i`.
    public let counts: [Int]

    public init(counts: [Int]) { self.counts = counts }

    /// Counts `examples` over `labelCount` labels (labels outside `0..<labelCount` are a programming error).
    public init(labelCount: Int, examples: [TextExample]) {
        var c = [Int](repeating: 0, count: labelCount)
        for e in examples { c[e.label] += 1 }
        counts = c
    }

    public var total: Int { counts.reduce(0, +) }

    /// The most frequent label; ties go to the lowest index; 0 for an empty split.
    public var majorityLabel: Int {
        var best = 0
        for (i, c) in counts.enumerated() where c > counts[best] { best = i }
        return best
    }

    /// Accuracy of always predicting `majorityLabel` (its share of the split); 0 for an empty split.
    public var majorityBaseline: Double {
        let t = total
        return t == 0 ? 0 : Double(counts[majorityLabel]) / Double(t)
    }
}

/// A task's text-level data: label names and the three splits of labelled examples.
public struct TextDataset: Sendable, Equatable {
    public let name: String
    /// Label index → name (e.g. `noun.animal`, `entailment`).
    public let labels: [String]
    public let train: [TextExample]
    public let validation: [TextExample]
    public let test: [TextExample]

    public init(name: String, labels: [String], train: [TextExample], validation: [TextExample], test: [TextExample]) {
        self.name = name
        self.labels = labels
        self.train = train
        self.validation = validation
        self.test = test
    }

    public func examples(_ split: Split) -> [TextExample] {
        switch split {
        case .train: return train
        case .validation: return validation
        case .test: return test
        }
    }

    public func distribution(_ split: Split) -> LabelDistribution {
        LabelDistribution(labelCount: labels.count, examples: examples(split))
    }

    /// The same data under another name (user datasets are loaded as `jsonl` / `glue-tsv`).
    public func renamed(_ newName: String) -> TextDataset {
        TextDataset(name: newName, labels: labels, train: train, validation: validation, test: test)
    }
}
