import CBLAS
import CLAPACKE

// The C calls behind `gramUpper`, `choleskyUpper` and `solveUpperTriangular` (Cholesky.swift).

extension Float {
    public static func blasSYRKUpperTransposed(n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                                               beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(k), alpha, a, Int32(lda), beta, c, Int32(ldc))
    }
    public static func blasTRSMUpper(right: Bool, m: Int, n: Int, r: UnsafePointer<Float>, ldr: Int,
                                     b: UnsafeMutablePointer<Float>, ldb: Int) {
        if right {
            cblas_strsm(CblasRowMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, Int32(m), Int32(n), 1, r, Int32(ldr), b, Int32(ldb))
        } else {
            cblas_strsm(CblasRowMajor, CblasLeft, CblasUpper, CblasTrans, CblasNonUnit, Int32(n), Int32(m), 1, r, Int32(ldr), b, Int32(ldb))
        }
    }
    public static func lapackPOTRFUpper(n: Int, a: UnsafeMutablePointer<Float>, lda: Int) -> Int {
        Int(LAPACKE_spotrf(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "U")), Int32(n), a, Int32(lda)))
    }
}

extension Double {
    public static func blasSYRKUpperTransposed(n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
                                               beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(k), alpha, a, Int32(lda), beta, c, Int32(ldc))
    }
    public static func blasTRSMUpper(right: Bool, m: Int, n: Int, r: UnsafePointer<Double>, ldr: Int,
                                     b: UnsafeMutablePointer<Double>, ldb: Int) {
        if right {
            cblas_dtrsm(CblasRowMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, Int32(m), Int32(n), 1, r, Int32(ldr), b, Int32(ldb))
        } else {
            cblas_dtrsm(CblasRowMajor, CblasLeft, CblasUpper, CblasTrans, CblasNonUnit, Int32(n), Int32(m), 1, r, Int32(ldr), b, Int32(ldb))
        }
    }
    public static func lapackPOTRFUpper(n: Int, a: UnsafeMutablePointer<Double>, lda: Int) -> Int {
        Int(LAPACKE_dpotrf(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "U")), Int32(n), a, Int32(lda)))
    }
}
