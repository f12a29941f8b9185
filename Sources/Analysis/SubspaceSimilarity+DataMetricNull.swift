import LinearAlgebra

extension SubspaceSimilarity {
    /// `draws` draws of the φ grid, i ≤ maxI, j ≤ maxJ, between the right singular vectors of two independent random
    /// updates in the data metric S = C^{1/2} (`PlantedRecovery.dataMetric`): ΔW_a = B_a·A_a of rank `rankA` and ΔW_b
    /// of rank `rankB`, all factors with independent standard Gaussian entries (B out × r, A r × in), each seen as
    /// ΔW·S. The chance level of Figs 3 and 4 in that metric: S favours the directions the inputs vary in, so random
    /// updates share more there than Haar subspaces do (E[φ] = max(i, j)/in only when C ∝ I).
    /// Storage as `PhiNullSample`: draw d's φ(i, j) at `values[(d·maxI + i − 1)·maxJ + j − 1]`.
    public static func dataMetricGridNull(metric s: Matrix<Double>, outFeatures: Int, rankA: Int, rankB: Int, maxI: Int, maxJ: Int,
                                          draws: Int, using rng: inout SeededGenerator) throws -> PhiNullSample {
        precondition(maxI >= 1 && maxJ >= 1 && maxI <= rankA && maxJ <= rankB && draws >= 1,
                     "need 1 ≤ maxI ≤ r_a = \(rankA), 1 ≤ maxJ ≤ r_b = \(rankB) and draws ≥ 1, got \(maxI), \(maxJ), \(draws)")
        var values: [Double] = []
        values.reserveCapacity(draws * maxI * maxJ)
        func randomRight(_ r: Int) throws -> Matrix<Double> {
            let b = Matrix<Double>.gaussian(rows: outFeatures, cols: r, using: &rng)
            let a = Matrix<Double>.gaussian(rows: r, cols: s.rows, using: &rng)
            return try PlantedRecovery.dataMetricRight(b: b, a: a, scale: 1, metric: s)
        }
        for _ in 0..<draws {
            let (x, y) = (try randomRight(rankA), try randomRight(rankB))
            for row in phiGrid(x, y, maxI: maxI, maxJ: maxJ) { values += row }
        }
        return PhiNullSample(ambient: s.rows, maxI: maxI, maxJ: maxJ, draws: draws, values: values)
    }
}
