import LinearAlgebra
import LoRA

/// Llama as an `AdaptableModel`: its seven adaptable matrices are the `LlamaTarget`s, its workspace is `LlamaWorkspace`,
/// and its hidden states are the final RMSNorm's outputs (the input of the output projection).
extension LlamaModel: AdaptableModel {
    public var layerCount: Int { layers.count }
    public var hiddenSize: Int { config.hiddenSize }
    public var vocabularySize: Int { config.vocabularySize }
    public var maxPositions: Int { config.maxPositions }
    public var naming: ModuleNaming { .llama }

    public var architectureSummary: String {
        "Llama decoder, \(config.layers) layers, d = \(config.hiddenSize), \(config.heads) query heads, \(config.kvHeads) key/value heads, d_ff = \(config.intermediateSize)"
    }

    public func linear(layer: Int, site: any AdapterSite) -> Linear? {
        guard let target = site as? LlamaTarget, layers.indices.contains(layer) else { return nil }
        return layers[layer].linear(target)
    }

    public func makeWorkspace(forInference: Bool) -> any ModelWorkspace {
        LlamaWorkspace(config: config, forInference: forInference)
    }

    public func forward(_ batch: Batch, in workspace: any ModelWorkspace) throws -> MatrixView<Float> {
        guard let ws = workspace as? LlamaWorkspace else {
            throw ModelError.workspaceMismatch(expected: "LlamaWorkspace", got: String(describing: type(of: workspace)))
        }
        return try forward(batch, workspace: ws)
    }

    public func backward(dHidden: MatrixView<Float>, in workspace: any ModelWorkspace) {
        guard let ws = workspace as? LlamaWorkspace else { preconditionFailure("a Llama backward pass needs a LlamaWorkspace") }
        backward(dFinal: dHidden, workspace: ws)
    }

    /// `attachAdapters(targets:…)` spelled with this family's own target type, so `[.q, .v]` reads as it does in specs.
    @discardableResult
    public func attachAdapters(targets: [LlamaTarget], layers selected: [Int]? = nil, parameters: LoRAParameters,
                               initSeed: UInt64) -> [LoRAAdapter] {
        attachAdapters(targets: targets.map { $0 as any AdapterSite }, layers: selected, parameters: parameters, initSeed: initSeed)
    }
}
