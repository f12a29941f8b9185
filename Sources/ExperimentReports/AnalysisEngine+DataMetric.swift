import Analysis
import ExperimentSpec
import Foundation
import LinearAlgebra
import LoRA

/// Figs 3 and 4 in the data metric (`AnalysesSpec.dataMetric`): φ between the right singular vectors of ΔW·S, S = C^{1/2}
/// with C the covariance of the inputs the matrix acts on (`PlantedRecovery.dataMetric`) — the basis the planted control
/// validates — beside its own Monte-Carlo null: random rank-r updates seen through the same S
/// (`SubspaceSimilarity.dataMetricGridNull`), one per (layer, matrix, ranks, grid), from stream
/// `null/similarity-data/L<layer>/<matrix>/<ranks>/<maxI>x<maxJ>`.
extension AnalysisEngine {
    struct DataPhiNullKey: Hashable, Comparable {
        var layer: Int
        var matrix: String
        var rankA: Int
        var rankB: Int
        var outFeatures: Int
        var maxI: Int
        var maxJ: Int
        var seedPair: Bool

        var stream: String {
            "null/similarity-data/L\(layer)/\(matrix)/\(seedPair ? "r\(rankA)" : "r\(rankA)-r\(rankB)")/\(maxI)x\(maxJ)"
        }
        static func < (a: DataPhiNullKey, b: DataPhiNullKey) -> Bool { a.stream < b.stream }
    }

    /// S = C^{1/2} for every covariance in `directory`'s `InputCovarianceFile` (none without the file).
    static func inputMetrics(directory: URL) throws -> [String: Matrix<Double>] {
        try InputCovarianceFile.read(directory: directory).mapValues { try PlantedRecovery.dataMetric(covariance: $0) }
    }

    /// The right singular vectors of the subject's ΔW·S at `key`, or nil without S for it.
    func dataMetricRight(_ s: AnalysisSubject, _ key: AdapterKey) throws -> Matrix<Double>? {
        guard let m = inputMetrics[InputCovarianceFile.tensorName(layer: key.layer, target: key.target.rawValue)],
              let f = s.factors[key], f.a.cols == m.rows else { return nil }
        return try wrap(s, key) { try PlantedRecovery.dataMetricRight(b: f.b, a: f.a, scale: f.scaling, metric: m) }
    }

    /// The data-metric null key of one pair at one (layer, matrix), with the grid bounds of the Haar one.
    func dataNullKey(_ p: SimilarityPair, _ key: AdapterKey) -> DataPhiNullKey? {
        guard inputMetrics[InputCovarianceFile.tensorName(layer: key.layer, target: key.target.rawValue)] != nil,
              let haar = similarityNullKey(p, key), let f = p.x.factors[key] else { return nil }
        return DataPhiNullKey(layer: key.layer, matrix: key.target.rawValue, rankA: p.x.rank, rankB: p.y.rank, outFeatures: f.b.rows,
                              maxI: haar.maxI, maxJ: haar.maxJ, seedPair: p.comparison == .seed)
    }

    /// Every pair's φ grid rows on the data-metric basis, each cell in its own null (computed in parallel first).
    func dataMetricSimilarityRows(_ pairs: [SimilarityPair]) throws -> [SimilarityRow] {
        guard !inputMetrics.isEmpty else { return [] }
        var keys = Set<DataPhiNullKey>()
        for p in pairs { for key in p.x.keys { if let k = dataNullKey(p, key) { keys.insert(k) } } }
        let nulls = try dataPhiNulls(keys)
        var rows: [SimilarityRow] = []
        for p in pairs {
            for key in p.x.keys {
                guard let nullKey = dataNullKey(p, key), let ux = try dataMetricRight(p.x, key),
                      let uy = try dataMetricRight(p.y, key) else { continue }
                rows += gridRows(p, key, basis: .dataMetric, ux, uy, null: nulls[nullKey]!)
            }
        }
        return rows
    }

    /// The data-metric nulls of `keys`, computing the missing ones in parallel.
    func dataPhiNulls(_ keys: Set<DataPhiNullKey>) throws -> [DataPhiNullKey: PhiNullSample] {
        let (seed, draws, metrics) = (options.randomSeed, options.nullDraws, inputMetrics)
        return try Self.filling(keys, &dataPhiNullCache) { key in
            var rng = SeededGenerator(seed: seed, stream: key.stream)
            let metric = metrics[InputCovarianceFile.tensorName(layer: key.layer, target: key.matrix)]!
            return try SubspaceSimilarity.dataMetricGridNull(metric: metric, outFeatures: key.outFeatures, rankA: key.rankA,
                                                             rankB: key.rankB, maxI: key.maxI, maxJ: key.maxJ, draws: draws, using: &rng)
        }
    }
}
