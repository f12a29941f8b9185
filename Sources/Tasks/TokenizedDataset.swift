import Foundation
import Model
import Tokenization

/// One tokenized example: ids with [CLS]/[SEP] (and the pair's segment), token types, label.
public struct TokenizedExample: Equatable, Sendable {
    public var ids: [Int32]
    public var typeIds: [Int32]
    public var label: Int
}

/// A dataset tokenized once (issue: "tokenization done once per dataset"), truncated to `maxTokens`.
public struct TokenizedDataset: Sendable {
    public let labels: [String]
    public let maxTokens: Int
    public let train: [TokenizedExample]
    public let validation: [TokenizedExample]
    public let test: [TokenizedExample]
    /// Examples per split whose encoding ([CLS]/[SEP] included) was longer than `maxTokens` and was cut to it
    /// (Hugging Face's longest-first truncation); splits with none are absent.
    public let truncated: [Split: Int]

    public init(_ dataset: TextDataset, tokenizer: any Tokenizer, maxTokens: Int) {
        var truncated: [Split: Int] = [:]
        func encode(_ examples: [TextExample], _ split: Split) -> [TokenizedExample] {
            examples.map { e in
                var enc = tokenizer.encode(e.text, pair: e.textPair, maxLength: nil)
                if enc.count > maxTokens {
                    truncated[split, default: 0] += 1
                    enc = tokenizer.encode(e.text, pair: e.textPair, maxLength: maxTokens)
                }
                return TokenizedExample(ids: enc.ids, typeIds: enc.typeIds, label: e.label)
            }
        }
        labels = dataset.labels
        self.maxTokens = maxTokens
        train = encode(dataset.train, .train)
        validation = encode(dataset.validation, .validation)
        test = encode(dataset.test, .test)
        self.truncated = truncated
    }

    public init(labels: [String], maxTokens: Int, train: [TokenizedExample], validation: [TokenizedExample], test: [TokenizedExample]) {
        self.labels = labels; self.maxTokens = maxTokens; self.train = train; self.validation = validation; self.test = test
        truncated = [:]
    }

    public func examples(_ split: Split) -> [TokenizedExample] {
        switch split {
        case .train: return train
        case .validation: return validation
        case .test: return test
        }
    }

    /// Mean token count (with specials) of a split.
    public func meanLength(_ split: Split) -> Double {
        let e = examples(split)
        return e.isEmpty ? 0 : Double(e.map(\.ids.count).reduce(0, +)) / Double(e.count)
    }
}

/// Builds batches from tokenized examples.
public enum Batching {
    /// How a batch's sequences are laid out in rows (see `Batch`).
    public enum Layout: String, Sendable, CaseIterable {
        /// Sequences one after another, no padding: a step costs what its real tokens cost (training, validation, inspect).
        case packed
        /// Dynamic padding to the longest sequence of the batch: the reference layout the tests compare with.
        case padded
    }

    public static func batch(_ examples: [TokenizedExample], padId: Int32, layout: Layout = .packed) -> (Batch, [Int]) {
        let sequences = examples.map { ($0.ids, $0.typeIds) }
        switch layout {
        case .packed: return (Batch(packing: sequences), examples.map(\.label))
        case .padded: return (Batch(sequences: sequences, padId: padId), examples.map(\.label))
        }
    }
}
