import Analysis
import ExperimentSpec
import Foundation
import LinearAlgebra
import LoRA

/// Two adapters whose A factors φ compares (Sec 7.2, Eq. 4), with the grid bounds i ≤ maxI, j ≤ maxJ.
struct SimilarityPair {
    let x: AnalysisSubject
    let y: AnalysisSubject
    let maxI: Int
    let maxJ: Int
    let comparison: SimilarityComparison
}

extension AnalysisEngine {
    // MARK: which pairs

    /// Fig 3: for every pair [r_a, r_b] of options.rankPairs, runs with the same targets and seeds at those ranks.
    func rankPairs(_ subjects: [AnalysisSubject]) -> [SimilarityPair] {
        var pairs: [SimilarityPair] = []
        for pair in options.rankPairs where pair.count == 2 {
            for group in ReportOrder.groupedByTargets(subjects) {
                let small = Dictionary(group.filter { $0.rank == pair[0] }.map { ($0.seedKey, $0) }, uniquingKeysWith: { a, _ in a })
                let large = Dictionary(group.filter { $0.rank == pair[1] }.map { ($0.seedKey, $0) }, uniquingKeysWith: { a, _ in a })
                for seed in small.keys.sorted() {
                    guard let x = small[seed], let y = large[seed] else { continue }
                    pairs.append(SimilarityPair(x: x, y: y, maxI: options.maxI, maxJ: options.maxJ, comparison: .rank))
                }
            }
        }
        return pairs
    }

    /// Fig 4: every pair of seeds at options.seedRank (same targets), i ≤ seedMaxI, j ≤ seedMaxJ (default: that rank).
    func seedPairs(_ subjects: [AnalysisSubject]) -> [SimilarityPair] {
        guard let k = options.seedRank else { return [] }
        let maxI = Swift.min(options.seedMaxI ?? k, k), maxJ = Swift.min(options.seedMaxJ ?? k, k)
        var pairs: [SimilarityPair] = []
        for group in ReportOrder.groupedByTargets(subjects) {
            let atRank = group.filter { $0.rank == k }.sorted { $0.seedKey < $1.seedKey }
            guard atRank.count >= 2 else { continue }
            for a in 0..<(atRank.count - 1) {
                for b in (a + 1)..<atRank.count where atRank[a].seedKey != atRank[b].seedKey {
                    pairs.append(SimilarityPair(x: atRank[a], y: atRank[b], maxI: maxI, maxJ: maxJ, comparison: .seed))
                }
            }
        }
        return pairs
    }

    /// `experiment analyze`: every pair of adapters, the one of smaller rank as run_a, i ≤ maxI, j ≤ maxJ; a pair of two
    /// ranks is a Fig 3 comparison ("rank"), a pair at one rank a Fig 4 comparison ("seed").
    func adapterPairs(_ subjects: [AnalysisSubject]) -> [SimilarityPair] {
        var pairs: [SimilarityPair] = []
        for a in 0..<Swift.max(0, subjects.count - 1) {
            for b in (a + 1)..<subjects.count {
                let (x, y) = subjects[a].rank <= subjects[b].rank ? (subjects[a], subjects[b]) : (subjects[b], subjects[a])
                pairs.append(SimilarityPair(x: x, y: y, maxI: options.maxI, maxJ: options.maxJ,
                                            comparison: x.rank == y.rank ? .seed : .rank))
            }
        }
        return pairs
    }

    // MARK: rows

    /// The φ null of one pair at one (layer, matrix): random subspaces of R^in with the pair's grid bounds (i ≤ min(maxI,
    /// r_a), j ≤ min(maxJ, r_b)), keyed by layer, matrix and the ranks ("r64" for a seed pair, "r8-r64" otherwise).
    func similarityNullKey(_ p: SimilarityPair, _ key: AdapterKey) -> PhiNullKey? {
        guard let fx = p.x.factors[key], let fy = p.y.factors[key], fx.a.cols == fy.a.cols else { return nil }
        let k = fx.a.cols
        let ni = Swift.min(p.maxI, fx.a.rows, k), nj = Swift.min(p.maxJ, fy.a.rows, k)
        guard ni >= 1, nj >= 1 else { return nil }
        let ranks = p.comparison == .seed ? "r\(p.x.rank)" : "r\(p.x.rank)-r\(p.y.rank)"
        return PhiNullKey(analysis: "similarity", layer: key.layer, matrix: key.target.rawValue, ranks: ranks, ambient: k, maxI: ni, maxJ: nj)
    }

    /// Every pair's φ grid rows on each basis (A, A − A₀ where both init seeds are known, ΔW), with each cell placed
    /// in its Monte-Carlo null (computed in parallel first; the three bases share it, their grids having the same
    /// dimensions and the same law under the null).
    func similarityRows(_ pairs: [SimilarityPair]) throws -> [SimilarityRow] {
        var keys = Set<PhiNullKey>()
        for p in pairs { for key in p.x.keys { if let k = similarityNullKey(p, key) { keys.insert(k) } } }
        let nulls = try phiNulls(keys)
        var rows: [SimilarityRow] = []
        for basis in SimilarityBasis.haarNull {
            for p in pairs {
                for key in p.x.keys {
                    guard let nullKey = similarityNullKey(p, key),
                          let ux = try wrap(p.x, key, { try p.x.rightBasis(basis, key) }),
                          let uy = try wrap(p.y, key, { try p.y.rightBasis(basis, key) }) else { continue }
                    rows += gridRows(p, key, basis: basis, ux, uy, null: nulls[nullKey]!)
                }
            }
        }
        return rows + (try dataMetricSimilarityRows(pairs))
    }

    /// One pair's φ grid at one (layer, matrix) on one basis (right vectors `ux`, `uy`), i ≤ null.maxI, j ≤ null.maxJ
    /// (none when a side has fewer directions).
    func gridRows(_ p: SimilarityPair, _ key: AdapterKey, basis: SimilarityBasis, _ ux: Matrix<Double>, _ uy: Matrix<Double>,
                  null: PhiNullSample) -> [SimilarityRow] {
        let (ni, nj, k) = (null.maxI, null.maxJ, null.ambient)
        guard ux.cols >= ni, uy.cols >= nj else { return [] }
        let grid = SubspaceSimilarity.phiGrid(ux, uy, maxI: ni, maxJ: nj)
        var rows: [SimilarityRow] = []
        rows.reserveCapacity(ni * nj)
        for i in 1...ni {
            for j in 1...nj {
                let phi = grid[i - 1][j - 1]
                rows.append(SimilarityRow(layer: key.layer, matrix: key.target.rawValue, runA: p.x.label, runB: p.y.label, i: i, j: j,
                                          phi: csvRounded(phi), expectedRandom: expectedRandom(i, j, ambient: k),
                                          comparison: p.comparison, targets: p.x.targets, rankA: p.x.rank, rankB: p.y.rank,
                                          ambient: k, null: CellNull(null, i, j, observed: phi), basis: basis, runAId: p.x.id,
                                          runBId: p.y.id))
            }
        }
        return rows
    }
}
