import Foundation

/// The architecture fields of a Hugging Face BERT `config.json` that the encoder needs.
public struct BertConfig: Codable, Equatable, Sendable {
    public var vocabularySize: Int
    public var hiddenSize: Int
    public var layers: Int
    public var heads: Int
    public var intermediateSize: Int
    public var maxPositions: Int
    public var typeVocabularySize: Int
    public var layerNormEps: Double
    /// Only "gelu" (the exact, erf-based GELU HF uses for BERT) is supported.
    public var hiddenAct: String
    /// HF `hidden_dropout_prob`; used only when a run enables dropout (off for analysis runs).
    public var hiddenDropout: Double
    /// HF `attention_probs_dropout_prob`; likewise.
    public var attentionDropout: Double

    public init(vocabularySize: Int, hiddenSize: Int, layers: Int, heads: Int, intermediateSize: Int,
                maxPositions: Int, typeVocabularySize: Int = 2, layerNormEps: Double = 1e-12,
                hiddenAct: String = "gelu", hiddenDropout: Double = 0.1, attentionDropout: Double = 0.1) {
        self.vocabularySize = vocabularySize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.heads = heads
        self.intermediateSize = intermediateSize
        self.maxPositions = maxPositions
        self.typeVocabularySize = typeVocabularySize
        self.layerNormEps = layerNormEps
        self.hiddenAct = hiddenAct
        self.hiddenDropout = hiddenDropout
        self.attentionDropout = attentionDropout
    }

    /// The largest value accepted for each size field of a `config.json`, far above any BERT-family checkpoint
    /// (BERT-large: 24 layers, d = 1024, d_ff = 4096, 16 heads, 30522 tokens, 512 positions). Every size is checked
    /// against these before anything is allocated or multiplied, so a corrupt or hostile file gives an error instead
    /// of an allocation failure or an overflow trap; products of two bounded sizes fit easily in `Int`.
    public static let sizeLimits: [(field: String, limit: Int)] = [
        ("num_hidden_layers", 1_024), ("hidden_size", 65_536), ("intermediate_size", 262_144),
        ("num_attention_heads", 1_024), ("vocab_size", 4_194_304), ("max_position_embeddings", 131_072),
        ("type_vocab_size", 1_024),
    ]

    /// The limit of a size field (`sizeLimits`), nil for other fields.
    public static func sizeLimit(_ field: String) -> Int? { sizeLimits.first { $0.field == field }?.limit }

    /// Width of one attention head, d / H.
    public var headSize: Int { hiddenSize / heads }

    /// Reads `config.json` of a Hugging Face checkpoint; every missing or ill-typed field, and every size above its
    /// `sizeLimits` entry, is a `ModelError` naming the file and the field.
    public static func load(from url: URL) throws -> BertConfig {
        let file = url.path
        guard let data = FileManager.default.contents(atPath: file) else { throw ModelError.missingFile(path: file) }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw ModelError.invalidConfig(file: file, field: "(document)", reason: "not valid JSON")
        }
        guard let json = object as? [String: Any] else {
            throw ModelError.invalidConfig(file: file, field: "(document)", reason: "expected a JSON object")
        }
        func int(_ key: String, default value: Int? = nil) throws -> Int {
            guard let raw = json[key] else {
                if let value { return value }
                throw ModelError.invalidConfig(file: file, field: key, reason: "missing")
            }
            guard let n = raw as? NSNumber, let i = Int(exactly: n.doubleValue), i > 0 else {
                throw ModelError.invalidConfig(file: file, field: key, reason: "expected a positive integer, got \(raw)")
            }
            if let limit = sizeLimit(key), i > limit {
                throw ModelError.invalidConfig(file: file, field: key, reason: "\(i) exceeds the largest supported value \(limit)")
            }
            return i
        }
        func double(_ key: String, default value: Double) throws -> Double {
            guard let raw = json[key] else { return value }
            guard let n = raw as? NSNumber else {
                throw ModelError.invalidConfig(file: file, field: key, reason: "expected a number, got \(raw)")
            }
            return n.doubleValue
        }
        if let type = json["model_type"] as? String, !["bert", "roberta", "xlm-roberta"].contains(type) {
            throw ModelError.invalidConfig(file: file, field: "model_type", reason: "'\(type)' is not a BERT-family encoder")
        }
        if let pos = json["position_embedding_type"] as? String, pos != "absolute" {
            throw ModelError.invalidConfig(file: file, field: "position_embedding_type", reason: "only 'absolute' is supported, got '\(pos)'")
        }
        let act = (json["hidden_act"] as? String) ?? "gelu"
        guard act == "gelu" else {
            throw ModelError.invalidConfig(file: file, field: "hidden_act", reason: "only 'gelu' (erf) is supported, got '\(act)'")
        }
        let config = BertConfig(
            vocabularySize: try int("vocab_size"), hiddenSize: try int("hidden_size"),
            layers: try int("num_hidden_layers"), heads: try int("num_attention_heads"),
            intermediateSize: try int("intermediate_size"), maxPositions: try int("max_position_embeddings"),
            typeVocabularySize: try int("type_vocab_size", default: 2), layerNormEps: try double("layer_norm_eps", default: 1e-12),
            hiddenAct: act, hiddenDropout: try double("hidden_dropout_prob", default: 0.1),
            attentionDropout: try double("attention_probs_dropout_prob", default: 0.1))
        guard config.hiddenSize % config.heads == 0 else {
            throw ModelError.invalidConfig(file: file, field: "num_attention_heads",
                                           reason: "hidden_size \(config.hiddenSize) is not divisible by \(config.heads) heads")
        }
        return config
    }
}
