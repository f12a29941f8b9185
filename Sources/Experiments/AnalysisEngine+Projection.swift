import Analysis
import Foundation
import LinearAlgebra
import LoRA

extension AnalysisEngine {
    // MARK: Table 7

    /// The three Table 7 rows of one adapter, in the order ΔW, W, random — the values of `WeightProjection.table7Rows`
    /// (same formulas, same order of operations), with the W and random rows computed once per (layer, matrix, r).
    func table7(_ s: AnalysisSubject, _ key: AdapterKey) throws -> (rank: Int, rows: [ProjectionResult], shape: (Int, Int)) {
        let (w, wBasis) = try weight(key)
        let delta = try wrap(s, key) { try s.factors[key]!.delta() }
        let r = Swift.min(s.rank, delta.count, wBasis.count)
        let weightNorm = weightNorms[key]!
        let fixedKey = FixedProjectionKey(key: key, rank: r)
        let fixed: (w: Double, random: Double)
        func project(_ basis: SingularBasis) -> Double {
            WeightProjection.projectionNorm(w: w, u: basis.left.leadingColumns(r), v: basis.right.leadingColumns(r))
        }
        if let f = fixedProjections[fixedKey] { fixed = f } else {
            fixed = (project(wBasis), project(try randomBasis(rows: w.rows, cols: w.cols)))
            fixedProjections[fixedKey] = fixed
        }
        let onDelta = project(delta)
        let deltaNorm = delta.frobeniusNorm
        return (r, [
            ProjectionResult(directionsFrom: .deltaW, rank: r, projectionNorm: onDelta, weightNorm: weightNorm, deltaNorm: deltaNorm,
                             amplification: deltaNorm / onDelta),
            ProjectionResult(directionsFrom: .w, rank: r, projectionNorm: fixed.w, weightNorm: weightNorm, deltaNorm: nil, amplification: nil),
            ProjectionResult(directionsFrom: .random, rank: r, projectionNorm: fixed.random, weightNorm: weightNorm, deltaNorm: nil,
                             amplification: nil),
        ], (w.rows, w.cols))
    }

    func projectionRows(_ subjects: [AnalysisSubject]) throws -> [ProjectionRow] {
        var rows: [ProjectionRow] = []
        for s in subjects {
            for key in s.keys where options.projectionLayers.map({ $0.contains(key.layer) }) ?? true {
                let (r, results, shape) = try table7(s, key)
                let w = (rows: shape.0, cols: shape.1)
                for p in results {
                    let expectation = p.directionsFrom == .random
                        ? WeightProjection.randomProjectionScale(rank: r, weightNorm: p.weightNorm, rows: w.rows, cols: w.cols) : nil
                    rows.append(ProjectionRow(layer: key.layer, matrix: key.target.rawValue, rank: s.rank, seed: s.initSeed,
                                              directionsFrom: p.directionsFrom, projectionNorm: csvRounded(p.projectionNorm),
                                              weightNorm: csvRounded(p.weightNorm), deltaNorm: csvRoundedOptional(p.deltaNorm),
                                              amplification: csvRoundedOptional(p.amplification), randomExpectation: csvRoundedOptional(expectation),
                                              targets: s.targets, dataSeed: s.dataSeed, run: s.id))
                }
            }
        }
        return rows
    }
}
