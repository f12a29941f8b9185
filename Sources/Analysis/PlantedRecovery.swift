import LinearAlgebra

/// How well a learned ΔW recovers a planted low-rank ΔW* (the planted-rank sanity task), measured with the
/// Sec 7.2 Eq. 4 similarity on RIGHT singular vectors (input space):
/// recovery(k) = φ(top-k of ΔW, top-k of ΔW*, k, k) = ‖V_kᵀ·V*_k‖²_F / k, for k = 1…maxK, plus the full grid
/// φ(i, j) for i ≤ learned directions, j ≤ planted directions. 1 = the top-k subspaces coincide;
/// max(i, j)/in is the random expectation.
public struct PlantedRecoveryResult: Equatable, Sendable {
    /// diagonal[k-1] = φ(k, k), k = 1…maxK.
    public let diagonal: [Double]
    /// grid[i-1][j-1] = φ(top-i learned, top-j planted).
    public let grid: [[Double]]
}

public enum PlantedRecovery {
    /// recovery(k) = φ(k, k) for k = 1…maxK and the grid over i ≤ maxI, j ≤ maxJ (defaults: all columns),
    /// from the learned and planted right singular bases (in × p, orthonormal columns).
    public static func evaluate(learnedRight: Matrix<Double>, plantedRight: Matrix<Double>, maxK: Int,
                                maxI: Int? = nil, maxJ: Int? = nil) -> PlantedRecoveryResult {
        let gi = maxI ?? learnedRight.cols
        let gj = maxJ ?? plantedRight.cols
        precondition(maxK >= 1 && maxK <= Swift.min(learnedRight.cols, plantedRight.cols),
                     "maxK = \(maxK) exceeds the directions available")
        let grid = SubspaceSimilarity.phiGrid(learnedRight, plantedRight, maxI: Swift.max(gi, maxK), maxJ: Swift.max(gj, maxK))
        let diagonal = (0..<maxK).map { grid[$0][$0] }
        return PlantedRecoveryResult(diagonal: diagonal, grid: Array(grid.prefix(gi).map { Array($0.prefix(gj)) }))
    }

    /// The same from singular bases (e.g. `LowRank.svd` of the learned B, A and of the planted factors).
    public static func evaluate(learned: SingularBasis, planted: SingularBasis, maxK: Int) -> PlantedRecoveryResult {
        evaluate(learnedRight: learned.right, plantedRight: planted.right, maxK: maxK)
    }

    /// Only the curve recovery(k) = φ(k, k), k = 1…maxK.
    public static func recoveryCurve(learnedRight: Matrix<Double>, plantedRight: Matrix<Double>, maxK: Int) -> [Double] {
        let grid = SubspaceSimilarity.phiGrid(learnedRight, plantedRight, maxI: maxK, maxJ: maxK)
        return (0..<maxK).map { grid[$0][$0] }
    }
}
