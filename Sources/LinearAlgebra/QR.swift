extension Matrix {
    /// An orthonormal basis of the column space: Q (rows × cols) from the Householder QR M = Q·R
    /// (`?geqrf` then `?orgqr`), for rows ≥ cols. QᵀQ = I to working precision.
    /// Used to draw random orthonormal U, V (planted-rank task) and random subspaces (baselines).
    @inlinable
    public func orthonormalColumns() throws -> Matrix {
        precondition(rows >= cols, "orthonormalColumns needs rows ≥ cols, got (\(rows), \(cols))")
        guard isFinite else { throw LinearAlgebraError.nonFinite(operation: "qr") }
        if cols == 0 { return self }
        var a = self
        var tau = [Scalar](repeating: 0, count: cols)
        let (m, n) = (rows, cols)
        let info1 = a.storage.withUnsafeMutableBufferPointer { ap in
            tau.withUnsafeMutableBufferPointer { tp in Scalar.lapackGEQRF(m: m, n: n, a: ap.baseAddress!, lda: n, tau: tp.baseAddress!) }
        }
        guard info1 == 0 else { throw LinearAlgebraError.lapack(routine: "geqrf", info: info1) }
        let info2 = a.storage.withUnsafeMutableBufferPointer { ap in
            tau.withUnsafeBufferPointer { tp in Scalar.lapackORGQR(m: m, n: n, k: n, a: ap.baseAddress!, lda: n, tau: tp.baseAddress!) }
        }
        guard info2 == 0 else { throw LinearAlgebraError.lapack(routine: "orgqr", info: info2) }
        return a
    }
}
