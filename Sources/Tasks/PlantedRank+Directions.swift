import LinearAlgebra
import LoRA
import Model

extension PlantedRankData {
    /// At most this many training examples feed the principal directions (about 16k token rows on WordNet glosses:
    /// the d × d second-moment matrix is then estimated from ≫ d samples).
    static let principalSampleExamples = 1024

    /// Per (layer, target), the top-m principal directions (d × m, orthonormal columns) of the inputs that target's ΔW
    /// acts on, as the outputs see them, on the base model (no adapters), over every token row of the first
    /// `principalSampleExamples` training examples: the leading eigenvectors of the covariance Σ (x − μ)(x − μ)ᵀ.
    /// - q, k, ffn_up: x = the layer's input rows.
    /// - v: x = the layer's input rows mixed by each head's attention, (P_h X)_i, pooled over heads
    ///   (`EncoderWorkspace.accumulateAttentionMixedMoments`): an update of W_v reaches the outputs only through them.
    ///   Measured on all-MiniLM-L6-v2 (rank-2 plant in q and v of every layer, rank-2 student, kaiming-uniform A, α/r,
    ///   lr 5e-3, 1500 steps, one seed): with v planted in the principal subspace of the unmixed inputs, recovery(2) of v
    ///   was 0.64 on average and 0.14–0.46 at layers 3–4, while q's was 0.94.
    /// Centred, because a direction along which every row is nearly the same (post-LayerNorm states share large constant
    /// components) acts like a bias: its effect can be produced by other directions too, so it is not identifiable from
    /// the outputs; directions of large variance are (recovery(2) of q 0.82 uncentred, 0.88 centred, in an earlier
    /// single-seed run). Only targets whose input is the layer's input (q, k, v, ffn_up) qualify.
    static func inputPrincipalBases(model: BertModel, examples: [TokenizedExample], dimensions m: Int, layers: [Int]?,
                                    targets: [LoRATarget]) throws -> [PlantSite: Matrix<Double>] {
        let d = model.config.hiddenSize
        guard targets.allSatisfy({ [.q, .k, .v, .ffnUp].contains($0) }) else {
            throw DataError.invalidOption(field: "directions", reason: "input-principal plants need targets whose input is the layer's input (q, k, v, ffn_up)")
        }
        guard m >= 1 && m <= d else {
            throw DataError.invalidOption(field: "principalDimensions", reason: "must lie in 1…\(d), got \(m)")
        }
        let chosen = layers ?? Array(0..<model.layers.count)
        let mixing = targets.contains(.v) ? [false, true] : [false]
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
                    let plain = PlantSite(layer: l, mixed: false)
                    let x = ws.layerInput(l)                                                            // (N, d)
                    moments[plain]!.withMutableView { g in gemm(x, transposeA: true, x, into: g, beta: 1) } // G += XᵀX
                    for r in 0..<x.rows { for c in 0..<d { sums[plain]![c] += Double(x[r, c]) } }
                    counts[plain]! += Double(x.rows)
                    if mixing.count == 2 {
                        let mixed = PlantSite(layer: l, mixed: true)
                        counts[mixed]! += Double(moments[mixed]!.withMutableView { g in
                            ws.accumulateAttentionMixedMoments(layer: l, into: g, sums: &sums[mixed]!)
                        })
                    }
                }
            }
        }
        var bases = [PlantSite: Matrix<Double>]()
        for (key, moment) in moments {
            var c = moment.converted(to: Double.self)                       // C = XᵀX − n·μμᵀ, μ = Σx / n
            let s = sums[key]!, n = counts[key]!
            for i in 0..<d { for j in 0..<d { c[i, j] -= s[i] * s[j] / n } }
            bases[key] = try c.svd().u.leadingColumns(m)                   // C symmetric PSD: U = V = its eigenvectors
        }
        return bases
    }

    /// Where a planted update's input directions are drawn: a layer, and whether the inputs are attention-mixed (v).
    struct PlantSite: Hashable {
        var layer: Int
        var mixed: Bool
        init(layer: Int, mixed: Bool) { self.layer = layer; self.mixed = mixed }
        init(layer: Int, target: LoRATarget) { self.init(layer: layer, mixed: target == .v) }
    }
}
