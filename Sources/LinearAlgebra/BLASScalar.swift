import CBLAS
import CLAPACKE

/// A floating-point type with BLAS/LAPACK kernels: `Float` (s-routines) for the training hot path,
/// `Double` (d-routines) for the Section 7 analyses, whose SVDs are taken in Float64.
///
/// This protocol and its two conformances are the only place that calls into C besides `BLAS.threads`.
public protocol BLASScalar: BinaryFloatingPoint, Sendable where Self.RawSignificand: FixedWidthInteger {
    /// C ← α·op(A)·op(B) + β·C on row-major storage (`cblas_?gemm`).
    static func blasGEMM(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                         a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                         beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    /// Thin SVD of a row-major m × n matrix by divide and conquer (`LAPACKE_?gesdd`, jobz = "S").
    /// `a` is destroyed. Returns LAPACK's `info` (0 on success).
    static func lapackGESDD(m: Int, n: Int, a: UnsafeMutablePointer<Self>, lda: Int,
                            s: UnsafeMutablePointer<Self>, u: UnsafeMutablePointer<Self>, ldu: Int,
                            vt: UnsafeMutablePointer<Self>, ldvt: Int) -> Int
    /// Householder QR of a row-major m × n matrix (`LAPACKE_?geqrf`); returns `info`.
    static func lapackGEQRF(m: Int, n: Int, a: UnsafeMutablePointer<Self>, lda: Int,
                            tau: UnsafeMutablePointer<Self>) -> Int
    /// Forms the m × n matrix Q with orthonormal columns from `geqrf`'s output (`LAPACKE_?orgqr`); returns `info`.
    static func lapackORGQR(m: Int, n: Int, k: Int, a: UnsafeMutablePointer<Self>, lda: Int,
                            tau: UnsafePointer<Self>) -> Int
    /// C ← α·AᵀA + β·C on the upper triangle of the row-major n × n matrix C, A row-major k × n (`cblas_?syrk`,
    /// upper, transposed). The strict lower triangle of C is not referenced. (BLASScalar+Cholesky.swift)
    static func blasSYRKUpperTransposed(n: Int, k: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
                                        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    /// Solves with the upper-triangular n × n R (row-major, non-unit diagonal) in place on the row-major B
    /// (`cblas_?trsm`): `right` B ← B·R⁻¹ (B is m × n), else B ← R⁻ᵀ·B (B is n × m).
    static func blasTRSMUpper(right: Bool, m: Int, n: Int, r: UnsafePointer<Self>, ldr: Int,
                              b: UnsafeMutablePointer<Self>, ldb: Int)
    /// Cholesky factorisation A = RᵀR of a row-major n × n symmetric positive-definite matrix, R written over the
    /// upper triangle (`LAPACKE_?potrf`, "U"); returns `info` (> 0: not positive definite).
    static func lapackPOTRFUpper(n: Int, a: UnsafeMutablePointer<Self>, lda: Int) -> Int
}

@usableFromInline @inline(__always)
func cblasTranspose(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }

extension Float: BLASScalar {
    @inlinable @inline(__always)
    public static func blasGEMM(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                                a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, cblasTranspose(transA), cblasTranspose(transB),
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    public static func lapackGESDD(m: Int, n: Int, a: UnsafeMutablePointer<Float>, lda: Int,
                                   s: UnsafeMutablePointer<Float>, u: UnsafeMutablePointer<Float>, ldu: Int,
                                   vt: UnsafeMutablePointer<Float>, ldvt: Int) -> Int {
        Int(LAPACKE_sgesdd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "S")), Int32(m), Int32(n), a, Int32(lda),
                           s, u, Int32(ldu), vt, Int32(ldvt)))
    }
    public static func lapackGEQRF(m: Int, n: Int, a: UnsafeMutablePointer<Float>, lda: Int,
                                   tau: UnsafeMutablePointer<Float>) -> Int {
        Int(LAPACKE_sgeqrf(LAPACK_ROW_MAJOR, Int32(m), Int32(n), a, Int32(lda), tau))
    }
    public static func lapackORGQR(m: Int, n: Int, k: Int, a: UnsafeMutablePointer<Float>, lda: Int,
                                   tau: UnsafePointer<Float>) -> Int {
        Int(LAPACKE_sorgqr(LAPACK_ROW_MAJOR, Int32(m), Int32(n), Int32(k), a, Int32(lda), tau))
    }
}

extension Double: BLASScalar {
    @inlinable @inline(__always)
    public static func blasGEMM(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                                a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                                beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        cblas_dgemm(CblasRowMajor, cblasTranspose(transA), cblasTranspose(transB),
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    public static func lapackGESDD(m: Int, n: Int, a: UnsafeMutablePointer<Double>, lda: Int,
                                   s: UnsafeMutablePointer<Double>, u: UnsafeMutablePointer<Double>, ldu: Int,
                                   vt: UnsafeMutablePointer<Double>, ldvt: Int) -> Int {
        Int(LAPACKE_dgesdd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "S")), Int32(m), Int32(n), a, Int32(lda),
                           s, u, Int32(ldu), vt, Int32(ldvt)))
    }
    public static func lapackGEQRF(m: Int, n: Int, a: UnsafeMutablePointer<Double>, lda: Int,
                                   tau: UnsafeMutablePointer<Double>) -> Int {
        Int(LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, Int32(m), Int32(n), a, Int32(lda), tau))
    }
    public static func lapackORGQR(m: Int, n: Int, k: Int, a: UnsafeMutablePointer<Double>, lda: Int,
                                   tau: UnsafePointer<Double>) -> Int {
        Int(LAPACKE_dorgqr(LAPACK_ROW_MAJOR, Int32(m), Int32(n), Int32(k), a, Int32(lda), tau))
    }
}
