/// The architecture of a Llama-style decoder (Hugging Face `LlamaConfig`; llama.cpp's `llama.*` GGUF metadata):
/// pre-norm layers of RMSNorm → causal grouped-query attention with rotary positions → residual, RMSNorm → SwiGLU MLP
/// → residual; a final RMSNorm; the output projection tied to the token embeddings unless the checkpoint has its own.
/// No biases, no dropout (SmolLM2's `attention_dropout` is 0).
public struct LlamaConfig: Codable, Equatable, Sendable {
    public var vocabularySize: Int
    public var hiddenSize: Int
    public var layers: Int
    /// Query heads H.
    public var heads: Int
    /// Key/value heads H_kv (H_kv divides H; H_kv = H is plain multi-head attention).
    public var kvHeads: Int
    public var intermediateSize: Int
    /// The context length the checkpoint was trained for; longer sequences are refused.
    public var maxPositions: Int
    /// ε of every RMSNorm (`layer_norm_rms_epsilon`).
    public var rmsNormEps: Double
    /// RoPE base θ (`rope_theta`; 1e5 for SmolLM2, 1e4 for Llama 2).
    public var ropeBase: Double

    public init(vocabularySize: Int, hiddenSize: Int, layers: Int, heads: Int, kvHeads: Int, intermediateSize: Int,
                maxPositions: Int, rmsNormEps: Double = 1e-5, ropeBase: Double = 10_000) {
        self.vocabularySize = vocabularySize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.heads = heads
        self.kvHeads = kvHeads
        self.intermediateSize = intermediateSize
        self.maxPositions = maxPositions
        self.rmsNormEps = rmsNormEps
        self.ropeBase = ropeBase
    }

    /// Width of one attention head, dₕ = d / H.
    public var headSize: Int { hiddenSize / heads }
    /// Width of k and v, H_kv·dₕ.
    public var kvWidth: Int { kvHeads * headSize }

    /// The largest value accepted for each size, far above any Llama-family checkpoint (Llama 3 405B: 126 layers,
    /// d = 16384, d_ff = 53248, 128 heads, 128256 tokens, 131072 positions); checked before anything is allocated.
    public static let sizeLimits: [(field: String, limit: Int)] = [
        ("block_count", 1_024), ("embedding_length", 65_536), ("feed_forward_length", 262_144),
        ("attention.head_count", 1_024), ("attention.head_count_kv", 1_024), ("vocab_size", 4_194_304),
        ("context_length", 1_048_576),
    ]

    /// Checks the relations between the sizes; `reason` for the first that fails (field named as in GGUF metadata).
    public func violation() -> (field: String, reason: String)? {
        let sizes: [(String, Int)] = [("block_count", layers), ("embedding_length", hiddenSize), ("feed_forward_length", intermediateSize),
                                      ("attention.head_count", heads), ("attention.head_count_kv", kvHeads),
                                      ("vocab_size", vocabularySize), ("context_length", maxPositions)]
        for (field, value) in sizes {
            if value <= 0 { return (field, "expected a positive integer, got \(value)") }
            if let limit = Self.sizeLimits.first(where: { $0.field == field })?.limit, value > limit {
                return (field, "\(value) exceeds the largest supported value \(limit)")
            }
        }
        if hiddenSize % heads != 0 { return ("attention.head_count", "embedding_length \(hiddenSize) is not divisible by \(heads) heads") }
        if heads % kvHeads != 0 { return ("attention.head_count_kv", "\(heads) query heads cannot be shared by \(kvHeads) key/value heads") }
        if headSize % 2 != 0 { return ("attention.head_count", "rotary embeddings need an even head size, got \(headSize)") }
        if !(rmsNormEps > 0 && rmsNormEps.isFinite) { return ("attention.layer_norm_rms_epsilon", "expected a positive number, got \(rmsNormEps)") }
        if !(ropeBase > 1 && ropeBase.isFinite) { return ("rope.freq_base", "expected a number above 1, got \(ropeBase)") }
        return nil
    }
}
