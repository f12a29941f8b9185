import LinearAlgebra

/// Orthonormal top singular directions of one matrix M (out × in), computed once and reused.
///
/// M ≈ left · diag(values) · rightᵀ with `left` (out × p) and `right` (in × p) holding the left and right
/// singular vectors as COLUMNS, `values` descending. `right` spans the input space (the space A's rows
/// live in, Sec 7.2); `left` the output space. Truncating to the top n directions is `leading(n)`.
public struct SingularBasis: Equatable, Sendable {
    /// Left singular vectors u_1…u_p as columns (out × p), orthonormal.
    public let left: Matrix<Double>
    /// Singular values s_1 ≥ … ≥ s_p ≥ 0.
    public let values: [Double]
    /// Right singular vectors v_1…v_p as columns (in × p), orthonormal.
    public let right: Matrix<Double>

    public init(left: Matrix<Double>, values: [Double], right: Matrix<Double>) {
        precondition(left.cols == values.count && right.cols == values.count,
                     "basis sizes disagree: left \(left.cols), values \(values.count), right \(right.cols)")
        self.left = left
        self.values = values
        self.right = right
    }

    /// The thin SVD of a dense matrix (LAPACK `dgesdd`): M = U·diag(s)·Vᵀ, p = min(out, in) directions.
    public init(of m: Matrix<Double>) throws {
        let svd = try m.svd()
        self.init(left: svd.u, values: svd.singularValues, right: svd.v)
    }

    /// Number of directions p.
    public var count: Int { values.count }

    /// The top-n directions (n ≤ p): columns 1…n of `left` and `right`, values 1…n.
    public func leading(_ n: Int) -> SingularBasis {
        precondition(n >= 0 && n <= count, "cannot take \(n) of \(count) singular directions")
        return SingularBasis(left: left.leadingColumns(n), values: Array(values.prefix(n)), right: right.leadingColumns(n))
    }

    /// ‖M‖_F = √(Σ s_k²) over the stored values (exact for a full thin SVD; the top-p part otherwise).
    public var frobeniusNorm: Double { values.reduce(0) { $0 + $1 * $1 }.squareRoot() }
}
