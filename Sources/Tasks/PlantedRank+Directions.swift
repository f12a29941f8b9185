import LinearAlgebra
import LoRA
import Model

extension PlantedRankData {
    /// At most this many training examples feed the principal directions (about 16k token rows on WordNet glosses:
    /// the d × d second-moment matrix is then estimated from ≫ d samples).
    static let principalSampleExamples = 1024

    /// Per (layer, target), the top-m principal directions (d × m, orthonormal columns) of the inputs that target's ΔW
    /// acts on, as the outputs see them: the leading eigenvectors of `inputCovariances`' C.
    ///   Measured on all-MiniLM-L6-v2 (rank-2 plant in q and v of every layer, rank-2 student, kaiming-uniform A, α/r,
    ///   lr 5e-3, 1500 steps, one seed): with v planted in the principal subspace of the unmixed inputs, recovery(2) of v
    ///   was 0.64 on average and 0.14–0.46 at layers 3–4, while q's was 0.94.
    /// Centred, because a direction along which every row is nearly the same (post-LayerNorm states share large constant
    /// components) acts like a bias: its effect can be produced by other directions too, so it is not identifiable from
    /// the outputs; directions of large variance are (recovery(2) of q 0.82 uncentred, 0.88 centred, in an earlier
    /// single-seed run). Only targets whose input is the layer's input (q, k, v, ffn_up) qualify.
    static func inputPrincipalBases(_ covariances: [PlantSite: Matrix<Double>], dimensions m: Int, hiddenSize d: Int,
                                    targets: [LoRATarget]) throws -> [PlantSite: Matrix<Double>] {
        guard targets.allSatisfy(covarianceTargets.contains) else {
            throw DataError.invalidOption(field: "directions", reason: "input-principal plants need targets whose input is the layer's input (q, k, v, ffn_up)")
        }
        guard m >= 1 && m <= d else {
            throw DataError.invalidOption(field: "principalDimensions", reason: "must lie in 1…\(d), got \(m)")
        }
        return try covariances.mapValues { try $0.svd().u.leadingColumns(m) }    // C symmetric PSD: U = V = its eigenvectors
    }

    /// Targets whose ΔW acts on the layer's input rows (for v: mixed by attention), so their input covariance is known.
    static let covarianceTargets: [LoRATarget] = [.q, .k, .v, .ffnUp]

    /// Per (layer, input kind), the centred covariance C = Σ (x − μ)(x − μ)ᵀ (d × d) of the inputs a target's ΔW acts on,
    /// as the outputs see them, on the base model (no adapters), over every token row of the first
    /// `principalSampleExamples` training examples:
    /// - q, k, ffn_up: x = the layer's input rows;
    /// - v: x = the layer's input rows mixed by each head's attention, (P_h X)_i, pooled over heads
    ///   (`EncoderWorkspace.accumulateAttentionMixedMoments`): an update of W_v reaches the outputs only through them.
    /// Sites exist for the layers `layers` (nil = all) and the kinds `targets` need (only `covarianceTargets` count).
    static func inputCovariances(model: BertModel, examples: [TokenizedExample], layers: [Int]?,
                                 targets: [LoRATarget]) throws -> [PlantSite: Matrix<Double>] {
        let d = model.config.hiddenSize
        let chosen = layers ?? Array(0..<model.layers.count)
        let eligible = targets.filter(covarianceTargets.contains)
        let mixing = Array(Set(eligible.map { $0 == .v })).sorted { !$0 && $1 }
        guard !mixing.isEmpty else { return [:] }
        var moments = [PlantSite: Matrix<Float>](), sums = [PlantSite: [Double]](), counts = [PlantSite: Double]()
        for l in chosen {
            for mixed in mixing {
                let key = PlantSite(layer: l, mixed: mixed)
                moments[key] = Matrix<Float>(rows: d, cols: d); sums[key] = [Double](repeating: 0, count: d); counts[key] = 0
            }
        }
        let ws = EncoderWorkspace(config: model.config)
        let sample = Array(examples.prefix(principalSampleExamples))
        for start in stride(from: 0, to: sample.count, by: 64) {
            let (batch, _) = Batching.batch(Array(sample[start..<min(sample.count, start + 64)]), padId: 0)
            try withExtendedLifetime(ws) {
                _ = try model.forward(batch, workspace: ws)
                for l in chosen {
                    if mixing.contains(false) {
                        let plain = PlantSite(layer: l, mixed: false)
                        let x = ws.layerInput(l)                                                            // (N, d)
                        moments[plain]!.withMutableView { g in gemm(x, transposeA: true, x, into: g, beta: 1) } // G += XᵀX
                        for r in 0..<x.rows { for c in 0..<d { sums[plain]![c] += Double(x[r, c]) } }
                        counts[plain]! += Double(x.rows)
                    }
                    if mixing.contains(true) {
                        let mixed = PlantSite(layer: l, mixed: true)
                        counts[mixed]! += Double(moments[mixed]!.withMutableView { g in
                            ws.accumulateAttentionMixedMoments(layer: l, into: g, sums: &sums[mixed]!)
                        })
                    }
                }
            }
        }
        var covariances = [PlantSite: Matrix<Double>]()
        for (key, moment) in moments {
            var c = moment.converted(to: Double.self)                       // C = XᵀX − n·μμᵀ, μ = Σx / n
            let s = sums[key]!, n = counts[key]!
            for i in 0..<d { for j in 0..<d { c[i, j] -= s[i] * s[j] / n } }
            covariances[key] = c
        }
        return covariances
    }

    /// Where a planted update's input directions are drawn: a layer, and whether the inputs are attention-mixed (v).
    struct PlantSite: Hashable {
        var layer: Int
        var mixed: Bool
        init(layer: Int, mixed: Bool) { self.layer = layer; self.mixed = mixed }
        init(layer: Int, target: LoRATarget) { self.init(layer: layer, mixed: target == .v) }
    }
}

/// The input covariances of a task's adapted matrices, for the data-metric analyses (`PlantedRecovery.dataMetric`).
public enum InputCovariances {
    /// Per layer and target whose input is known (q, k, v, ffn_up; others are skipped), the centred covariance of the
    /// inputs it acts on as the outputs see them, on `model` without adapters over the first 1024 of `examples`
    /// (`PlantedRankData.inputCovariances`), in layer then target order.
    public static func compute(model: BertModel, examples: [TokenizedExample], targets: [LoRATarget]) throws -> [InputCovariance] {
        model.detachAdapters()
        let covariances = try PlantedRankData.inputCovariances(model: model, examples: examples, layers: nil, targets: targets)
        return (0..<model.layers.count).flatMap { l in
            Set(targets).sorted().compactMap { t in
                covariances[PlantedRankData.PlantSite(layer: l, target: t)].map { InputCovariance(layer: l, target: t, covariance: $0) }
            }
        }
    }
}

