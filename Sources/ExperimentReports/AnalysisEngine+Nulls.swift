import Analysis
import ExperimentSpec
import Foundation
import LinearAlgebra
import LoRA

/// The Monte-Carlo nulls of the analyses: `options.nullDraws` draws (≥ 200), fresh for each (layer, matrix, rank),
/// each from its own stream `SeededGenerator(seed: options.randomSeed, stream: key.stream)` named by analysis, layer,
/// matrix and rank(s) — so a null does not depend on which other nulls a build computes, in which order, or on how many
/// cores share the work (`Parallel.map`).
extension AnalysisEngine {
    /// A φ-grid null (`SubspaceSimilarity.randomGridNull`): random subspaces of R^ambient, grid maxI × maxJ.
    struct PhiNullKey: Hashable, Comparable {
        /// "similarity" (Fig 3, Fig 4, adapter pairs) or "overlap" (App. H.3).
        var analysis: String
        var layer: Int
        var matrix: String
        /// "r8-r64" for two ranks, "r64" for one.
        var ranks: String
        var ambient: Int
        var maxI: Int
        var maxJ: Int

        var stream: String { "null/\(analysis)/L\(layer)/\(matrix)/\(ranks)/\(maxI)x\(maxJ)" }
        static func < (a: PhiNullKey, b: PhiNullKey) -> Bool { a.stream < b.stream }
    }

    /// Table 7's random-direction null (`WeightProjection.randomProjectionNull`) at rank r of W at (layer, matrix).
    struct ProjectionNullKey: Hashable, Comparable {
        var key: AdapterKey
        var rank: Int

        var stream: String { "null/table7/L\(key.layer)/\(key.target.rawValue)/r\(rank)" }
        static func < (a: ProjectionNullKey, b: ProjectionNullKey) -> Bool { (a.key, a.rank) < (b.key, b.rank) }
    }

    /// The φ nulls of `keys`, computing the missing ones in parallel.
    func phiNulls(_ keys: Set<PhiNullKey>) throws -> [PhiNullKey: PhiNullSample] {
        let (seed, draws) = (options.randomSeed, options.nullDraws)
        return try Self.filling(keys, &phiNullCache) { key in
            var rng = SeededGenerator(seed: seed, stream: key.stream)
            return try SubspaceSimilarity.randomGridNull(ambient: key.ambient, maxI: key.maxI, maxJ: key.maxJ, draws: draws, using: &rng)
        }
    }

    /// The Table 7 nulls of `keys` (W's SVD first, serially; then the draws in parallel).
    func projectionNulls(_ keys: Set<ProjectionNullKey>) throws -> [ProjectionNullKey: NullDistribution] {
        var weights: [ProjectionNullKey: (values: [Double], rows: Int, cols: Int)] = [:]
        for k in keys where projectionNullCache[k] == nil {
            let (w, basis) = try weight(k.key)
            weights[k] = (basis.values, w.rows, w.cols)
        }
        let (seed, draws) = (options.randomSeed, options.nullDraws)
        return try Self.filling(keys, &projectionNullCache) { key in
            var rng = SeededGenerator(seed: seed, stream: key.stream)
            let w = weights[key]!
            return try WeightProjection.randomProjectionNull(singularValues: w.values, rows: w.rows, cols: w.cols, rank: key.rank,
                                                             draws: draws, using: &rng)
        }
    }

    /// The values of `keys` from `cache`, computing the missing ones first (in parallel, in key order, each from its
    /// own seeded stream, so the result does not depend on the thread count or on which keys were cached before).
    static func filling<Key: Hashable & Comparable, Value>(_ keys: Set<Key>, _ cache: inout [Key: Value],
                                                           _ compute: (Key) throws -> Value) throws -> [Key: Value] {
        let missing = keys.filter { cache[$0] == nil }.sorted()
        for (key, value) in zip(missing, try Parallel.map(missing, compute)) { cache[key] = value }
        return Dictionary(uniqueKeysWithValues: keys.map { ($0, cache[$0]!) })
    }
}
