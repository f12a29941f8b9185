/// Errors from LAPACK routines.
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible {
    /// A LAPACK routine returned a non-zero `info` (negative: bad argument; positive: no convergence).
    case lapack(routine: String, info: Int)
    /// The input had a NaN or infinite element.
    case nonFinite(operation: String)

    public var description: String {
        switch self {
        case let .lapack(routine, info): return "LAPACK \(routine) failed with info = \(info)"
        case let .nonFinite(op): return "\(op): input has a NaN or infinite element"
        }
    }
}

/// A thin singular value decomposition M = U·diag(s)·Vᵀ of an m × n matrix with p = min(m, n):
/// U is m × p with orthonormal columns (left singular vectors), s holds p values in descending order,
/// Vᵀ is p × n with orthonormal rows (its rows are the right singular vectors).
public struct SingularValueDecomposition<Scalar: BLASScalar>: Sendable {
    public let u: Matrix<Scalar>
    public let singularValues: [Scalar]
    public let vt: Matrix<Scalar>

    @usableFromInline
    init(u: Matrix<Scalar>, singularValues: [Scalar], vt: Matrix<Scalar>) {
        self.u = u
        self.singularValues = singularValues
        self.vt = vt
    }

    /// V (n × p): the right singular vectors as columns.
    @inlinable
    public var v: Matrix<Scalar> { vt.transposed }

    /// U·diag(s)·Vᵀ, the reconstruction.
    public var reconstructed: Matrix<Scalar> {
        var us = u
        for i in 0..<us.rows { for j in 0..<us.cols { us[i, j] *= singularValues[j] } }
        return Matrix.product(us, vt)
    }
}

extension Matrix {
    /// Thin SVD through LAPACKE's divide-and-conquer `?gesdd`.
    /// Analyses call it on `Matrix<Double>`; Float64 keeps φ and the Table 7 norms free of Float32 round-off.
    @inlinable
    public func svd() throws -> SingularValueDecomposition<Scalar> {
        guard isFinite else { throw LinearAlgebraError.nonFinite(operation: "svd") }
        let p = Swift.min(rows, cols)
        if p == 0 {
            return SingularValueDecomposition(u: Matrix(rows: rows, cols: 0), singularValues: [],
                                              vt: Matrix(rows: 0, cols: cols))
        }
        var a = storage
        var s = [Scalar](repeating: 0, count: p)
        var u = Matrix(rows: rows, cols: p)
        var vt = Matrix(rows: p, cols: cols)
        let (m, n) = (rows, cols)
        let info = a.withUnsafeMutableBufferPointer { ap in
            s.withUnsafeMutableBufferPointer { sp in
                u.storage.withUnsafeMutableBufferPointer { up in
                    vt.storage.withUnsafeMutableBufferPointer { vp in
                        Scalar.lapackGESDD(m: m, n: n, a: ap.baseAddress!, lda: n, s: sp.baseAddress!,
                                           u: up.baseAddress!, ldu: p, vt: vp.baseAddress!, ldvt: n)
                    }
                }
            }
        }
        guard info == 0 else { throw LinearAlgebraError.lapack(routine: "gesdd", info: info) }
        return SingularValueDecomposition(u: u, singularValues: s, vt: vt)
    }

    /// The singular values only (descending).
    public func singularValues() throws -> [Scalar] { try svd().singularValues }
}
