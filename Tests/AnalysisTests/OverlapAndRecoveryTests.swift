import Analysis
import LinearAlgebra
import XCTest

/// App. H.3 (W vs ΔW directions) and the planted-rank recovery curve, both Eq. 4 on right singular vectors.
final class OverlapAndRecoveryTests: XCTestCase {
    /// W = diag(3, 2, 1): right vectors e1, e2, e3. ΔW's right vector (1,1,0)/√2:
    /// φ(i, 1) = Σ_{k≤i} (e_k·v)² = ½, 1, 1 for i = 1, 2, 3.
    func testDirectionOverlapHandExample() throws {
        let w = try SingularBasis(of: matrix([[3, 0, 0], [0, 2, 0], [0, 0, 1]]))
        let delta = try LowRank.svd(b: matrix([[1], [1], [0]]), a: matrix([[1, 1, 0]]), scale: 0.25)
        assertGridsEqual(DirectionOverlap.grid(w: w, delta: delta, maxI: 3, maxJ: 1), [[0.5], [1], [1]], accuracy: 1e-14)
        assertGridsEqual(DirectionOverlap.grid(wRight: w.right, deltaRight: delta.right, maxI: 3, maxJ: 1),
                         [[0.5], [1], [1]], accuracy: 1e-14)
    }

    /// Learned directions (e1, e3, e4) vs planted (e1, e2, e3) in R⁵: M = [[1,0,0],[0,0,1],[0,0,0]].
    /// recovery(k) = φ(k, k): 1/1, (1 + 0 + 0 + 0)/2 = ½, (1 + 1)/3 = ⅔.
    func testPlantedRecoveryHandExample() {
        func basis(_ axes: [Int]) -> Matrix<Double> { Matrix(rows: 5, cols: axes.count) { i, j in i == axes[j] ? 1 : 0 } }
        let result = PlantedRecovery.evaluate(learnedRight: basis([0, 2, 3]), plantedRight: basis([0, 1, 2]), maxK: 3)
        XCTAssertEqual(result.diagonal, [1, 0.5, 2.0 / 3.0])
        XCTAssertEqual(result.grid.count, 3)
        XCTAssertEqual(result.grid[0], [1, 1, 1])       // e1 lies in every top-j planted subspace
        XCTAssertEqual(result.grid[1], [1, 0.5, 1])      // φ(2,3) = (1 + 1)/2
        XCTAssertEqual(PlantedRecovery.recoveryCurve(learnedRight: basis([0, 2, 3]), plantedRight: basis([0, 1, 2]), maxK: 3),
                       result.diagonal)
    }

    /// A learned ΔW equal to the planted one up to scale recovers it fully: φ(k, k) = 1 for all k.
    func testPerfectRecovery() throws {
        let b = gaussian(20, 4, seed: 1), a = gaussian(4, 12, seed: 2)
        let planted = try LowRank.svd(b: b, a: a, scale: 1)
        let learned = try LowRank.svd(b: b, a: a, scale: 0.3)
        for x in PlantedRecovery.evaluate(learned: learned, planted: planted, maxK: 4).diagonal {
            XCTAssertEqual(x, 1, accuracy: 1e-10)  // distinct singular values of a Gaussian product; ~1e-15 in practice
        }
    }
}
