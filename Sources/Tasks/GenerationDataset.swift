/// One prompt → target example of a generation task, before tokenization.
///
/// The model reads `prompt` and is trained to continue it with `target` (the paper's conditional language-modelling
/// objective, Sec 2: max Σ_t log P(y_t | x, y_<t) with x = prompt, y = target). `target` is the continuation exactly as
/// it follows the prompt in the training text, its leading space included; `id` is stable across runs (a WordNet
/// synset key such as `n02084071`).
public struct GenerationExample: Equatable, Sendable, Codable {
    public var id: String
    public var prompt: String
    public var target: String

    public init(id: String, prompt: String, target: String) {
        self.id = id
        self.prompt = prompt
        self.target = target
    }

    /// The whole training text, prompt then target.
    public var text: String { prompt + target }
}

/// A generation task's text-level data: the three splits of prompt → target examples.
public struct GenerationDataset: Equatable, Sendable {
    public let name: String
    public let train: [GenerationExample]
    public let validation: [GenerationExample]
    public let test: [GenerationExample]

    public init(name: String, train: [GenerationExample], validation: [GenerationExample], test: [GenerationExample]) {
        self.name = name
        self.train = train
        self.validation = validation
        self.test = test
    }

    public func examples(_ split: Split) -> [GenerationExample] {
        switch split {
        case .train: return train
        case .validation: return validation
        case .test: return test
        }
    }
}
