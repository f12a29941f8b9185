import LinearAlgebra
import LoRA

extension LlamaModel {
    /// A randomly initialised model, seeded: projections and embeddings N(0, std²) (HF's Llama init uses std 0.02;
    /// tests use larger values so attention and the MLP are far from linear), RMSNorm weights 1, or 1 + N(0, 0.1²) with
    /// `perturbNorms` so tests exercise every term. Embeddings are tied unless `tied` is false.
    public static func random(config: LlamaConfig, seed: UInt64, std: Double = 0.02, perturbNorms: Bool = false,
                              tied: Bool = true) -> LlamaModel {
        var rng = SeededGenerator(seed: seed, stream: "random-llama")
        let (v, d, dkv, f) = (config.vocabularySize, config.hiddenSize, config.kvWidth, config.intermediateSize)
        func norm() -> [Float] {
            perturbNorms ? (0..<d).map { _ in Float(1 + rng.nextGaussian() * 0.1) } : [Float](repeating: 1, count: d)
        }
        let embeddings = Matrix<Float>.gaussian(rows: v, cols: d, std: std, using: &rng)
        let layers = (0..<config.layers).map { l -> LlamaLayer in
            func linear(_ t: LlamaTarget) -> Linear {
                let (inF, outF) = t.dimensions(hidden: d, keyValue: dkv, intermediate: f)
                return Linear(name: t.weightName(layer: l), weight: .gaussian(rows: outF, cols: inF, std: std, using: &rng),
                              bias: [Float](repeating: 0, count: outF))
            }
            return LlamaLayer(query: linear(.q), key: linear(.k), value: linear(.v), attentionOutput: linear(.o),
                              gate: linear(.ffnGate), up: linear(.ffnUp), down: linear(.ffnDown),
                              attentionNorm: norm(), ffnNorm: norm())
        }
        let output: Matrix<Float>? = tied ? nil : .gaussian(rows: v, cols: d, std: std, using: &rng)
        return LlamaModel(config: config, tokenEmbeddings: embeddings, outputWeight: output, finalNorm: norm(), layers: layers)
    }
}
