/// The pieces of a Cholesky QR, G = Q·R with R the upper Cholesky factor of GᵀG and Q = G·R⁻¹: a Gram matrix
/// (`?syrk`), a Cholesky factorisation (`?potrf`) and triangular solves (`?trsm`), on views so callers reuse workspaces.
/// Cholesky QR costs about half a Householder QR (`orthonormalColumns`) and runs at BLAS-3 speed; it loses
/// orthogonality as cond(G)², so use it for well-conditioned G such as tall Gaussian matrices (cond ≈ (√n+√m)/(√n−√m)).

/// C ← AᵀA on the UPPER triangle of C (n × n) for A (k × n): the Gram matrix of A's columns. The strict lower triangle
/// of C is not written.
@inlinable
public func gramUpper<T: BLASScalar>(_ a: MatrixView<T>, into c: MutableMatrixView<T>) {
    let n = a.cols
    precondition(c.rows == n && c.cols == n, "gramUpper: A is \(a.rows)×\(n) but C is \(c.rows)×\(c.cols)")
    if n == 0 { return }
    if a.rows == 0 {
        for i in 0..<n { for j in i..<n { c[i, j] = 0 } }
        return
    }
    T.blasSYRKUpperTransposed(n: n, k: a.rows, alpha: 1, a: a.base, lda: a.ld, beta: 0, c: c.base, ldc: c.ld)
}

/// In place on the upper triangle of the symmetric positive-definite A (n × n): A = RᵀR with R upper triangular and
/// R_ii > 0. Reads and writes only the upper triangle. Throws `.lapack(routine: "potrf", info:)` when A is not
/// positive definite (info > 0 is the order of the first non-positive leading minor).
@inlinable
public func choleskyUpper<T: BLASScalar>(_ a: MutableMatrixView<T>) throws {
    precondition(a.rows == a.cols, "choleskyUpper needs a square matrix, got \(a.rows)×\(a.cols)")
    if a.rows == 0 { return }
    let info = T.lapackPOTRFUpper(n: a.rows, a: a.base, lda: a.ld)
    guard info == 0 else { throw LinearAlgebraError.lapack(routine: "potrf", info: info) }
}

/// B ← B·R⁻¹ in place, for B (m × n) and R (n × n) upper triangular with a non-zero diagonal (only R's upper
/// triangle is read).
@inlinable
public func solveUpperRight<T: BLASScalar>(_ r: MatrixView<T>, _ b: MutableMatrixView<T>) {
    precondition(r.rows == r.cols && b.cols == r.rows, "solveUpperRight: R is \(r.rows)×\(r.cols), B is \(b.rows)×\(b.cols)")
    if b.rows == 0 || b.cols == 0 { return }
    T.blasTRSMUpper(right: true, m: b.rows, n: b.cols, r: r.base, ldr: r.ld, b: b.base, ldb: b.ld)
}

/// B ← R⁻ᵀ·B in place, for B (n × m) and R (n × n) upper triangular with a non-zero diagonal (only R's upper
/// triangle is read).
@inlinable
public func solveUpperTransposedLeft<T: BLASScalar>(_ r: MatrixView<T>, _ b: MutableMatrixView<T>) {
    precondition(r.rows == r.cols && b.rows == r.rows, "solveUpperTransposedLeft: R is \(r.rows)×\(r.cols), B is \(b.rows)×\(b.cols)")
    if b.rows == 0 || b.cols == 0 { return }
    T.blasTRSMUpper(right: false, m: b.cols, n: b.rows, r: r.base, ldr: r.ld, b: b.base, ldb: b.ld)
}
