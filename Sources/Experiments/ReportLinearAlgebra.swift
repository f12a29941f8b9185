import Analysis
import LinearAlgebra

/// Float64 helpers specialised for the report's hot paths.
///
/// `Matrix`'s element-wise helpers (`converted`, `isFinite`, `transposed`, `leadingColumns`, `frobeniusNorm`) are
/// generic over `BLASScalar` and not `@inlinable`, so from this module they run unspecialised (tens of ns per element).
/// On a spec's 384 × 384 weights that was most of the report's time. These do the same with concrete `Double` loops
/// and call the same LAPACK routine (`Double.lapackGESDD`, as `Matrix.svd()` does), so every result is bit-identical
/// to the library's (`ReportLinearAlgebraTests` checks it).
enum ReportLinearAlgebra {
    /// Float32 → Float64, element by element (as `Matrix.converted(to:)`).
    static func doubles(_ m: Matrix<Float>) -> Matrix<Double> {
        Matrix<Double>(rows: m.rows, cols: m.cols, storage: m.storage.map { Double($0) })
    }

    static func isFinite(_ m: Matrix<Double>) -> Bool {
        m.storage.withUnsafeBufferPointer { p in
            var ok = true
            for x in p where !x.isFinite { ok = false; break }
            return ok
        }
    }

    /// The transpose, materialised.
    static func transposed(_ m: Matrix<Double>) -> Matrix<Double> {
        var t = [Double](repeating: 0, count: m.rows * m.cols)
        let (rows, cols) = (m.rows, m.cols)
        m.storage.withUnsafeBufferPointer { src in
            t.withUnsafeMutableBufferPointer { dst in
                for i in 0..<rows { for j in 0..<cols { dst[j * rows + i] = src[i * cols + j] } }
            }
        }
        return Matrix(rows: cols, cols: rows, storage: t)
    }

    /// The first n columns, materialised (the matrix itself when n is all of them).
    static func leadingColumns(_ m: Matrix<Double>, _ n: Int) -> Matrix<Double> {
        precondition(n >= 0 && n <= m.cols, "cannot take \(n) columns of \(m.cols)")
        if n == m.cols { return m }
        var out = [Double]()
        out.reserveCapacity(m.rows * n)
        m.storage.withUnsafeBufferPointer { p in
            for i in 0..<m.rows { out.append(contentsOf: p[(i * m.cols)..<(i * m.cols + n)]) }
        }
        return Matrix(rows: m.rows, cols: n, storage: out)
    }

    /// ‖M‖_F, accumulated in storage order (as `Matrix.frobeniusNorm`).
    static func frobeniusNorm(_ m: Matrix<Double>) -> Double {
        m.storage.withUnsafeBufferPointer { p in
            var s = 0.0
            for x in p { s += x * x }
            return s.squareRoot()
        }
    }

    /// The thin SVD M = U·diag(s)·Vᵀ through `LAPACKE_dgesdd` (jobz "S"), exactly as `SingularBasis(of:)` computes it.
    static func svd(_ m: Matrix<Double>) throws -> SingularBasis {
        guard isFinite(m) else { throw LinearAlgebraError.nonFinite(operation: "svd") }
        let (rows, cols) = (m.rows, m.cols)
        let p = Swift.min(rows, cols)
        if p == 0 { return SingularBasis(left: Matrix(rows: rows, cols: 0), values: [], right: Matrix(rows: cols, cols: 0)) }
        var a = m.storage
        var s = [Double](repeating: 0, count: p)
        var u = [Double](repeating: 0, count: rows * p)
        var vt = [Double](repeating: 0, count: p * cols)
        let info = a.withUnsafeMutableBufferPointer { ap in
            s.withUnsafeMutableBufferPointer { sp in
                u.withUnsafeMutableBufferPointer { up in
                    vt.withUnsafeMutableBufferPointer { vp in
                        Double.lapackGESDD(m: rows, n: cols, a: ap.baseAddress!, lda: cols, s: sp.baseAddress!,
                                           u: up.baseAddress!, ldu: p, vt: vp.baseAddress!, ldvt: cols)
                    }
                }
            }
        }
        guard info == 0 else { throw LinearAlgebraError.lapack(routine: "gesdd", info: info) }
        return SingularBasis(left: Matrix(rows: rows, cols: p, storage: u), values: s,
                             right: transposed(Matrix(rows: p, cols: cols, storage: vt)))
    }

    /// ‖UᵀWV‖_F for the top-r columns of U (out × ·) and V (in × ·): `WeightProjection.projectionNorm` on
    /// `leadingColumns(r)`.
    static func projectionNorm(w: Matrix<Double>, left: Matrix<Double>, right: Matrix<Double>, rank r: Int) -> Double {
        let u = leadingColumns(left, r), v = leadingColumns(right, r)
        return frobeniusNorm(Matrix.product(u, transposeA: true, Matrix.product(w, v)))
    }
}
