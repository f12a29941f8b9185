import Foundation
import LinearAlgebra
import LoRA
import Model

/// What `inspect` says about a BERT checkpoint in particular: its architecture summary (BertConfig's fields) and where a
/// non-finite value comes from. The encoding path itself runs through `AdaptableModel`.
extension Inspect {
    /// The first tensor holding NaN or ±∞ (a checkpoint or adapter tensor), for the warning; nil for other families.
    static func firstNonFiniteTensor(_ model: any AdaptableModel) -> (name: String, inAdapter: Bool)? {
        (model as? BertModel)?.firstNonFiniteTensor()
    }

    /// Architecture, parameter counts and adaptable matrices of a BERT checkpoint, and the attached adapter's norms.
    /// - Throws: `ModelError.unsupportedFamily` for a model of another family.
    func printSummary(_ base: any AdaptableModel, adapterConfig: PEFTAdapterConfig?) throws {
        guard let model = base as? BertModel else {
            throw ModelError.unsupportedFamily(feature: "inspect's summary", architecture: base.architectureSummary)
        }
        let c = model.config
        print("checkpoint   \(checkpoint)")
        print("architecture BERT encoder: \(c.layers) layers, d = \(c.hiddenSize), \(c.heads) heads (dₕ = \(c.headSize)), d_ff = \(c.intermediateSize), GELU (erf), post-LN ε = \(c.layerNormEps)")
        print("vocabulary   \(c.vocabularySize) tokens, \(c.maxPositions) positions, \(c.typeVocabularySize) token types")
        print("parameters   \(model.frozenParameterCount.formatted()) frozen")
        print("adaptable matrices per layer (W is out × in; LoRA adds r·(in + out) parameters each):")
        for t in LoRATarget.encoderTargets {
            let (i, o) = model.dimensions(of: t)
            print("  \(t.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(t.moduleSuffix.padding(toLength: 24, withPad: " ", startingAt: 0)) \(o) × \(i)")
        }
        if let a = adapterConfig {
            let adapters = model.adapters
            print("adapter      r = \(a.r), α = \(a.loraAlpha)\(a.useRslora ? " (rsLoRA)" : ""), targets \(a.targetModules.displayText), \(adapters.count) matrices, \(adapters.map(\.parameterCount).reduce(0, +).formatted()) parameters")
            for ad in adapters {
                print("  layer \(ad.layer) \(ad.target.rawValue): ‖ΔW‖_F = \(String(format: "%.4f", ad.deltaWeight.frobeniusNorm)), ‖W‖_F = \(String(format: "%.4f", model.layers[ad.layer].linear(ad.target).weight.frobeniusNorm))")
            }
        }
    }
}
