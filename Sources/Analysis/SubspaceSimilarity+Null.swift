import LinearAlgebra

/// Draws of the φ grid (Sec 7.2, Eq. 4) between two independent uniformly random nested subspace sequences of R^k:
/// the Monte-Carlo null of Fig 3, Fig 4 and App. H.3 (where one side is W's fixed top directions, which by rotation
/// invariance gives the same law).
///
/// Storage: draw d's grid value φ(i, j) at `values[(d·maxI + i − 1)·maxJ + j − 1]`. Every cell's mean and central
/// 95 % band (`NullDistribution`'s type-7 quantiles) are computed once at construction.
public struct PhiNullSample: Equatable, Sendable {
    public let ambient: Int
    public let maxI: Int
    public let maxJ: Int
    public let draws: Int
    public let values: [Double]
    /// Per cell, index (i − 1)·maxJ + j − 1: the mean, q(0.025) and q(0.975) over draws.
    public let cellMean: [Double]
    public let cellLower: [Double]
    public let cellUpper: [Double]

    public init(ambient: Int, maxI: Int, maxJ: Int, draws: Int, values: [Double]) {
        precondition(values.count == draws * maxI * maxJ, "\(values.count) values for \(draws) draws of \(maxI) × \(maxJ)")
        self.ambient = ambient
        self.maxI = maxI
        self.maxJ = maxJ
        self.draws = draws
        self.values = values
        let cells = maxI * maxJ
        var mean = [Double](repeating: 0, count: cells), lower = mean, upper = mean
        var column = [Double](repeating: 0, count: draws)
        for c in 0..<cells {
            for d in 0..<draws { column[d] = values[d * cells + c] }
            let null = NullDistribution(column)
            (mean[c], lower[c], upper[c]) = (null.mean, null.lower, null.upper)
        }
        cellMean = mean
        cellLower = lower
        cellUpper = upper
    }

    /// φ(i, j) of draw d (1-based i, j).
    public func value(draw d: Int, _ i: Int, _ j: Int) -> Double { values[(d * maxI + i - 1) * maxJ + j - 1] }

    /// Mid-rank empirical quantile of x among cell (i, j)'s draws (`NullDistribution.cdf`), by counting.
    public func cdf(_ i: Int, _ j: Int, _ x: Double) -> Double {
        var below = 0, equal = 0
        for d in 0..<draws {
            let v = value(draw: d, i, j)
            if v < x { below += 1 } else if v == x { equal += 1 }
        }
        return (Double(below) + 0.5 * Double(equal)) / Double(draws)
    }

    /// The null of cell (i, j).
    public func cell(_ i: Int, _ j: Int) -> NullDistribution {
        NullDistribution((0..<draws).map { value(draw: $0, i, j) })
    }

    /// The null of D = (1/K)·Σ_{k≤K} φ(k, k), K ≤ min(maxI, maxJ) (claim 4's statistic).
    public func diagonalMean(_ K: Int) -> NullDistribution {
        precondition(K >= 1 && K <= Swift.min(maxI, maxJ), "K = \(K) outside 1…\(Swift.min(maxI, maxJ))")
        return NullDistribution((0..<draws).map { d in (1...K).map { value(draw: d, $0, $0) }.reduce(0, +) / Double(K) })
    }

    /// The mean grid over draws, grid[i-1][j-1].
    public var meanGrid: [[Double]] { (1...maxI).map { i in (1...maxJ).map { j in cellMean[(i - 1) * maxJ + j - 1] } } }
}

extension SubspaceSimilarity {
    /// `draws` draws of the φ grid, i ≤ maxI, j ≤ maxJ, between independent Haar frames A (k × maxI) and B (k × maxJ)
    /// with nested leading columns, from `rng`.
    ///
    /// By rotation invariance one frame can be fixed to the first coordinate axes: with B = [e₁ … e_maxJ],
    /// φ(i, j) = ‖A[:, :i]ᵀ·B[:, :j]‖²_F / min(i, j) = ‖A[:j, :i]‖²_F / min(i, j) — the top-left block of A's first maxJ
    /// rows. So each draw forms only the first max(maxI, maxJ) rows of ONE Haar frame with m = min(maxI, maxJ) columns
    /// (`HaarFrameSampler`; the roles of i and j swap when maxJ < maxI), at a cost of k·m² instead of two k-row frames.
    /// E[φ(i, j)] = max(i, j)/k and Var φ(i, j) = `randomVariance(i:j:ambient:)`, which the tests check.
    public static func randomGridNull(ambient k: Int, maxI: Int, maxJ: Int, draws: Int,
                                      using rng: inout SeededGenerator) throws -> PhiNullSample {
        precondition(maxI >= 1 && maxJ >= 1 && maxI <= k && maxJ <= k && draws >= 1,
                     "need 1 ≤ maxI, maxJ ≤ k = \(k) and draws ≥ 1, got \(maxI), \(maxJ), \(draws)")
        let m = Swift.min(maxI, maxJ), rows = Swift.max(maxI, maxJ)
        let frameIsA = maxI <= maxJ                      // the frame carries i (columns), its rows index j
        var sampler = HaarFrameSampler(rows: k, columns: m)
        var values = [Double](repeating: 0, count: draws * maxI * maxJ)
        // prefix[a][b] = Σ_{a' < a, b' < b} X[a'][b']², with a zero border.
        var prefix = [Double](repeating: 0, count: (rows + 1) * (m + 1))
        for d in 0..<draws {
            try sampler.draw(using: &rng)
            let x = sampler.leadingRows(rows)            // rows × m
            for a in 1...rows {
                var rowSum = 0.0
                for b in 1...m {
                    let v = x[a - 1, b - 1]
                    rowSum += v * v
                    prefix[a * (m + 1) + b] = prefix[(a - 1) * (m + 1) + b] + rowSum
                }
            }
            for i in 1...maxI {
                for j in 1...maxJ {
                    let (a, b) = frameIsA ? (j, i) : (i, j)
                    values[(d * maxI + i - 1) * maxJ + j - 1] = prefix[a * (m + 1) + b] / Double(Swift.min(i, j))
                }
            }
        }
        return PhiNullSample(ambient: k, maxI: maxI, maxJ: maxJ, draws: draws, values: values)
    }
}
