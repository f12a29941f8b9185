import LinearAlgebra
import LoRA

/// One transformer layer of BERT (post-LN): attention block then feed-forward block, each with a residual and LayerNorm.
public final class BertLayer {
    public let query: Linear, key: Linear, value: Linear, attentionOutput: Linear
    public let attentionNorm: LayerNormWeights
    public let ffnUp: Linear, ffnDown: Linear
    public let outputNorm: LayerNormWeights
    /// Houlsby-style adapters on the attention and feed-forward outputs (inference benchmarks only; nil otherwise).
    public var attentionBottleneck: BottleneckAdapter?
    public var ffnBottleneck: BottleneckAdapter?

    public init(query: Linear, key: Linear, value: Linear, attentionOutput: Linear, attentionNorm: LayerNormWeights,
                ffnUp: Linear, ffnDown: Linear, outputNorm: LayerNormWeights) {
        self.query = query; self.key = key; self.value = value; self.attentionOutput = attentionOutput
        self.attentionNorm = attentionNorm; self.ffnUp = ffnUp; self.ffnDown = ffnDown; self.outputNorm = outputNorm
    }

    /// The linear map that `target` names.
    public func linear(_ target: LoRATarget) -> Linear {
        switch target {
        case .q: return query
        case .k: return key
        case .v: return value
        case .o: return attentionOutput
        case .ffnUp: return ffnUp
        case .ffnDown: return ffnDown
        case .ffnGate: preconditionFailure("a BERT layer has no gate projection (RunPlan refuses ffn_gate for an encoder)")
        }
    }
}

/// A BERT encoder (Hugging Face `BertModel` without the pooler): embeddings (word + position + token type) → LayerNorm →
/// L × `BertLayer`. All pre-trained weights are frozen; LoRA adapters attach to any `Linear`.
public final class BertModel {
    public let config: BertConfig
    /// (V, d)
    public let wordEmbeddings: Matrix<Float>
    /// (P, d)
    public let positionEmbeddings: Matrix<Float>
    /// (types, d)
    public let tokenTypeEmbeddings: Matrix<Float>
    public let embeddingNorm: LayerNormWeights
    public let layers: [BertLayer]

    /// Hidden and attention dropout are applied only when this is true and the config's probabilities are > 0.
    public var dropoutEnabled = false
    /// Generator for hidden/attention dropout masks (saved in training checkpoints).
    public var dropoutRNG = SeededGenerator(seed: 0, stream: "model-dropout")

    public init(config: BertConfig, wordEmbeddings: Matrix<Float>, positionEmbeddings: Matrix<Float>,
                tokenTypeEmbeddings: Matrix<Float>, embeddingNorm: LayerNormWeights, layers: [BertLayer]) {
        self.config = config
        self.wordEmbeddings = wordEmbeddings
        self.positionEmbeddings = positionEmbeddings
        self.tokenTypeEmbeddings = tokenTypeEmbeddings
        self.embeddingNorm = embeddingNorm
        self.layers = layers
    }

    /// Sets training mode on adapters (adapter dropout) and on the model's own dropout.
    public func setTraining(_ on: Bool, modelDropout: Bool) {
        dropoutEnabled = on && modelDropout
        for a in adapters { a.training = on }
    }

    /// Number of frozen parameters (the embeddings, every layer's weights, biases and LayerNorms).
    public var frozenParameterCount: Int {
        let d = config.hiddenSize
        var n = wordEmbeddings.count + positionEmbeddings.count + tokenTypeEmbeddings.count + 2 * d
        for layer in layers {
            for t in LoRATarget.encoderTargets { let lin = layer.linear(t); n += lin.weight.count + lin.bias.count }
            n += 4 * d
        }
        return n
    }
}

extension BertModel {
    /// (in, out) of `target`'s matrix in this model.
    public func dimensions(of target: LoRATarget) -> (inFeatures: Int, outFeatures: Int) {
        target.dimensions(hidden: config.hiddenSize, intermediate: config.intermediateSize)
    }
}
