import LinearAlgebra

/// The LoRA update as a matrix. Convention (paper Sec 4.1; docs/conventions.md):
/// ΔW = scaling·B·A with scaling = α/r (rsLoRA: α/√r), A is r × in, B is out × r, W the frozen weight in
/// PyTorch's (out, in) layout. The `scale` argument below IS that scaling; callers pass it explicitly.
public enum LowRank {
    /// Dense ΔW = scale·B·A (out × in), for norms and export. B is out × r, A is r × in.
    public static func deltaWeight(b: Matrix<Double>, a: Matrix<Double>, scale: Double) -> Matrix<Double> {
        precondition(b.cols == a.rows, "B is \(b.rows)×\(b.cols) but A is \(a.rows)×\(a.cols): inner ranks differ")
        return scale * Matrix.product(b, a)
    }

    /// SVD of ΔW = scale·B·A without a dense SVD of the out × in product.
    ///
    /// Thin QR B = Q_B·R_B (Q_B out × r) and Aᵀ = Q_A·R_A (Q_A in × r), so ΔW = Q_B·(scale·R_B·R_Aᵀ)·Q_Aᵀ.
    /// With the r × r core C = scale·R_B·R_Aᵀ = U_c·Σ·V_cᵀ: left = Q_B·U_c, values = Σ, right = Q_A·V_c.
    /// R_B = Q_Bᵀ·B and R_A = Q_Aᵀ·Aᵀ are formed by products (exact up to round-off even for rank-deficient
    /// factors, e.g. B = 0 at initialisation gives all-zero values). Cost O((out + in)·r²) instead of
    /// O(out·in·min(out, in)). Returns p = r directions; when r > min(out, in) it falls back to the dense SVD
    /// (p = min(out, in)). Sec 7.2–7.3 use the right vectors (input space) and left vectors (output space).
    public static func svd(b: Matrix<Double>, a: Matrix<Double>, scale: Double) throws -> SingularBasis {
        precondition(b.cols == a.rows, "B is \(b.rows)×\(b.cols) but A is \(a.rows)×\(a.cols): inner ranks differ")
        let r = a.rows
        guard r <= b.rows && r <= a.cols else {
            return try SingularBasis(of: deltaWeight(b: b, a: a, scale: scale))
        }
        let at = a.transposed                                        // in × r
        let qb = try b.orthonormalColumns()                          // out × r
        let qa = try at.orthonormalColumns()                         // in × r
        let rb = Matrix.product(qb, transposeA: true, b)             // r × r
        let ra = Matrix.product(qa, transposeA: true, at)            // r × r
        let core = scale * Matrix.product(rb, ra, transposeB: true)  // r × r = scale·R_B·R_Aᵀ
        let c = try core.svd()
        return SingularBasis(left: Matrix.product(qb, c.u), values: c.singularValues,
                             right: Matrix.product(qa, c.vt, transposeB: true))
    }
}
