import Analysis
import Foundation
import LinearAlgebra
import LoRA

extension AnalysisEngine {
    // MARK: App. H.3 / Fig 8

    /// φ(top-i of W, top-j of ΔW), i ≤ min(maxI, ·), j ≤ min(maxJ, r); then per (layer, matrix) a random panel:
    /// top-j right singular vectors of Table 7's random Gaussian matrix of W's shape, j ≤ the largest rank met.
    func overlapRows(_ subjects: [AnalysisSubject]) throws -> [OverlapRow] {
        var rows: [OverlapRow] = []
        var largestRank: [AdapterKey: Int] = [:]
        for s in subjects {
            for key in s.keys {
                let (w, wBasis) = try weight(key)
                let delta = try wrap(s, key) { try s.factors[key]!.delta() }
                let ni = Swift.min(options.maxI, wBasis.count), nj = Swift.min(options.maxJ, delta.count)
                guard ni >= 1, nj >= 1 else { continue }
                largestRank[key] = Swift.max(largestRank[key] ?? 0, nj)
                let grid = DirectionOverlap.grid(w: wBasis, delta: delta, maxI: ni, maxJ: nj)
                for i in 1...ni {
                    for j in 1...nj {
                        rows.append(OverlapRow(layer: key.layer, matrix: key.target.rawValue, run: s.id, rank: s.rank, seed: s.initSeed,
                                               i: i, j: j, phi: csvRounded(grid[i - 1][j - 1]),
                                               expectedRandom: expectedRandom(i, j, ambient: w.cols),
                                               targets: s.targets, dataSeed: s.dataSeed))
                    }
                }
            }
        }
        for key in largestRank.keys.sorted() {
            let (w, wBasis) = try weight(key)
            let random = try randomBasis(rows: w.rows, cols: w.cols)
            let ni = Swift.min(options.maxI, wBasis.count), nj = Swift.min(largestRank[key]!, random.count)
            let grid = DirectionOverlap.grid(w: wBasis, delta: random, maxI: ni, maxJ: nj)
            for i in 1...ni {
                for j in 1...nj {
                    rows.append(OverlapRow(layer: key.layer, matrix: key.target.rawValue, run: OverlapRow.randomRun, rank: nj, seed: nil,
                                           i: i, j: j, phi: csvRounded(grid[i - 1][j - 1]),
                                           expectedRandom: expectedRandom(i, j, ambient: w.cols), targets: "", dataSeed: nil))
                }
            }
        }
        return rows
    }
}
