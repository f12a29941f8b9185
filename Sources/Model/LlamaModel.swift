import LinearAlgebra
import LoRA

/// One pre-norm decoder layer of Llama (Hugging Face `LlamaDecoderLayer`):
///   h = x + o(Attention(RoPE(q(a)), RoPE(k(a)), v(a))) with a = RMSNorm₁(x),
///   y = h + down(SiLU(gate(b)) ⊙ up(b)) with b = RMSNorm₂(h).
/// Every projection is a bias-free `Linear` (its bias is zeros) that can carry a LoRA adapter.
public final class LlamaLayer {
    public let query: Linear, key: Linear, value: Linear, attentionOutput: Linear
    public let gate: Linear, up: Linear, down: Linear
    /// (d) weight of the RMSNorm before attention (`input_layernorm`, GGUF `attn_norm`).
    public let attentionNorm: [Float]
    /// (d) weight of the RMSNorm before the MLP (`post_attention_layernorm`, GGUF `ffn_norm`).
    public let ffnNorm: [Float]

    public init(query: Linear, key: Linear, value: Linear, attentionOutput: Linear, gate: Linear, up: Linear, down: Linear,
                attentionNorm: [Float], ffnNorm: [Float]) {
        self.query = query; self.key = key; self.value = value; self.attentionOutput = attentionOutput
        self.gate = gate; self.up = up; self.down = down
        self.attentionNorm = attentionNorm; self.ffnNorm = ffnNorm
    }

    /// The linear map that `target` names.
    public func linear(_ target: LlamaTarget) -> Linear {
        switch target {
        case .q: return query
        case .k: return key
        case .v: return value
        case .o: return attentionOutput
        case .ffnGate: return gate
        case .ffnUp: return up
        case .ffnDown: return down
        }
    }

    /// True when any of this layer's linear maps carries an adapter.
    var hasAdapter: Bool { LlamaTarget.allCases.contains { linear($0).adapter != nil } }
}

/// A Llama-style decoder (Hugging Face `LlamaForCausalLM`): token embeddings → L × `LlamaLayer` → RMSNorm → logits
/// through the output matrix, which is the token embedding matrix itself when the checkpoint ties them (SmolLM2 does).
/// All pre-trained weights are frozen; LoRA adapters attach to any of the seven projections of any layer.
public final class LlamaModel {
    public let config: LlamaConfig
    /// (V, d) token embeddings.
    public let tokenEmbeddings: Matrix<Float>
    /// (V, d) output projection: logits = RMSNorm(h)·Wᵀ. Shares `tokenEmbeddings`' storage when tied.
    public let outputWeight: Matrix<Float>
    /// True when the output projection is the token embedding matrix (`tie_word_embeddings`).
    public let tiedEmbeddings: Bool
    /// (d) weight of the final RMSNorm (`model.norm`, GGUF `output_norm`).
    public let finalNorm: [Float]
    public let layers: [LlamaLayer]

    /// A model with tied embeddings when `outputWeight` is nil.
    public init(config: LlamaConfig, tokenEmbeddings: Matrix<Float>, outputWeight: Matrix<Float>? = nil, finalNorm: [Float],
                layers: [LlamaLayer]) {
        let (v, d) = (config.vocabularySize, config.hiddenSize)
        precondition(tokenEmbeddings.rows == v && tokenEmbeddings.cols == d, "token embeddings must be (\(v), \(d))")
        precondition(outputWeight.map { $0.rows == v && $0.cols == d } ?? true, "output weight must be (\(v), \(d))")
        precondition(finalNorm.count == d && layers.count == config.layers, "final norm or layer count does not match the config")
        self.config = config
        self.tokenEmbeddings = tokenEmbeddings
        self.outputWeight = outputWeight ?? tokenEmbeddings
        self.tiedEmbeddings = outputWeight == nil
        self.finalNorm = finalNorm
        self.layers = layers
    }

    /// Sets training mode on the adapters (adapter-input dropout). The model itself has no dropout.
    public func setTraining(_ on: Bool, modelDropout: Bool) {
        for a in adapters { a.training = on }
    }

    /// Never drawn from: a Llama decoder has no dropout of its own (`AdaptableModel.dropoutRNG`).
    public var dropoutRNG = SeededGenerator(seed: 0, stream: "model-dropout")

    /// (in, out) of `target`'s matrix in this model.
    public func dimensions(of target: LlamaTarget) -> (inFeatures: Int, outFeatures: Int) {
        target.dimensions(hidden: config.hiddenSize, keyValue: config.kvWidth, intermediate: config.intermediateSize)
    }

    /// Number of frozen parameters: embeddings (the output matrix once when tied), every projection and RMSNorm weight.
    public var frozenParameterCount: Int {
        var n = tokenEmbeddings.count + (tiedEmbeddings ? 0 : outputWeight.count) + finalNorm.count
        for layer in layers {
            for t in LlamaTarget.allCases { n += layer.linear(t).weight.count }
            n += layer.attentionNorm.count + layer.ffnNorm.count
        }
        return n
    }
}
