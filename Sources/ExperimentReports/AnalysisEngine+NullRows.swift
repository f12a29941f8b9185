import Analysis
import ExperimentSpec
import Foundation
import LinearAlgebra
import LoRA

extension AnalysisEngine {
    /// Claim 4's K for a seed-pair grid of maxI × maxJ: D averages φ(k, k) over k ≤ K = min(options.maxI, maxI, maxJ).
    func diagonalK(maxI: Int, maxJ: Int) -> Int { Swift.max(1, Swift.min(options.maxI, maxI, maxJ)) }

    /// `null_distributions.csv`: the null of D for every (layer, matrix) of the seed pairs (Fig 4; claim 4), from the same
    /// cached draws `subspace_similarity.csv`'s null columns summarise.
    func diagonalNullRows(seedPairs: [SimilarityPair]) throws -> [NullRow] {
        var seedKeys = Set<PhiNullKey>()
        for p in seedPairs { for key in p.x.keys { if let k = similarityNullKey(p, key) { seedKeys.insert(k) } } }
        let phi = try phiNulls(seedKeys)
        return seedKeys.sorted { ($0.layer, $0.matrix) < ($1.layer, $1.matrix) }.map { key in
            let K = diagonalK(maxI: key.maxI, maxJ: key.maxJ)
            let rank = Int(key.ranks.dropFirst()) ?? 0
            return NullRow(.diagonalMean, layer: key.layer, matrix: key.matrix, rankA: rank, rankB: rank, k: K,
                           null: phi[key]!.diagonalMean(K), stream: key.stream)
        }
    }

    /// `null_projection_growth.csv`: the null of the projection growth x(r_high)/x(r) for every lower rank r of every
    /// (layer, matrix) of Table 7 (claim 6), from the same cached draws `weight_projection.csv`'s null columns summarise.
    func growthNullRows(projectionSubjects: [AnalysisSubject]) throws -> [NullRow] {
        var rows: [NullRow] = []
        let projectionKeys = Set(try projectionItems(projectionSubjects).map(\.null))
        let projection = try projectionNulls(projectionKeys)
        for key in Set(projectionKeys.map(\.key)).sorted() {
            let ranks = projectionKeys.filter { $0.key == key }.map(\.rank).sorted()
            guard let high = ranks.last, ranks.count >= 2 else { continue }
            let top = projection[ProjectionNullKey(key: key, rank: high)]!
            for low in ranks.dropLast() {
                let lowKey = ProjectionNullKey(key: key, rank: low)
                let growth = NullDistribution(zip(top.draws, projection[lowKey]!.draws).map { $0 / $1 })
                rows.append(NullRow(.projectionGrowth, layer: key.layer, matrix: key.target.rawValue, rankA: low, rankB: high, k: nil,
                                    null: growth, stream: ProjectionNullKey(key: key, rank: high).stream + " ÷ " + lowKey.stream))
            }
        }
        return rows
    }
}
