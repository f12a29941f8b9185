import LinearAlgebra
import LoRA
import Model

extension PlantedRankData {
    /// At most this many training examples feed the principal directions (about 16k token rows on WordNet glosses:
    /// the d × d second-moment matrix is then estimated from ≫ d samples).
    static let principalSampleExamples = 1024

    /// Per layer, the top-m principal directions (d × m, orthonormal columns) of that layer's inputs x on the base model
    /// (no adapters): the leading eigenvectors of the uncentred second moment Σ x·xᵀ over every token row of the first
    /// `principalSampleExamples` training examples. Uncentred, because a linear map W acts on x itself: a direction with
    /// large E[(vᵀx)²] is one the data excites. Only targets whose input is the layer's input (q, k, v, ffn_up) qualify.
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
        for l in chosen { moments[l] = Matrix<Float>(rows: d, cols: d) }
        let ws = EncoderWorkspace(config: model.config)
        let sample = Array(examples.prefix(principalSampleExamples))
        for start in stride(from: 0, to: sample.count, by: 64) {
            let (batch, _) = Batching.batch(Array(sample[start..<min(sample.count, start + 64)]), padId: 0)
            try withExtendedLifetime(ws) {
                _ = try model.forward(batch, workspace: ws)
                for l in chosen {
                    let x = ws.layerInput(l)                                                        // (N, d)
                    moments[l]!.withMutableView { g in gemm(x, transposeA: true, x, into: g, beta: 1) } // G += XᵀX
                }
            }
        }
        var bases = [Int: Matrix<Double>]()
        for l in chosen {
            let svd = try moments[l]!.converted(to: Double.self).svd()     // G symmetric PSD: U = V = its eigenvectors
            bases[l] = svd.u.leadingColumns(m)
        }
        return bases
    }
}
