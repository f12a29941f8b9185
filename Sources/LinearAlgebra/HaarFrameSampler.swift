/// Draws uniformly distributed (Haar) orthonormal frames Q (n × m, m ≤ n), reusing its workspaces across draws: the
/// random directions of the Monte-Carlo nulls (random subspaces of Fig 4 and App. H.3, random U, V of Table 7).
///
/// Each draw fills G (n × m) with standard normals (`SeededGenerator.fillGaussian`) and takes its Cholesky QR:
/// R upper triangular with RᵀR = GᵀG and R_ii > 0, Q = G·R⁻¹. That Q is the QR factor of G with a positive diagonal,
/// which is Haar-distributed on the n × m Stiefel manifold (G's law is invariant under left rotations, and the
/// positive-diagonal QR is unique and rotation-equivariant). Since R is triangular, Q's first j columns span G's first
/// j columns: they are a uniformly random j-frame for every j ≤ m, nested like the top-j singular vectors φ compares.
/// Cholesky QR loses orthogonality as cond(G)²·ε, harmless for a tall Gaussian G (cond ≈ (√n + √m)/(√n − √m), ~2.4
/// at n = 384, m = 64; even a square one, cond ~ n, keeps it near n²·ε ≈ 1e-11 at n = 384).
public struct HaarFrameSampler {
    public let rows: Int
    public let columns: Int
    /// G (rows × columns), row-major, of the last draw.
    public private(set) var gaussian: Matrix<Double>
    /// R (columns × columns): the upper Cholesky factor of GᵀG of the last draw (strict lower triangle unspecified).
    public private(set) var factor: Matrix<Double>

    public init(rows n: Int, columns m: Int) {
        precondition(m >= 1 && m <= n, "a Haar frame needs 1 ≤ columns ≤ rows, got \(n) × \(m)")
        rows = n
        columns = m
        gaussian = Matrix(rows: n, cols: m)
        factor = Matrix(rows: m, cols: m)
    }

    /// Draws a new G from `rng` and factors GᵀG = RᵀR. Throws only if GᵀG is numerically singular (probability 0).
    public mutating func draw(using rng: inout SeededGenerator) throws {
        gaussian.storage.withUnsafeMutableBufferPointer { rng.fillGaussian($0) }
        gaussian.withView { g in factor.withMutableView { gramUpper(g, into: $0) } }
        try factor.withMutableView { try choleskyUpper($0) }
    }

    /// The first `count` rows of the frame Q = G·R⁻¹ of the last draw (count × columns; `rows` for all of Q).
    /// Costs count·m² (a triangular solve on those rows only).
    public func leadingRows(_ count: Int) -> Matrix<Double> {
        precondition(count >= 0 && count <= rows, "cannot take \(count) rows of a \(rows)-row frame")
        var q = gaussian.leadingRows(count)
        factor.withView { r in q.withMutableView { solveUpperRight(r, $0) } }
        return q
    }
}
