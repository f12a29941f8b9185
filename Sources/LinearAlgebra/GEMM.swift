import Dispatch

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
    @inlinable
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

/// `gemm` with the rows of C split into `Parallel.width` contiguous blocks, each computed by a single-threaded BLAS call
/// on its own core. The training step uses this instead of OpenBLAS's own threads: the engine then owns every core
/// (no BLAS worker threads spinning while the element-wise work runs), and small products stay on one core.
/// Each block computes exactly what the full call computes for those rows, so the result equals `gemm`'s.
@inlinable
public func parallelGemm(_ a: MatrixView<Float>, transposeA: Bool = false, _ b: MatrixView<Float>, transposeB: Bool = false,
                         into c: MutableMatrixView<Float>, alpha: Float = 1, beta: Float = 0) {
    let m = c.rows
    let k = transposeA ? a.rows : a.cols
    let work = m * c.cols * k
    let chunks = min(Parallel.width, m / 16)
    BLAS.ensureSingleThreaded()
    if chunks <= 1 || work < 1 << 21 {
        gemm(a, transposeA: transposeA, b, transposeB: transposeB, into: c, alpha: alpha, beta: beta)
        return
    }
    let size = (m + chunks - 1) / chunks
    DispatchQueue.concurrentPerform(iterations: chunks) { i in
        let start = i * size
        let rows = min(m, start + size) - start
        guard rows > 0 else { return }
        let aBlock = transposeA ? MatrixView(a.base + start, rows: a.rows, cols: rows, ld: a.ld)
                                : MatrixView(a.base + start * a.ld, rows: rows, cols: a.cols, ld: a.ld)
        gemm(aBlock, transposeA: transposeA, b, transposeB: transposeB,
             into: MutableMatrixView(c.base + start * c.ld, rows: rows, cols: c.cols, ld: c.ld), alpha: alpha, beta: beta)
    }
}
