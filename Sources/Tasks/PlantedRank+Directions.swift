import LinearAlgebra
import LoRA
import Model

extension PlantedRankData {
    /// At most this many training examples feed the principal directions (about 16k token rows on WordNet glosses:
    /// the d × d second-moment matrix is then estimated from ≫ d samples).
    static let principalSampleExamples = 1024

    /// Per layer, the top-m principal directions (d × m, orthonormal columns) of that layer's inputs x on the base model
    /// (no adapters): the leading eigenvectors of the covariance Σ (x − μ)(x − μ)ᵀ over every token row of the first
    /// `principalSampleExamples` training examples. Centred, because a direction along which every token's input is
    /// nearly the same (post-LayerNorm states share large constant components) acts like a bias: its effect can be
    /// produced by other directions too, so it is not identifiable from the outputs; directions of large variance are.
    /// Measured on all-MiniLM-L6-v2 (plant in q, v of every layer, rank-2 student, 1500 steps, one seed): recovery(2)
    /// of q 0.82 with uncentred directions, 0.88 with centred ones. Only targets whose input is the layer's input
    /// (q, k, v, ffn_up) qualify.
    static func inputPrincipalBases(model: BertModel, examples: [TokenizedExample], dimensions m: Int, layers: [Int]?,
                                    targets: [LoRATarget]) throws -> [Int: Matrix<Double>] {
        let d = model.config.hiddenSize
        guard targets.allSatisfy({ [.q, .k, .v, .ffnUp].contains($0) }) else {
            throw DataError.invalidOption(field: "directions", reason: "input-principal plants need targets whose input is the layer's input (q, k, v, ffn_up)")
        }
        guard m >= 1 && m <= d else {
            throw DataError.invalidOption(field: "principalDimensions", reason: "must lie in 1…\(d), got \(m)")
        }
        let chosen = layers ?? Array(0..<model.layers.count)
        var moments = [Int: Matrix<Float>]()
        var sums = [Int: [Double]]()
        var rowCount = 0.0
        for l in chosen { moments[l] = Matrix<Float>(rows: d, cols: d); sums[l] = [Double](repeating: 0, count: d) }
        let ws = EncoderWorkspace(config: model.config)
        let sample = Array(examples.prefix(principalSampleExamples))
        for start in stride(from: 0, to: sample.count, by: 64) {
            let (batch, _) = Batching.batch(Array(sample[start..<min(sample.count, start + 64)]), padId: 0)
            try withExtendedLifetime(ws) {
                _ = try model.forward(batch, workspace: ws)
                for l in chosen {
                    let x = ws.layerInput(l)                                                        // (N, d)
                    moments[l]!.withMutableView { g in gemm(x, transposeA: true, x, into: g, beta: 1) } // G += XᵀX
                    for r in 0..<x.rows { for c in 0..<d { sums[l]![c] += Double(x[r, c]) } }
                }
                rowCount += Double(batch.rows)
            }
        }
        var bases = [Int: Matrix<Double>]()
        for l in chosen {
            var c = moments[l]!.converted(to: Double.self)                  // C = XᵀX − n·μμᵀ, μ = Σx / n
            let s = sums[l]!
            for i in 0..<d { for j in 0..<d { c[i, j] -= s[i] * s[j] / rowCount } }
            bases[l] = try c.svd().u.leadingColumns(m)                     // C symmetric PSD: U = V = its eigenvectors
        }
        return bases
    }
}
