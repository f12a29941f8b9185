import LinearAlgebra

/// App. H.3, Fig 8: how much the top directions of ΔW overlap with the top directions of W.
///
/// grid[i-1][j-1] = φ(top-i of W, top-j of ΔW) = ‖V_Wⁱᵀ·V_ΔWʲ‖²_F / min(i, j), the Sec 7.2 Eq. 4 similarity,
/// using the RIGHT singular vectors (input space, in-dimensional) of both W (out × in) and ΔW. Right vectors are
/// chosen for consistency with Sec 7.2, where φ is taken on A, whose row space is exactly ΔW = scaling·B·A's
/// right singular space; so this grid and Fig 3/4 measure directions in the same space.
/// Random baseline: max(i, j)/in (`SubspaceSimilarity.randomExpectation`).
public enum DirectionOverlap {
    /// φ grid between W's right singular vectors (in × p, columns, i ≤ maxI) and ΔW's (in × r, j ≤ maxJ).
    public static func grid(wRight: Matrix<Double>, deltaRight: Matrix<Double>, maxI: Int, maxJ: Int) -> [[Double]] {
        SubspaceSimilarity.phiGrid(wRight, deltaRight, maxI: maxI, maxJ: maxJ)
    }

    /// The same from cached bases: `grid(wRight: w.right, deltaRight: delta.right, …)`.
    public static func grid(w: SingularBasis, delta: SingularBasis, maxI: Int, maxJ: Int) -> [[Double]] {
        grid(wRight: w.right, deltaRight: delta.right, maxI: maxI, maxJ: maxJ)
    }
}
