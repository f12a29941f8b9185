import LinearAlgebra

/// Recovery of a planted ΔW* measured as the data sees ΔW (the planted control's identifiable quantity).
///
/// A matrix acts on its inputs x only through ΔW·x, so two updates that differ by D with D·x ≈ 0 on every input are
/// indistinguishable from the outputs: the right singular vectors of ΔW are identifiable only where the inputs vary.
/// With C the centred covariance of the inputs (d × d, as the matrix's path sees them) and S = C^{1/2}, the data sees
/// ΔW through ΔW·S (E‖ΔW·(x − μ)‖² = ‖ΔW·S‖²_F). So the data-metric recovery is
/// recovery_S(k) = φ(top-k right singular vectors of ΔW·S, top-k of ΔW*·S, k, k) (Sec 7.2, Eq. 4, in that metric).
/// Measured on all-MiniLM-L6-v2's W_v (inputs mixed by attention, which leave many directions nearly unexcited):
/// students fit the teacher with ΔW_v − ΔW*_v nearly invisible to the inputs (relative output error 2·10⁻⁴) while
/// the plain right singular vectors differ (recovery(2) 0.40–0.58 at layers 2–5); in this metric they agree.
///
/// Directions of large input variance dominate S, so random matrices score above max(i, j)/in here: the chance level
/// is a Monte-Carlo null (`dataMetricNull`), not the plain metric's k/in.
extension PlantedRecovery {
    /// S = C^{1/2} (symmetric square root; C symmetric positive semi-definite, so its SVD is its eigendecomposition
    /// C = U·diag(λ)·Uᵀ and S = U·diag(√λ)·Uᵀ), scaled by 1/√tr C (the scale does not change singular vectors).
    public static func dataMetric(covariance c: Matrix<Double>) throws -> Matrix<Double> {
        precondition(c.rows == c.cols, "a covariance is square, got \(c.rows)×\(c.cols)")
        let svd = try c.svd()
        let trace = svd.singularValues.reduce(0, +)
        guard trace > 0 else { return Matrix<Double>(rows: c.rows, cols: c.cols) }
        var scaled = svd.u
        for j in 0..<scaled.cols {
            let w = (svd.singularValues[j] / trace).squareRoot()
            for i in 0..<scaled.rows { scaled[i, j] *= w }
        }
        return Matrix.product(scaled, svd.u, transposeB: true)      // U·diag(√(λ/tr C))·Uᵀ
    }

    /// The right singular vectors (in × p, columns) of scale·B·(A·S): ΔW as the data sees it (`LowRank.svd`).
    public static func dataMetricRight(b: Matrix<Double>, a: Matrix<Double>, scale: Double, metric s: Matrix<Double>) throws -> Matrix<Double> {
        try LowRank.svd(b: b, a: Matrix.product(a, s), scale: scale).right
    }

    /// The chance level of recovery_S(k), k = 1…maxK: `draws` random rank-r updates ΔW = B·A (B out × r and A r × in with
    /// independent standard Gaussian entries: no preferred direction) seen through the same metric, against the
    /// planted right vectors in that metric. One `NullDistribution` per k.
    public static func dataMetricNull(plantedRight: Matrix<Double>, outFeatures: Int, rank r: Int, maxK: Int,
                                      metric s: Matrix<Double>, draws: Int,
                                      using rng: inout SeededGenerator) throws -> [NullDistribution] {
        precondition(maxK >= 1 && maxK <= Swift.min(r, plantedRight.cols) && draws >= 1, "maxK = \(maxK) outside 1…min(r, planted)")
        var values = [[Double]](repeating: [], count: maxK)
        for _ in 0..<draws {
            let b = Matrix<Double>.gaussian(rows: outFeatures, cols: r, using: &rng)
            let a = Matrix<Double>.gaussian(rows: r, cols: s.rows, using: &rng)
            let right = try dataMetricRight(b: b, a: a, scale: 1, metric: s)
            let curve = recoveryCurve(learnedRight: right, plantedRight: plantedRight, maxK: maxK)
            for k in 0..<maxK { values[k].append(curve[k]) }
        }
        return values.map(NullDistribution.init)
    }
}
