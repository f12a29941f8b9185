import Analysis
import ExperimentSpec
import Foundation
import LinearAlgebra
import LoRA

extension AnalysisEngine {
    // MARK: Table 7

    /// Table 7's r for an adapter at a (layer, matrix): its rank, capped by the directions ΔW and W have.
    func projectionRank(_ s: AnalysisSubject, _ key: AdapterKey) throws -> Int {
        let delta = try wrap(s, key) { try s.factors[key]!.delta() }
        return Swift.min(s.rank, delta.count, try weight(key).basis.count)
    }

    /// The three Table 7 rows of one adapter, in the order ΔW, W, random — the values of `WeightProjection.table7Rows`
    /// (same formulas, same order of operations), with the W row computed once per (layer, matrix, r).
    func table7(_ s: AnalysisSubject, _ key: AdapterKey, randomNull: NullDistribution) throws
        -> (rank: Int, rows: [ProjectionResult], shape: (rows: Int, cols: Int)) {
        let (w, wBasis) = try weight(key)
        let delta = try wrap(s, key) { try s.factors[key]!.delta() }
        let r = try projectionRank(s, key)
        let weightNorm = weightNorms[key]!
        func project(_ basis: SingularBasis) -> Double {
            WeightProjection.projectionNorm(w: w, u: basis.left.leadingColumns(r), v: basis.right.leadingColumns(r))
        }
        let fixedKey = FixedProjectionKey(key: key, rank: r)
        let onW = fixedProjections[fixedKey] ?? project(wBasis)
        fixedProjections[fixedKey] = onW
        let onDelta = project(delta)
        let deltaNorm = delta.frobeniusNorm
        return (r, [
            ProjectionResult(directionsFrom: .deltaW, rank: r, projectionNorm: onDelta, weightNorm: weightNorm, deltaNorm: deltaNorm,
                             amplification: deltaNorm / onDelta),
            ProjectionResult(directionsFrom: .w, rank: r, projectionNorm: onW, weightNorm: weightNorm, deltaNorm: nil, amplification: nil),
            ProjectionResult(directionsFrom: .random, rank: r, projectionNorm: randomNull.mean, weightNorm: weightNorm, deltaNorm: nil,
                             amplification: nil),
        ], (w.rows, w.cols))
    }

    /// The (adapter, layer, matrix) cells of Table 7 (options.projectionLayers, or every adapted layer).
    func projectionItems(_ subjects: [AnalysisSubject]) throws -> [(subject: AnalysisSubject, key: AdapterKey, null: ProjectionNullKey)] {
        try prepareWeights(Set(subjects.flatMap(\.keys)))
        var items: [(subject: AnalysisSubject, key: AdapterKey, null: ProjectionNullKey)] = []
        for s in subjects {
            for key in s.keys where options.projectionLayers.map({ $0.contains(key.layer) }) ?? true {
                items.append((s, key, ProjectionNullKey(key: key, rank: try projectionRank(s, key))))
            }
        }
        return items
    }

    /// Table 7 rows of every adapter, each with its random-direction null (computed in parallel first).
    func projectionRows(_ subjects: [AnalysisSubject]) throws -> [ProjectionRow] {
        let items = try projectionItems(subjects)
        let nulls = try projectionNulls(Set(items.map(\.null)))
        var rows: [ProjectionRow] = []
        for (s, key, nullKey) in items {
            let null = nulls[nullKey]!
            let (r, results, shape) = try table7(s, key, randomNull: null)
            for p in results {
                let expectation = p.directionsFrom == .random
                    ? WeightProjection.randomProjectionScale(rank: r, weightNorm: p.weightNorm, rows: shape.rows, cols: shape.cols) : nil
                let columns: ProjectionNull?
                switch p.directionsFrom {
                case .deltaW: columns = ProjectionNull(null, projection: p.projectionNorm, deltaNorm: p.deltaNorm!)
                case .random: columns = ProjectionNull(null)
                case .w: columns = nil
                }
                rows.append(ProjectionRow(layer: key.layer, matrix: key.target.rawValue, rank: s.rank, seed: s.initSeed,
                                          directionsFrom: p.directionsFrom, projectionNorm: csvRounded(p.projectionNorm),
                                          weightNorm: csvRounded(p.weightNorm), deltaNorm: csvRoundedOptional(p.deltaNorm),
                                          amplification: csvRoundedOptional(p.amplification), randomExpectation: csvRoundedOptional(expectation),
                                          targets: s.targets, dataSeed: s.dataSeed, run: s.id, null: columns))
            }
        }
        return rows
    }
}
