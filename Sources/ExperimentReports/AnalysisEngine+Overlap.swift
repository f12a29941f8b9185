import Analysis
import ExperimentSpec
import Foundation
import LinearAlgebra
import LoRA

extension AnalysisEngine {
    // MARK: App. H.3 / Fig 8

    /// The App. H.3 null of an adapter at one (layer, matrix): φ(top-i of W, a random j-dimensional subspace of R^in),
    /// i ≤ min(maxI, W's directions), j ≤ min(maxJ, r). W's directions are fixed and the subspace is Haar, so by rotation
    /// invariance this is the φ law of two random subspaces (`SubspaceSimilarity.randomGridNull`).
    func overlapNullKey(_ s: AnalysisSubject, _ key: AdapterKey) throws -> PhiNullKey? {
        let (w, wBasis) = try weight(key)
        let delta = try wrap(s, key) { try s.factors[key]!.delta() }
        let ni = Swift.min(options.maxI, wBasis.count), nj = Swift.min(options.maxJ, delta.count)
        guard ni >= 1, nj >= 1 else { return nil }
        return PhiNullKey(analysis: "overlap", layer: key.layer, matrix: key.target.rawValue, ranks: "r\(s.rank)", ambient: w.cols,
                          maxI: ni, maxJ: nj)
    }

    /// φ(top-i of W, top-j of ΔW) for every adapter, layer and matrix, each cell placed in its null.
    func overlapRows(_ subjects: [AnalysisSubject]) throws -> [OverlapRow] {
        try prepareWeights(Set(subjects.flatMap(\.keys)))
        var items: [(subject: AnalysisSubject, key: AdapterKey, null: PhiNullKey)] = []
        for s in subjects {
            for key in s.keys { if let k = try overlapNullKey(s, key) { items.append((s, key, k)) } }
        }
        let nulls = try phiNulls(Set(items.map(\.null)))
        var rows: [OverlapRow] = []
        for (s, key, nullKey) in items {
            let null = nulls[nullKey]!
            let (ni, nj) = (null.maxI, null.maxJ)
            let grid = DirectionOverlap.grid(w: try weight(key).basis, delta: try s.factors[key]!.delta(), maxI: ni, maxJ: nj)
            for i in 1...ni {
                for j in 1...nj {
                    let phi = grid[i - 1][j - 1]
                    rows.append(OverlapRow(layer: key.layer, matrix: key.target.rawValue, run: s.id, rank: s.rank, seed: s.initSeed,
                                           i: i, j: j, phi: csvRounded(phi), expectedRandom: expectedRandom(i, j, ambient: null.ambient),
                                           targets: s.targets, dataSeed: s.dataSeed, null: CellNull(null, i, j, observed: phi)))
                }
            }
        }
        return rows
    }
}
