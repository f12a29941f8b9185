import LinearAlgebra
import LoRA

/// BERT as an `AdaptableModel`: its six adaptable matrices are the `LoRATarget`s, its workspace is `EncoderWorkspace`.
extension BertModel: AdaptableModel {
    public var layerCount: Int { layers.count }
    public var hiddenSize: Int { config.hiddenSize }
    public var vocabularySize: Int { config.vocabularySize }
    public var maxPositions: Int { config.maxPositions }
    public var naming: ModuleNaming { .bert }

    public var architectureSummary: String {
        "BERT encoder, \(config.layers) layers, d = \(config.hiddenSize), \(config.heads) heads, d_ff = \(config.intermediateSize)"
    }

    public func linear(layer: Int, site: any AdapterSite) -> Linear? {
        guard let target = site as? LoRATarget, layers.indices.contains(layer) else { return nil }
        return layers[layer].linear(target)
    }

    public func makeWorkspace(forInference: Bool) -> any ModelWorkspace {
        EncoderWorkspace(config: config, forInference: forInference)
    }

    public func forward(_ batch: Batch, in workspace: any ModelWorkspace) throws -> MatrixView<Float> {
        try forward(batch, workspace: try Self.encoderWorkspace(workspace))
    }

    public func backward(dHidden: MatrixView<Float>, in workspace: any ModelWorkspace) {
        guard let ws = workspace as? EncoderWorkspace else { preconditionFailure("a BERT backward pass needs an EncoderWorkspace") }
        backward(dHidden: dHidden, workspace: ws)
    }

    /// `workspace` as BERT's own, or a `ModelError` naming what was passed instead.
    static func encoderWorkspace(_ workspace: any ModelWorkspace) throws -> EncoderWorkspace {
        guard let ws = workspace as? EncoderWorkspace else {
            throw ModelError.workspaceMismatch(expected: "EncoderWorkspace", got: String(describing: type(of: workspace)))
        }
        return ws
    }

    /// `attachAdapters(targets:…)` spelled with this family's own target type, so `[.q, .v]` reads as it does in specs.
    @discardableResult
    public func attachAdapters(targets: [LoRATarget], layers selected: [Int]? = nil, parameters: LoRAParameters,
                               initSeed: UInt64) -> [LoRAAdapter] {
        attachAdapters(targets: targets.map { $0 as any AdapterSite }, layers: selected, parameters: parameters, initSeed: initSeed)
    }
}
