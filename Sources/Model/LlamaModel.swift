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

    /// Every attached adapter, in (layer, target) order.
    public var adapters: [LoRAAdapter] {
        layers.flatMap { layer in LlamaTarget.allCases.compactMap { layer.linear($0).adapter } }
    }

    /// Attaches fresh adapters on `targets` in `layers` (all layers when nil), replacing any present.
    /// A is drawn from the stream `lora/<layer>/<target>/r<rank>` of `initSeed`, B = 0 (`LoRAAdapter`).
    @discardableResult
    public func attachAdapters(targets: [LlamaTarget], layers selected: [Int]? = nil, parameters: LoRAParameters,
                               initSeed: UInt64) -> [LoRAAdapter] {
        var attached: [LoRAAdapter] = []
        for l in selected ?? Array(0..<layers.count) {
            for target in targets.sorted() {
                let linear = layers[l].linear(target)
                let adapter = LoRAAdapter(site: target, layer: l, inFeatures: linear.inFeatures, outFeatures: linear.outFeatures,
                                          parameters: parameters, initSeed: initSeed)
                linear.adapter = adapter
                attached.append(adapter)
            }
        }
        return attached
    }

    /// Attaches adapters built elsewhere (read from a file), checking that each sits on a Llama matrix it fits.
    public func attach(_ adapters: [LoRAAdapter]) throws {
        for a in adapters {
            guard let target = a.site as? LlamaTarget else {
                throw ModelError.adapterMismatch(reason: "\(a.site.peftPrefix(layer: a.layer)) is not a Llama matrix")
            }
            guard a.layer >= 0 && a.layer < layers.count else {
                throw ModelError.adapterMismatch(reason: "layer \(a.layer) does not exist (model has \(layers.count))")
            }
            let linear = layers[a.layer].linear(target)
            guard a.inFeatures == linear.inFeatures && a.outFeatures == linear.outFeatures else {
                throw ModelError.adapterMismatch(reason: "\(target.peftPrefix(layer: a.layer)) is \(a.outFeatures)×\(a.inFeatures), the model's matrix is \(linear.outFeatures)×\(linear.inFeatures)")
            }
            linear.adapter = a
        }
    }

    /// Removes every adapter (merged weights stay merged).
    public func detachAdapters() {
        for layer in layers { for t in LlamaTarget.allCases { layer.linear(t).adapter = nil } }
    }

    /// Sets training mode on the adapters (adapter-input dropout). The model itself has no dropout.
    public func setTraining(_ on: Bool) {
        for a in adapters { a.training = on }
    }

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
