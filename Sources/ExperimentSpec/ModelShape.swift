import Foundation
import LoRA
import Model

/// The sizes of a model that resolution needs: layer count for "every layer", matrix shapes for
/// budget → rank and rank bounds, positions for `maxTokens`, and the family (which task kinds it can train). The
/// caller supplies it (from the checkpoint's `config.json`, see `init(huggingFaceConfig:file:)`, from the built-in tiny
/// model's config, or from a GGUF file's metadata, see `init(llama:)`).
public struct ModelShape: Codable, Equatable, Sendable {
    /// `num_hidden_layers`.
    public var layers: Int
    /// d, `hidden_size`.
    public var hidden: Int
    /// d_ff, `intermediate_size`.
    public var intermediate: Int
    /// `num_attention_heads`.
    public var heads: Int
    /// `vocab_size`.
    public var vocabularySize: Int
    /// `max_position_embeddings`.
    public var maxPositions: Int
    /// Width of k and v when it differs from d (grouped-query attention: H_kv·dₕ); nil for BERT, where it is d.
    public var keyValueHidden: Int? = nil
    /// `ModuleNaming.family` of a decoder (`llama`); nil for a BERT encoder. Decides the task kinds the model can train.
    public var family: String? = nil

    /// True for a decoder trained with the causal-LM objective (the Llama family).
    public var isDecoder: Bool { family != nil }

    public init(layers: Int, hidden: Int, intermediate: Int, heads: Int, vocabularySize: Int, maxPositions: Int) {
        self.layers = layers
        self.hidden = hidden
        self.intermediate = intermediate
        self.heads = heads
        self.vocabularySize = vocabularySize
        self.maxPositions = maxPositions
    }

    /// sentence-transformers/all-MiniLM-L6-v2, the default checkpoint.
    public static let miniLML6 = ModelShape(layers: 6, hidden: 384, intermediate: 1536, heads: 12,
                                            vocabularySize: 30522, maxPositions: 512)

    /// (in, out) of `target`'s weight in every layer (k and v map d → `keyValueHidden` when it is set).
    public func dimensions(of target: LoRATarget) -> (inFeatures: Int, outFeatures: Int) {
        if let kv = keyValueHidden, target == .k || target == .v { return (hidden, kv) }
        return target.dimensions(hidden: hidden, intermediate: intermediate)
    }

    /// The shape of a Llama decoder (from its GGUF metadata, `LlamaConfig(gguf:)`).
    public init(llama c: LlamaConfig) {
        self.init(layers: c.layers, hidden: c.hiddenSize, intermediate: c.intermediateSize, heads: c.heads,
                  vocabularySize: c.vocabularySize, maxPositions: c.maxPositions)
        keyValueHidden = c.kvWidth
        family = ModuleNaming.llama.family
    }

    /// Reads the six sizes from a Hugging Face `config.json` (other keys are ignored). Errors name `file`
    /// and the key, like spec errors; a size above `BertConfig.sizeLimits` is refused before any arithmetic uses it.
    public init(huggingFaceConfig data: Data, file: String) throws {
        let o = try JSONReader(root: StrictJSON.parse(data, file: file), file: file).anyObject()
        func size(_ key: String) throws -> Int {
            let reader = try o.required(key)
            let value = try reader.positiveInt()
            if let limit = BertConfig.sizeLimit(key), value > limit {
                throw reader.error("\(value) exceeds the largest supported value \(limit)")
            }
            return value
        }
        self.init(layers: try size("num_hidden_layers"), hidden: try size("hidden_size"),
                  intermediate: try size("intermediate_size"), heads: try size("num_attention_heads"),
                  vocabularySize: try size("vocab_size"), maxPositions: try size("max_position_embeddings"))
    }
}
