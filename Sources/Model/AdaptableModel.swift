import LinearAlgebra
import LoRA

/// The buffers of one model family's forward (and backward) pass, planned per batch shape and reused.
///
/// A family's workspace type stays its own (`EncoderWorkspace`, `LlamaWorkspace`); this protocol is what code that
/// drives any family (the trainer, `inspect`, `bench`) needs to hold one without naming it.
public protocol ModelWorkspace: AnyObject {
    /// True when the workspace holds no backward state (evaluation only).
    var forInference: Bool { get }
    /// Bytes held by the workspace's buffers.
    var allocatedBytes: Int { get }
}

extension EncoderWorkspace: ModelWorkspace {}
extension LlamaWorkspace: ModelWorkspace {}

/// A frozen pre-trained transformer that LoRA adapters attach to: the seam between a model family (BERT, Llama, …) and
/// everything that trains, saves, inspects, benchmarks or analyses adapters.
///
/// Why a protocol: the trainer, the adapter attachment and the command line need only a model's layer count, its
/// adaptable matrices per layer under family-neutral names (`q`, `v`, `ffn_up`, …), a forward pass to final hidden
/// states and the matching backward pass into the adapters. Writing them against this surface keeps a family's
/// architecture in that family's files, so adding one touches its own files, its naming entry and one registry line.
/// Attachment, detachment and the adapter list are written once, in the extension below, for every family.
public protocol AdaptableModel: AnyObject {
    /// Number of transformer layers L (adapters sit on layers 0..<L).
    var layerCount: Int { get }
    /// Width d of the final hidden states `forward` returns.
    var hiddenSize: Int { get }
    /// Number of token ids V the embeddings accept.
    var vocabularySize: Int { get }
    /// Longest sequence the model accepts (position table or context length).
    var maxPositions: Int { get }
    /// The family's module names (PEFT files, checkpoints, reports).
    var naming: ModuleNaming { get }
    /// The linear map `site` names in layer `layer`, or nil when `site` is not one of this family's matrices.
    func linear(layer: Int, site: any AdapterSite) -> Linear?
    /// Number of frozen parameters.
    var frozenParameterCount: Int { get }
    /// One line naming the architecture and its shape, as reports print it (`BERT encoder, 6 layers, d = 384, …`).
    var architectureSummary: String { get }

    /// Adapter dropout on when `on`; the model's own dropout (where the family has any) only when also `modelDropout`.
    func setTraining(_ on: Bool, modelDropout: Bool)
    /// Generator of the model's own dropout masks, saved in training checkpoints so a resumed run draws the same masks.
    /// A family without dropout keeps one that is never drawn from.
    var dropoutRNG: SeededGenerator { get set }

    /// A workspace for this model: with backward state, or forward-only when `forInference`.
    func makeWorkspace(forInference: Bool) -> any ModelWorkspace
    /// Final hidden states (N, d) of `batch` in the batch's layout: a view into `workspace`, valid until its next use.
    /// - Throws: `ModelError` when the batch does not fit the model or `workspace` is another family's.
    func forward(_ batch: Batch, in workspace: any ModelWorkspace) throws -> MatrixView<Float>
    /// Backward of the last `forward` in `workspace` given dL/d(final hidden states) (N, d): accumulates into the
    /// adapters' gradients only.
    func backward(dHidden: MatrixView<Float>, in workspace: any ModelWorkspace)
}

extension AdaptableModel {
    /// Every matrix of a layer that can carry an adapter, in the family's canonical order (the order adapters are
    /// attached, saved and listed in).
    public var sites: [any AdapterSite] { naming.sites }

    /// The family's matrix called `name` (a site's short name, as specs and run ids spell it), or nil.
    public func site(named name: String) -> (any AdapterSite)? { sites.first { $0.rawValue == name } }

    /// (in, out) of the matrix `site` names, or nil when the family has no such matrix.
    public func dimensions(of site: any AdapterSite) -> (inFeatures: Int, outFeatures: Int)? {
        linear(layer: 0, site: site).map { ($0.inFeatures, $0.outFeatures) }
    }

    /// Frozen W (out × in) of `site` in `layer` (what the Section 7 analyses compare ΔW with).
    /// - Throws: `ModelError.noSuchMatrix` when the model has no such matrix.
    public func weight(layer: Int, site: any AdapterSite) throws -> Matrix<Float> {
        guard let linear = linear(layer: layer, site: site) else { throw ModelError.noSuchMatrix(layer: layer, site: site.rawValue) }
        return linear.weight
    }

    /// Every attached adapter, in (layer, site) order.
    public var adapters: [LoRAAdapter] {
        (0..<layerCount).flatMap { l in sites.compactMap { linear(layer: l, site: $0)?.adapter } }
    }

    /// Attaches fresh adapters on `targets` in `layers` (all layers when nil), replacing any present, in (layer, site)
    /// order. A is drawn from the stream `lora/<layer>/<target>/r<rank>` of `initSeed`, B = 0 (`LoRAAdapter`).
    /// Targets that are not this family's matrices are skipped (specs are checked against the family before a run).
    @discardableResult
    public func attachAdapters(targets: [any AdapterSite], layers selected: [Int]? = nil, parameters: LoRAParameters,
                               initSeed: UInt64) -> [LoRAAdapter] {
        let names = Set(targets.map(\.rawValue))
        let ordered = sites.filter { names.contains($0.rawValue) }
        var attached: [LoRAAdapter] = []
        for l in selected ?? Array(0..<layerCount) {
            for site in ordered {
                guard let linear = linear(layer: l, site: site) else { continue }
                let adapter = LoRAAdapter(site: site, layer: l, inFeatures: linear.inFeatures, outFeatures: linear.outFeatures,
                                          parameters: parameters, initSeed: initSeed)
                linear.adapter = adapter
                attached.append(adapter)
            }
        }
        return attached
    }

    /// Attaches adapters built elsewhere (read from a file), checking that each sits on one of this family's matrices,
    /// in an existing layer, and fits its shape.
    /// - Throws: `ModelError.adapterMismatch` naming the adapter.
    public func attach(_ adapters: [LoRAAdapter]) throws {
        for a in adapters {
            guard a.layer >= 0 && a.layer < layerCount else {
                throw ModelError.adapterMismatch(reason: "layer \(a.layer) does not exist (model has \(layerCount))")
            }
            guard let linear = linear(layer: a.layer, site: a.site) else {
                throw ModelError.adapterMismatch(reason: "\(a.site.peftPrefix(layer: a.layer)) is not a matrix of this model's family")
            }
            guard a.inFeatures == linear.inFeatures && a.outFeatures == linear.outFeatures else {
                throw ModelError.adapterMismatch(reason: "\(a.site.peftPrefix(layer: a.layer)) is \(a.outFeatures)×\(a.inFeatures), the model's matrix is \(linear.outFeatures)×\(linear.inFeatures)")
            }
            linear.adapter = a
        }
    }

    /// Removes every adapter (merged weights stay merged).
    public func detachAdapters() {
        for l in 0..<layerCount { for s in sites { linear(layer: l, site: s)?.adapter = nil } }
    }

    /// Adapter dropout on or off; the model's own dropout stays off.
    public func setTraining(_ on: Bool) { setTraining(on, modelDropout: false) }
}
