import Analysis
import LinearAlgebra
import XCTest

/// Sec 7.2, Eq. 4: φ(A, A′, i, j) = ‖U_Aⁱᵀ U_A′ʲ‖²_F / min(i, j) on RIGHT singular vectors.
/// Float64 SVDs of tiny matrices are accurate to ~1e-15; 1e-12 leaves room for accumulated round-off.
final class SubspaceSimilarityTests: XCTestCase {
    let tol = 1e-12

    /// Hand example in R³. A = [[2,0,0],[0,1,0]] has right singular vectors e1, e2 (values 2 > 1).
    /// A′ = [[0,3,3],[1,0,0]] has orthogonal rows of norms 3√2 > 1, so its right vectors are (0,1,1)/√2, then e1.
    /// M = UᵀU′ = [[0, 1], [1/√2, 0]] ⇒ φ(1,1) = 0, φ(1,2) = 1/1, φ(2,1) = ½/1, φ(2,2) = (0 + 1 + ½ + 0)/2 = ¾.
    func testHandExampleInR3() throws {
        let a = matrix([[2, 0, 0], [0, 1, 0]])
        let aPrime = matrix([[0, 3, 3], [1, 0, 0]])
        let grid = SubspaceSimilarity.phiGrid(try SubspaceSimilarity.rightSingularBasis(of: a),
                                              try SubspaceSimilarity.rightSingularBasis(of: aPrime), maxI: 2, maxJ: 2)
        assertGridsEqual(grid, [[0, 1], [0.5, 0.75]], accuracy: tol)
        XCTAssertEqual(try SubspaceSimilarity.phi(a, aPrime, i: 2, j: 2), 0.75, accuracy: tol)
        XCTAssertEqual(try SubspaceSimilarity.phi(a, aPrime, i: 2, j: 1), 0.5, accuracy: tol)
    }

    /// The right basis is A's V: for A = [[0, 5]] it is ±e2 (in-dimensional, not the 1-dimensional left space).
    func testRightSingularBasisIsInputSpace() throws {
        let v = try SubspaceSimilarity.rightSingularBasis(of: matrix([[0, 5]]))
        XCTAssertEqual(v.rows, 2)
        XCTAssertEqual(v.cols, 1)
        XCTAssertEqual(abs(v[1, 0]), 1, accuracy: tol)
        XCTAssertEqual(v[0, 0], 0, accuracy: tol)
    }

    /// φ(A, A, i, i) = ‖I_i‖²_F / i = 1.
    func testSelfSimilarityDiagonalIsOne() throws {
        let a = gaussian(8, 30, seed: 1)
        let u = try SubspaceSimilarity.rightSingularBasis(of: a)
        let grid = SubspaceSimilarity.phiGrid(u, u, maxI: 8, maxJ: 8)
        for i in 0..<8 { XCTAssertEqual(grid[i][i], 1, accuracy: tol) }
        // Off the diagonal: top-i ⊂ top-j, so the overlap is min(i, j) and φ = 1 as well.
        for i in 0..<8 { for j in 0..<8 { XCTAssertEqual(grid[i][j], 1, accuracy: tol) } }
    }

    /// Scaling A by c ≠ 0 keeps every singular vector (up to sign): the whole grid is unchanged.
    /// An invertible r × r mix M·A keeps the row space but not the individual directions, so only
    /// i = r (the full row space) is invariant: φ(M·A, A′, r, j) = φ(A, A′, r, j) for every j.
    func testInvarianceToScalingAndRowMixing() throws {
        let a = gaussian(4, 12, seed: 2)
        let aPrime = gaussian(6, 12, seed: 3)
        let base = SubspaceSimilarity.phiGrid(try SubspaceSimilarity.rightSingularBasis(of: a),
                                              try SubspaceSimilarity.rightSingularBasis(of: aPrime), maxI: 4, maxJ: 6)
        let scaled = SubspaceSimilarity.phiGrid(try SubspaceSimilarity.rightSingularBasis(of: -7.5 * a),
                                                try SubspaceSimilarity.rightSingularBasis(of: aPrime), maxI: 4, maxJ: 6)
        assertGridsEqual(base, scaled, accuracy: 1e-10)  // singular vectors of a random 4×12 are well separated
        let mix = matrix([[1, 2, 0, 0], [0, 1, 3, 0], [0, 0, 1, -1], [2, 0, 0, 1]])  // det = 1 - 12 ≠ 0
        let mixed = SubspaceSimilarity.phiGrid(try SubspaceSimilarity.rightSingularBasis(of: mix * a),
                                               try SubspaceSimilarity.rightSingularBasis(of: aPrime), maxI: 4, maxJ: 6)
        for j in 0..<6 { XCTAssertEqual(mixed[3][j], base[3][j], accuracy: 1e-10) }
        XCTAssertEqual(try SubspaceSimilarity.phi(a, mix * a, i: 4, j: 4), 1, accuracy: 1e-10)
    }

    /// Rows of A in span(e1, e2), rows of A′ in span(e3, e4): UᵀU′ = 0.
    func testOrthogonalSubspacesGiveZero() throws {
        let a = matrix([[1, 2, 0, 0], [3, -1, 0, 0]])
        let aPrime = matrix([[0, 0, 1, 1], [0, 0, 2, -5]])
        let grid = SubspaceSimilarity.phiGrid(try SubspaceSimilarity.rightSingularBasis(of: a),
                                              try SubspaceSimilarity.rightSingularBasis(of: aPrime), maxI: 2, maxJ: 2)
        assertGridsEqual(grid, [[0, 0], [0, 0]], accuracy: tol)
    }

    /// φ ∈ [0, 1] (Cauchy–Schwarz / projection bound) for random inputs of different ranks.
    func testPhiIsInUnitInterval() throws {
        for seed in UInt64(10)..<UInt64(20) {
            let grid = SubspaceSimilarity.phiGrid(try SubspaceSimilarity.rightSingularBasis(of: gaussian(5, 9, seed: seed)),
                                                  try SubspaceSimilarity.rightSingularBasis(of: gaussian(7, 9, seed: seed + 100)),
                                                  maxI: 5, maxJ: 7)
            for row in grid { for x in row { XCTAssertGreaterThanOrEqual(x, -tol); XCTAssertLessThanOrEqual(x, 1 + tol) } }
        }
    }

    /// The prefix-sum grid equals the direct definition entry by entry.
    func testGridMatchesDirectDefinition() throws {
        let u = try SubspaceSimilarity.rightSingularBasis(of: gaussian(5, 11, seed: 4))
        let up = try SubspaceSimilarity.rightSingularBasis(of: gaussian(4, 11, seed: 5))
        let grid = SubspaceSimilarity.phiGrid(u, up, maxI: 5, maxJ: 4)
        for i in 1...5 {
            for j in 1...4 {
                let m = Matrix.product(u.leadingColumns(i), transposeA: true, up.leadingColumns(j))
                let direct = m.frobeniusNorm * m.frobeniusNorm / Double(min(i, j))
                XCTAssertEqual(grid[i - 1][j - 1], direct, accuracy: tol)
            }
        }
    }

    func testRandomExpectationFormula() {
        XCTAssertEqual(SubspaceSimilarity.randomExpectation(i: 1, j: 1, ambient: 384), 1.0 / 384)
        XCTAssertEqual(SubspaceSimilarity.randomExpectation(i: 8, j: 64, ambient: 384), 64.0 / 384)
        // Var for i = j = 1 is that of Beta(½, (k−1)/2): 2(k−1)/(k²(k+2)); k = 16 → 30/4608.
        XCTAssertEqual(SubspaceSimilarity.randomVariance(i: 1, j: 1, ambient: 16), 30.0 / 4608, accuracy: 1e-15)
    }
}
