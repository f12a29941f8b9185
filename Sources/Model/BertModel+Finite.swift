import LinearAlgebra
import LoRA

extension BertModel {
    /// The checkpoint name of the first tensor (in load order: embeddings, then each layer's matrices, biases and
    /// LayerNorms) holding a NaN or ±∞, then of the first attached LoRA factor doing so (its PEFT name,
    /// `base_model.model.encoder.layer.L.<module>.lora_A.weight`); nil when every value is finite.
    public func firstNonFiniteTensor() -> (name: String, inAdapter: Bool)? {
        func bad(_ values: [Float]) -> Bool { values.contains { !$0.isFinite } }
        var named: [(String, [Float])] = [("embeddings.word_embeddings.weight", wordEmbeddings.storage),
                                          ("embeddings.position_embeddings.weight", positionEmbeddings.storage),
                                          ("embeddings.token_type_embeddings.weight", tokenTypeEmbeddings.storage),
                                          ("embeddings.LayerNorm.weight", embeddingNorm.gamma), ("embeddings.LayerNorm.bias", embeddingNorm.beta)]
        for (l, layer) in layers.enumerated() {
            for t in LoRATarget.encoderTargets {
                let linear = layer.linear(t)
                named.append((t.weightName(layer: l), linear.weight.storage))
                named.append(("encoder.layer.\(l).\(t.moduleSuffix).bias", linear.bias))
            }
            for (norm, w) in [("attention.output.LayerNorm", layer.attentionNorm), ("output.LayerNorm", layer.outputNorm)] {
                named.append(("encoder.layer.\(l).\(norm).weight", w.gamma))
                named.append(("encoder.layer.\(l).\(norm).bias", w.beta))
            }
        }
        if let hit = named.first(where: { bad($0.1) }) { return (hit.0, false) }
        for a in adapters {
            for p in [a.a, a.b] where bad(p.value.storage) { return (p.name, true) }
        }
        return nil
    }
}
