import LinearAlgebra

extension BertModel {
    /// A randomly initialised model (HF's BERT init: weights N(0, 0.02²), biases 0, LayerNorm γ = 1, β = 0), seeded.
    /// `perturbNorms` draws γ ~ 1 + N(0, 0.1²), β ~ N(0, 0.1²) and small random biases so tests exercise every term.
    public static func random(config: BertConfig, seed: UInt64, perturbNorms: Bool = false) -> BertModel {
        var rng = SeededGenerator(seed: seed, stream: "random-model")
        let d = config.hiddenSize, f = config.intermediateSize
        func weight(_ r: Int, _ c: Int) -> Matrix<Float> { .gaussian(rows: r, cols: c, std: 0.02, using: &rng) }
        func bias(_ n: Int) -> [Float] {
            perturbNorms ? (0..<n).map { _ in Float(rng.nextGaussian() * 0.05) } : [Float](repeating: 0, count: n)
        }
        func norm() -> LayerNormWeights {
            guard perturbNorms else { return .identity(d) }
            return LayerNormWeights(gamma: (0..<d).map { _ in Float(1 + rng.nextGaussian() * 0.1) },
                                    beta: (0..<d).map { _ in Float(rng.nextGaussian() * 0.1) })
        }
        let word = weight(config.vocabularySize, d)
        let pos = weight(config.maxPositions, d)
        let typ = weight(config.typeVocabularySize, d)
        let embNorm = norm()
        let layers = (0..<config.layers).map { l -> BertLayer in
            let p = "encoder.layer.\(l)."
            return BertLayer(
                query: Linear(name: p + "attention.self.query.weight", weight: weight(d, d), bias: bias(d)),
                key: Linear(name: p + "attention.self.key.weight", weight: weight(d, d), bias: bias(d)),
                value: Linear(name: p + "attention.self.value.weight", weight: weight(d, d), bias: bias(d)),
                attentionOutput: Linear(name: p + "attention.output.dense.weight", weight: weight(d, d), bias: bias(d)),
                attentionNorm: norm(),
                ffnUp: Linear(name: p + "intermediate.dense.weight", weight: weight(f, d), bias: bias(f)),
                ffnDown: Linear(name: p + "output.dense.weight", weight: weight(d, f), bias: bias(d)),
                outputNorm: norm())
        }
        return BertModel(config: config, wordEmbeddings: word, positionEmbeddings: pos, tokenTypeEmbeddings: typ,
                         embeddingNorm: embNorm, layers: layers)
    }
}

extension BertConfig {
    /// The built-in tiny configuration for tests and fast examples: 2 layers, d = 48, 4 heads, d_ff = 96,
    /// with the tiny vocabulary's size (see `TinyVocabulary`).
    public static func tiny(vocabularySize: Int) -> BertConfig {
        BertConfig(vocabularySize: vocabularySize, hiddenSize: 48, layers: 2, heads: 4, intermediateSize: 96,
                   maxPositions: 128, typeVocabularySize: 2, layerNormEps: 1e-12, hiddenAct: "gelu",
                   hiddenDropout: 0.1, attentionDropout: 0.1)
    }
}
