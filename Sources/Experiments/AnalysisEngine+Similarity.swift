import Analysis
import Foundation
import LinearAlgebra
import LoRA

extension AnalysisEngine {
    // MARK: Fig 3 / Fig 4 / adapter pairs

    /// φ grid rows between two subjects for every (layer, matrix) both adapt; i ≤ min(maxI, r_a), j ≤ min(maxJ, r_b).
    func similarityRows(_ x: AnalysisSubject, _ y: AnalysisSubject, maxI: Int, maxJ: Int,
                        comparison: SimilarityComparison) throws -> [SimilarityRow] {
        var rows: [SimilarityRow] = []
        for key in x.keys where y.factors[key] != nil {
            let (fx, fy) = (x.factors[key]!, y.factors[key]!)
            let ux = try wrap(x, key) { try fx.aRight() }
            let uy = try wrap(y, key) { try fy.aRight() }
            let ni = Swift.min(maxI, ux.cols), nj = Swift.min(maxJ, uy.cols)
            guard ni >= 1, nj >= 1, ux.rows == uy.rows else { continue }
            let grid = SubspaceSimilarity.phiGrid(ux, uy, maxI: ni, maxJ: nj)
            let k = ux.rows
            rows.reserveCapacity(rows.count + ni * nj)
            for i in 1...ni {
                for j in 1...nj {
                    rows.append(SimilarityRow(layer: key.layer, matrix: key.target.rawValue, runA: x.label, runB: y.label, i: i, j: j,
                                              phi: csvRounded(grid[i - 1][j - 1]),
                                              expectedRandom: expectedRandom(i, j, ambient: k),
                                              comparison: comparison, targets: x.targets, rankA: x.rank, rankB: y.rank, ambient: k))
                }
            }
        }
        return rows
    }

    /// `experiment analyze`: φ between every pair of adapters (the one of smaller rank as run_a), comparison "adapters".
    func adapterPairRows(_ subjects: [AnalysisSubject]) throws -> [SimilarityRow] {
        var rows: [SimilarityRow] = []
        for a in 0..<(subjects.count - 1) {
            for b in (a + 1)..<subjects.count {
                let (x, y) = subjects[a].rank <= subjects[b].rank ? (subjects[a], subjects[b]) : (subjects[b], subjects[a])
                rows += try similarityRows(x, y, maxI: options.maxI, maxJ: options.maxJ, comparison: .adapters)
            }
        }
        return rows
    }

    /// Fig 3: for every pair [r_a, r_b] of options.rankPairs, runs with the same targets and seeds at those ranks.
    func rankPairRows(_ subjects: [AnalysisSubject]) throws -> [SimilarityRow] {
        var rows: [SimilarityRow] = []
        for pair in options.rankPairs where pair.count == 2 {
            for group in ReportOrder.groupedByTargets(subjects) {
                let small = Dictionary(group.filter { $0.rank == pair[0] }.map { ($0.seedKey, $0) }, uniquingKeysWith: { a, _ in a })
                let large = Dictionary(group.filter { $0.rank == pair[1] }.map { ($0.seedKey, $0) }, uniquingKeysWith: { a, _ in a })
                for seed in small.keys.sorted() {
                    guard let x = small[seed], let y = large[seed] else { continue }
                    rows += try similarityRows(x, y, maxI: options.maxI, maxJ: options.maxJ, comparison: .rank)
                }
            }
        }
        return rows
    }

    /// Fig 4: every pair of seeds at options.seedRank (same targets), i ≤ seedMaxI, j ≤ seedMaxJ (default: that
    /// rank); then the random Gaussian panel (one per input dimension met), run_a "random-a", run_b "random-b".
    func seedPairRows(_ subjects: [AnalysisSubject]) throws -> [SimilarityRow] {
        guard let k = options.seedRank else { return [] }
        let maxI = Swift.min(options.seedMaxI ?? k, k), maxJ = Swift.min(options.seedMaxJ ?? k, k)
        var rows: [SimilarityRow] = []
        for group in ReportOrder.groupedByTargets(subjects) {
            let atRank = group.filter { $0.rank == k }.sorted { $0.seedKey < $1.seedKey }
            guard atRank.count >= 2 else { continue }
            for a in 0..<(atRank.count - 1) {
                for b in (a + 1)..<atRank.count where atRank[a].seedKey != atRank[b].seedKey {
                    rows += try similarityRows(atRank[a], atRank[b], maxI: maxI, maxJ: maxJ, comparison: .seed)
                }
            }
        }
        let ambients = Array(Set(rows.map(\.ambient))).sorted()
        for ambient in ambients {
            let ni = Swift.min(maxI, ambient), nj = Swift.min(maxJ, ambient)
            let grid = try SubspaceSimilarity.randomBaselineGrid(rows: k, ambient: ambient, maxI: ni, maxJ: nj, seed: options.randomSeed)
            for i in 1...ni {
                for j in 1...nj {
                    rows.append(SimilarityRow(layer: nil, matrix: "", runA: "random-a", runB: "random-b", i: i, j: j,
                                              phi: csvRounded(grid[i - 1][j - 1]),
                                              expectedRandom: expectedRandom(i, j, ambient: ambient),
                                              comparison: .random, targets: "", rankA: k, rankB: k, ambient: ambient))
                }
            }
        }
        return rows
    }
}
