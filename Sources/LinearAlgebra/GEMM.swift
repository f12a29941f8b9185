/// General matrix multiply on views: C ← α·op(A)·op(B) + β·C, with op(X) = X or Xᵀ.
///
/// Shapes are checked: op(A) is m × k, op(B) is k × n, C is m × n. β = 0 overwrites C (NaNs in C do not
/// propagate, as BLAS specifies); β = 1 accumulates, which is how backward passes add into gradients.
/// Runs OpenBLAS's `cblas_?gemm`. `gemmReference` is the naive triple loop kept beside it for tests.
@inlinable @inline(__always)
public func gemm<T: BLASScalar>(_ a: MatrixView<T>, transposeA: Bool = false,
                                _ b: MatrixView<T>, transposeB: Bool = false,
                                into c: MutableMatrixView<T>, alpha: T = 1, beta: T = 0) {
    let (m, k) = transposeA ? (a.cols, a.rows) : (a.rows, a.cols)
    let (kb, n) = transposeB ? (b.cols, b.rows) : (b.rows, b.cols)
    precondition(k == kb && c.rows == m && c.cols == n,
                 "gemm shape mismatch: op(A) \(m)×\(k), op(B) \(kb)×\(n), C \(c.rows)×\(c.cols)")
    if m == 0 || n == 0 { return }
    if k == 0 {
        // Empty inner dimension: C ← β·C.
        for i in 0..<m { for j in 0..<n { c[i, j] = beta == 0 ? 0 : beta * c[i, j] } }
        return
    }
    T.blasGEMM(transA: transposeA, transB: transposeB, m: m, n: n, k: k, alpha: alpha,
               a: a.base, lda: a.ld, b: b.base, ldb: b.ld, beta: beta, c: c.base, ldc: c.ld)
}

/// Naive reference for `gemm`: the same contract, computed by three loops with a Double accumulator.
/// Only tests use it; it is the ground truth the BLAS path is compared against.
public func gemmReference<T: BLASScalar>(_ a: MatrixView<T>, transposeA: Bool = false,
                                         _ b: MatrixView<T>, transposeB: Bool = false,
                                         into c: MutableMatrixView<T>, alpha: T = 1, beta: T = 0) {
    let (m, k) = transposeA ? (a.cols, a.rows) : (a.rows, a.cols)
    let (kb, n) = transposeB ? (b.cols, b.rows) : (b.rows, b.cols)
    precondition(k == kb && c.rows == m && c.cols == n,
                 "gemm shape mismatch: op(A) \(m)×\(k), op(B) \(kb)×\(n), C \(c.rows)×\(c.cols)")
    for i in 0..<m {
        for j in 0..<n {
            var s = 0.0
            for p in 0..<k {
                let x = transposeA ? a[p, i] : a[i, p]
                let y = transposeB ? b[j, p] : b[p, j]
                s += Double(x) * Double(y)
            }
            let prior = beta == 0 ? 0 : Double(beta) * Double(c[i, j])
            c[i, j] = T(Double(alpha) * s + prior)
        }
    }
}

extension Matrix {
    /// op(A)·op(B) as a new matrix (BLAS).
    public static func product(_ a: Matrix, transposeA: Bool = false, _ b: Matrix, transposeB: Bool = false) -> Matrix {
        let m = transposeA ? a.cols : a.rows
        let n = transposeB ? b.rows : b.cols
        var c = Matrix(rows: m, cols: n)
        a.withView { av in b.withView { bv in c.withMutableView { cv in
            gemm(av, transposeA: transposeA, bv, transposeB: transposeB, into: cv)
        } } }
        return c
    }

    /// Matrix product A·B (BLAS).
    public static func * (a: Matrix, b: Matrix) -> Matrix { product(a, b) }
}
