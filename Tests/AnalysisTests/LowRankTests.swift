import Analysis
import Foundation
import LinearAlgebra
import XCTest

/// ΔW = scale·B·A (Sec 4.1) and its SVD through thin QRs of the factors.
final class LowRankTests: XCTestCase {
    /// B = [1, 2]ᵀ, A = [3, 4], scale ½ ⇒ ΔW = ½·[[3, 4], [6, 8]].
    func testDeltaWeightByHand() {
        let dw = LowRank.deltaWeight(b: matrix([[1], [2]]), a: matrix([[3, 4]]), scale: 0.5)
        XCTAssertEqual(dw, matrix([[1.5, 2], [3, 4]]))
        // Rank one: ‖ΔW‖_F = ½·‖B‖·‖A‖ = ½·√5·5; the factored SVD has that single value.
        XCTAssertEqual(try LowRank.svd(b: matrix([[1], [2]]), a: matrix([[3, 4]]), scale: 0.5).values[0],
                       0.5 * 5.0.squareRoot() * 5, accuracy: 1e-14)
    }

    /// The factored SVD agrees with the dense SVD of scale·B·A: singular values to 1e-12·s₁ (both are backward
    /// stable, errors ~ r·ε·s₁), the subspaces via φ(r, r) = 1 for left and right, and the reconstruction.
    func testAgreesWithDenseSVD() throws {
        for (out, inDim, r, scale) in [(40, 30, 5, 1.6), (24, 50, 8, -0.25), (16, 16, 16, 2.0)] {
            let b = gaussian(out, r, seed: UInt64(out), stream: "B")
            let a = gaussian(r, inDim, seed: UInt64(inDim), stream: "A")
            let dense = try SingularBasis(of: LowRank.deltaWeight(b: b, a: a, scale: scale))
            let fast = try LowRank.svd(b: b, a: a, scale: scale)
            XCTAssertEqual(fast.count, r)
            for k in 0..<r { XCTAssertEqual(fast.values[k], dense.values[k], accuracy: 1e-12 * dense.values[0]) }
            for k in r..<dense.count { XCTAssertEqual(dense.values[k], 0, accuracy: 1e-12 * dense.values[0]) }
            let phiRight = SubspaceSimilarity.phiGrid(fast.right, dense.right, maxI: r, maxJ: r)
            let phiLeft = SubspaceSimilarity.phiGrid(fast.left, dense.left, maxI: r, maxJ: r)
            for k in 0..<r {
                // Each top-k subspace matches (singular values of a Gaussian product are well separated).
                XCTAssertEqual(phiRight[k][k], 1, accuracy: 1e-9)
                XCTAssertEqual(phiLeft[k][k], 1, accuracy: 1e-9)
            }
            // Orthonormal columns and U·diag(s)·Vᵀ = ΔW.
            let qtq = Matrix.product(fast.right, transposeA: true, fast.right)
            XCTAssertLessThan(qtq.maxAbsDifference(.identity(r)), 1e-12)
            var us = fast.left
            for i in 0..<us.rows { for j in 0..<r { us[i, j] *= fast.values[j] } }
            let rebuilt = Matrix.product(us, fast.right, transposeB: true)
            XCTAssertLessThan(rebuilt.maxAbsDifference(LowRank.deltaWeight(b: b, a: a, scale: scale)), 1e-12 * dense.values[0] * 10)
        }
    }

    /// B = 0 (LoRA at initialisation): ΔW = 0, all singular values 0, bases still orthonormal.
    func testZeroBGivesZeroSpectrum() throws {
        let basis = try LowRank.svd(b: Matrix(rows: 10, cols: 3), a: gaussian(3, 7, seed: 1), scale: 2)
        XCTAssertEqual(basis.values, [0, 0, 0])
        XCTAssertLessThan(Matrix.product(basis.right, transposeA: true, basis.right).maxAbsDifference(.identity(3)), 1e-12)
    }

    /// r > min(out, in) falls back to the dense SVD (p = min(out, in)).
    func testFallbackWhenRankExceedsShape() throws {
        let b = gaussian(3, 5, seed: 2), a = gaussian(5, 4, seed: 3)
        let basis = try LowRank.svd(b: b, a: a, scale: 1)
        XCTAssertEqual(basis.count, 3)
        let dense = try LowRank.deltaWeight(b: b, a: a, scale: 1).singularValues()
        for k in 0..<3 { XCTAssertEqual(basis.values[k], dense[k], accuracy: 1e-12 * dense[0]) }
    }

    /// The report's timing: one factored SVD at 384×384, r = 64 against one dense 384×384 SVD (prints, no assert:
    /// timings on a shared 2-core machine are not a pass/fail property). Agreement is asserted.
    func testTimingAt384() throws {
        let b = gaussian(384, 64, seed: 11, stream: "B"), a = gaussian(64, 384, seed: 12, stream: "A")
        let dw = LowRank.deltaWeight(b: b, a: a, scale: 0.125)
        _ = try LowRank.svd(b: b, a: a, scale: 0.125)  // warm-up (thread pool, page faults)
        var t0 = Date()
        let fast = try LowRank.svd(b: b, a: a, scale: 0.125)
        let tFast = Date().timeIntervalSince(t0)
        t0 = Date()
        let dense = try SingularBasis(of: dw)
        let tDense = Date().timeIntervalSince(t0)
        print(String(format: "timing: LowRank.svd 384x384 r=64: %.4f s; dense 384x384 SVD: %.4f s", tFast, tDense))
        for k in 0..<64 { XCTAssertEqual(fast.values[k], dense.values[k], accuracy: 1e-10 * dense.values[0]) }
    }
}
