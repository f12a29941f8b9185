import Model
import Tokenization

/// One tokenized generation example: prompt tokens, target tokens, then the end-of-text token when the target is whole.
public struct TokenizedGenerationExample: Equatable, Sendable {
    public var id: String
    /// (T) prompt ids, then target ids, then end-of-text (when `isComplete`).
    public var ids: [Int32]
    /// (T) 1 on the target's tokens and the end-of-text token, 0 on the prompt's: the `targetMask` of
    /// `LlamaModel.causalLMLoss`, so the loss is Σ_t −log P(y_t | x, y_<t) over the target only (the prompt is context).
    public var targetMask: [Float]
    /// Number of leading prompt tokens P (≥ 1).
    public var promptTokens: Int
    /// False when the target was cut at the length cap; the end-of-text token is then absent, so the model is never
    /// taught to stop where the text did not.
    public var isComplete: Bool

    /// The prompt's ids, the input of greedy generation.
    public var promptIds: [Int32] { Array(ids[..<promptTokens]) }
    /// The target's ids (end-of-text included when complete): what generation should produce.
    public var targetIds: [Int32] { Array(ids[promptTokens...]) }
}

/// A generation dataset tokenized once by a byte-level BPE tokenizer, each example cut to `maxTokens`.
///
/// Rules, exactly, for an example (prompt x, target y):
/// - prompt ids = BOS (only when the tokenizer adds one, `addsBos`) + `pieceIds(x)`; target ids = `pieceIds(y)` +
///   end-of-text. x and y are tokenized separately, so the prompt a model is given at generation time is exactly the
///   training prompt. This equals tokenizing x + y in one piece whenever the boundary between them is a pre-tokenizer
///   split; it is for `wordnet-gloss` (x ends in `:`, y starts with a space and a letter), checked on SmolLM2 in the
///   tests;
/// - end-of-text is `endOfText` when given, else the tokenizer's EOS (`specialIds.eos`; SmolLM2: `<|im_end|>`, id 2,
///   the token its generation stops at);
/// - an example longer than `maxTokens` keeps its whole prompt and the first `maxTokens − P` target tokens, without
///   end-of-text (`isComplete` false; counted in `truncated`); one whose prompt leaves no room for a target token
///   (P ≥ `maxTokens`) is dropped (counted in `dropped`).
public struct TokenizedGenerationDataset: Sendable {
    public let name: String
    public let maxTokens: Int
    /// The token that ends every complete target.
    public let endOfText: Int32
    public let train: [TokenizedGenerationExample]
    public let validation: [TokenizedGenerationExample]
    public let test: [TokenizedGenerationExample]
    /// Examples per split whose target was cut at `maxTokens`; splits with none are absent.
    public let truncated: [Split: Int]
    /// Examples per split dropped because their prompt alone reached `maxTokens`; splits with none are absent.
    public let dropped: [Split: Int]

    /// Throws `DataError.invalidOption` when `maxTokens` < 2, when there is no end-of-text token or it lies outside
    /// the vocabulary, or when the cap drops every training example.
    public init(_ dataset: GenerationDataset, tokenizer: BPETokenizer, maxTokens: Int, endOfText: Int32? = nil) throws {
        guard maxTokens >= 2 else {
            throw DataError.invalidOption(field: "maxTokens", reason: "must be ≥ 2 (a prompt token and a target token), got \(maxTokens)")
        }
        guard let eos = endOfText ?? tokenizer.specialIds.eos else {
            throw DataError.invalidOption(field: "endOfText", reason: "the tokenizer defines no end-of-text (EOS) token; name one")
        }
        guard eos >= 0 && Int(eos) < tokenizer.vocabularySize else {
            throw DataError.invalidOption(field: "endOfText", reason: "id \(eos) is outside the vocabulary (0..<\(tokenizer.vocabularySize))")
        }
        var truncated: [Split: Int] = [:], dropped: [Split: Int] = [:]
        func encode(_ examples: [GenerationExample], _ split: Split) -> [TokenizedGenerationExample] {
            examples.compactMap { e in
                let r = Self.tokenize(e, tokenizer: tokenizer, maxTokens: maxTokens, endOfText: eos)
                if r == nil { dropped[split, default: 0] += 1 } else if r?.isComplete == false { truncated[split, default: 0] += 1 }
                return r
            }
        }
        name = dataset.name
        self.maxTokens = maxTokens
        self.endOfText = eos
        train = encode(dataset.train, .train)
        validation = encode(dataset.validation, .validation)
        test = encode(dataset.test, .test)
        self.truncated = truncated
        self.dropped = dropped
        if train.isEmpty && !dataset.train.isEmpty {
            throw DataError.invalidOption(field: "maxTokens", reason: "\(maxTokens) leaves no room for a target token after any training prompt")
        }
    }

    /// One example under the rules above; nil when its prompt leaves no room for a target token.
    public static func tokenize(_ e: GenerationExample, tokenizer: BPETokenizer, maxTokens: Int,
                                endOfText: Int32) -> TokenizedGenerationExample? {
        var prompt: [Int32] = []
        if tokenizer.addsBos, let bos = tokenizer.specialIds.bos { prompt.append(bos) }
        prompt += tokenizer.pieceIds(e.prompt)
        guard !prompt.isEmpty, prompt.count < maxTokens else { return nil }
        var target = tokenizer.pieceIds(e.target) + [endOfText]
        let room = maxTokens - prompt.count
        let complete = target.count <= room
        if !complete { target = Array(target.prefix(room)) }
        return TokenizedGenerationExample(
            id: e.id, ids: prompt + target,
            targetMask: [Float](repeating: 0, count: prompt.count) + [Float](repeating: 1, count: target.count),
            promptTokens: prompt.count, isComplete: complete)
    }

    public func examples(_ split: Split) -> [TokenizedGenerationExample] {
        switch split {
        case .train: return train
        case .validation: return validation
        case .test: return test
        }
    }

    /// Number of target tokens (the loss's denominator) in a split.
    public func targetTokenCount(_ split: Split) -> Int {
        examples(split).reduce(0) { $0 + $1.ids.count - $1.promptTokens }
    }

    /// Mean sequence length (prompt + target + end-of-text) of a split; 0 for an empty split.
    public func meanLength(_ split: Split) -> Double {
        let e = examples(split)
        return e.isEmpty ? 0 : Double(e.reduce(0) { $0 + $1.ids.count }) / Double(e.count)
    }
}

/// Batches of generation examples for the causal-LM loss.
public enum GenerationBatching {
    /// The examples packed one after another (`Batch(packing:)`, no padding, type ids 0) and their target masks laid out
    /// the same way: the two arguments of `LlamaModel.causalLMLoss`.
    public static func batch(_ examples: [TokenizedGenerationExample]) -> (batch: Batch, targetMask: [Float]) {
        let batch = Batch(packing: examples.map { (ids: $0.ids, typeIds: [Int32](repeating: 0, count: $0.ids.count)) })
        return (batch, examples.flatMap(\.targetMask))
    }
}
