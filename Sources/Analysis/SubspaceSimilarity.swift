import LinearAlgebra

/// Normalised subspace similarity of Sec 7.2, Eq. 4 (Fig 3, Fig 4):
///
///     φ(A, A′, i, j) = ‖U_Aⁱᵀ · U_A′ʲ‖²_F / min(i, j)  ∈ [0, 1]
///
/// where U_A holds the RIGHT singular vectors of A (r × in) as columns — the in-dimensional input-space
/// directions, i.e. the row space of A and of ΔW = scaling·B·A — and U_Aⁱ is its top-i columns; likewise
/// top-j of A′. (App. G's "left singular matrices" is the inconsistent variant; Sec 7.2 is followed.)
/// φ = 1 when one subspace contains the other, 0 when they are orthogonal.
public enum SubspaceSimilarity {
    /// Right singular vectors of A (r × in) as columns (in × min(r, in)), by descending singular value:
    /// A = U·Σ·Vᵀ, returns V. These are the input-space directions of Sec 7.2.
    public static func rightSingularBasis(of a: Matrix<Double>) throws -> Matrix<Double> {
        try a.svd().v
    }

    /// φ for all 1 ≤ i ≤ maxI, 1 ≤ j ≤ maxJ (Sec 7.2, Eq. 4) from two bases with orthonormal columns
    /// (same ambient dimension): `grid[i-1][j-1]` = ‖U[:, ..<i]ᵀ·U′[:, ..<j]‖²_F / min(i, j).
    /// One product M = UᵀU′ (maxI × maxJ block), then 2-D prefix sums of M²: O(i·j) after the product.
    public static func phiGrid(_ u: Matrix<Double>, _ uPrime: Matrix<Double>, maxI: Int, maxJ: Int) -> [[Double]] {
        precondition(u.rows == uPrime.rows, "bases live in different spaces: \(u.rows) vs \(uPrime.rows) rows")
        precondition(maxI >= 1 && maxI <= u.cols, "maxI = \(maxI) outside 1…\(u.cols)")
        precondition(maxJ >= 1 && maxJ <= uPrime.cols, "maxJ = \(maxJ) outside 1…\(uPrime.cols)")
        let m = Matrix.product(u.leadingColumns(maxI), transposeA: true, uPrime.leadingColumns(maxJ))  // maxI × maxJ
        // prefix[i][j] = Σ_{a<i, b<j} m_ab², with a zero border row and column.
        var prefix = [[Double]](repeating: [Double](repeating: 0, count: maxJ + 1), count: maxI + 1)
        for i in 1...maxI {
            var rowSum = 0.0
            for j in 1...maxJ {
                let x = m[i - 1, j - 1]
                rowSum += x * x
                prefix[i][j] = prefix[i - 1][j] + rowSum
            }
        }
        return (1...maxI).map { i in (1...maxJ).map { j in prefix[i][j] / Double(Swift.min(i, j)) } }
    }

    /// φ(A, A′, i, j) (Sec 7.2, Eq. 4) from the factors A (r × in) and A′ (r′ × in) themselves.
    public static func phi(_ a: Matrix<Double>, _ aPrime: Matrix<Double>, i: Int, j: Int) throws -> Double {
        let u = try rightSingularBasis(of: a)
        let uPrime = try rightSingularBasis(of: aPrime)
        return phiGrid(u, uPrime, maxI: i, maxJ: j)[i - 1][j - 1]
    }

    /// E[φ] for independent uniformly random subspaces of dims i and j in R^k: E‖P_i P_j‖²_F = i·j/k,
    /// so E[φ] = i·j/(k·min(i, j)) = max(i, j)/k. The baseline printed beside Fig 3/4 values (Sec 7.2).
    public static func randomExpectation(i: Int, j: Int, ambient k: Int) -> Double {
        precondition(i >= 1 && j >= 1 && k >= Swift.max(i, j), "need 1 ≤ i, j ≤ k, got i \(i), j \(j), k \(k)")
        return Double(Swift.max(i, j)) / Double(k)
    }

    /// Var[φ] for the same random subspaces: Var tr(P_i P_j) = 2·i·j·(k−i)·(k−j) / (k²·(k−1)·(k+2)),
    /// divided by min(i, j)². (For i = j = 1 this is the variance 2(k−1)/(k²(k+2)) of a Beta(½, (k−1)/2) variable.)
    /// Used to judge whether an observed φ stands out from chance.
    public static func randomVariance(i: Int, j: Int, ambient k: Int) -> Double {
        precondition(i >= 1 && j >= 1 && k >= Swift.max(i, j) && k >= 2, "need 1 ≤ i, j ≤ k, k ≥ 2")
        let (di, dj, dk) = (Double(i), Double(j), Double(k))
        let m = Double(Swift.min(i, j))
        return 2 * di * dj * (dk - di) * (dk - dj) / (dk * dk * (dk - 1) * (dk + 2)) / (m * m)
    }
}
