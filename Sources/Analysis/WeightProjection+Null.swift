import LinearAlgebra

extension WeightProjection {
    /// `draws` draws of ‖UᵀWV‖_F for independent Haar frames U (out × r), V (in × r): the Monte-Carlo null of Table 7's
    /// random-direction row (Sec 7.3), from W's singular values `s` (p = min(out, in) of them, descending) alone.
    ///
    /// With W = P·diag(s)·Qᵀ (P out × p, Q in × p orthonormal), UᵀWV = (PᵀU)ᵀ·diag(s)·(QᵀV), and completing P, Q to
    /// rotations shows (PᵀU, QᵀV) has the law of the first p rows of two independent Haar frames U′, V′. Each draw
    /// takes U′ = G_U·R_U⁻¹ and V′ = G_V·R_V⁻¹ (`HaarFrameSampler`, G_U drawn before G_V) and never forms them:
    /// U′[:p]ᵀ·diag(s)·V′[:p] = R_U⁻ᵀ·(G_U[:p]ᵀ·diag(s)·G_V[:p])·R_V⁻¹, two Gram matrices, one r × p × r product and
    /// two r × r triangular solves. E‖UᵀWV‖²_F = (r/out)(r/in)‖W‖²_F (`randomProjectionScale`), which the tests check.
    public static func randomProjectionNull(singularValues s: [Double], rows: Int, cols: Int, rank r: Int, draws: Int,
                                            using rng: inout SeededGenerator) throws -> NullDistribution {
        let p = s.count
        precondition(p == Swift.min(rows, cols) && r >= 1 && r <= p && draws >= 1,
                     "need p = min(out, in) singular values and 1 ≤ r ≤ p, got p \(p), out \(rows), in \(cols), r \(r)")
        var u = HaarFrameSampler(rows: rows, columns: r), v = HaarFrameSampler(rows: cols, columns: r)
        var scaled = Matrix<Double>(rows: p, cols: r)
        var core = Matrix<Double>(rows: r, cols: r)
        var out: [Double] = []
        out.reserveCapacity(draws)
        for _ in 0..<draws {
            try u.draw(using: &rng)
            try v.draw(using: &rng)
            v.gaussian.storage.withUnsafeBufferPointer { g in       // diag(s)·G_V[:p]
                for k in 0..<p { for c in 0..<r { scaled.storage[k * r + c] = s[k] * g[k * r + c] } }
            }
            u.gaussian.withView { gu in
                scaled.withView { sv in
                    core.withMutableView { c in
                        gemm(MatrixView(gu.base, rows: p, cols: r, ld: gu.ld), transposeA: true, sv, into: c)
                    }
                }
            }
            u.factor.withView { ru in core.withMutableView { solveUpperTransposedLeft(ru, $0) } }
            v.factor.withView { rv in core.withMutableView { solveUpperRight(rv, $0) } }
            out.append(core.frobeniusNorm)
        }
        return NullDistribution(out)
    }
}
