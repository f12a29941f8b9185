import XCTest
@testable import LinearAlgebra

final class GEMMTests: XCTestCase {
    /// BLAS gemm equals the naive triple loop for every transpose combination, with β = 0 and β = 1 (accumulate),
    /// α ≠ 1, and strided views (ld > cols). Float32 sums of k = 37 products of O(1) numbers agree to ~1e-5.
    func testAllTransposeCombinationsMatchReference() {
        var rng = SeededGenerator(seed: 1)
        let (m, n, k) = (13, 9, 37)
        for transA in [false, true] {
            for transB in [false, true] {
                for beta: Float in [0, 1] {
                    let a = Matrix<Float>.gaussian(rows: transA ? k : m, cols: transA ? m : k, using: &rng)
                    let b = Matrix<Float>.gaussian(rows: transB ? n : k, cols: transB ? k : n, using: &rng)
                    let c0 = Matrix<Float>.gaussian(rows: m, cols: n, using: &rng)
                    var fast = c0, slow = c0
                    a.withView { av in b.withView { bv in
                        fast.withMutableView { gemm(av, transposeA: transA, bv, transposeB: transB, into: $0, alpha: 0.5, beta: beta) }
                        slow.withMutableView { gemmReference(av, transposeA: transA, bv, transposeB: transB, into: $0, alpha: 0.5, beta: beta) }
                    } }
                    XCTAssertLessThan(fast.maxAbsDifference(slow), 1e-4, "transA \(transA) transB \(transB) beta \(beta)")
                    if beta == 1 { XCTAssertGreaterThan(fast.maxAbsDifference(0.5 * Matrix.product(a, transposeA: transA, b, transposeB: transB)), 0.01) }
                }
            }
        }
    }

    func testStridedViews() {
        // A 4×6 buffer viewed as its left 4×3 block (ld = 6), times a 3×2 matrix, into the right 4×2 block of an 4×5 buffer.
        var rng = SeededGenerator(seed: 2)
        let big = Matrix<Float>.gaussian(rows: 4, cols: 6, using: &rng)
        let b = Matrix<Float>.gaussian(rows: 3, cols: 2, using: &rng)
        var out = Matrix<Float>(rows: 4, cols: 5)
        big.withView { bigView in b.withView { bv in out.withMutableView { ov in
            gemm(MatrixView(bigView.base, rows: 4, cols: 3, ld: 6), bv, into: MutableMatrixView(ov.base + 3, rows: 4, cols: 2, ld: 5))
        } } }
        let expected = Matrix.product(Matrix(rows: 4, cols: 3) { big[$0, $1] }, b)
        for i in 0..<4 {
            for j in 0..<2 { XCTAssertEqual(out[i, 3 + j], expected[i, j], accuracy: 1e-5) }
            for j in 0..<3 { XCTAssertEqual(out[i, j], 0, "outside the view is untouched") }
        }
    }

    func testDoubleGEMMAndEmptyInner() {
        let a = Matrix<Double>(rows: 2, cols: 2, storage: [1, 2, 3, 4])
        let b = Matrix<Double>(rows: 2, cols: 2, storage: [5, 6, 7, 8])
        XCTAssertEqual((a * b).storage, [19, 22, 43, 50])
        XCTAssertEqual(Matrix.product(a, transposeA: true, b).storage, [26, 30, 38, 44])
        var c = Matrix<Double>(rows: 2, cols: 2, storage: [1, 1, 1, 1])
        Matrix<Double>(rows: 2, cols: 0).withView { av in Matrix<Double>(rows: 0, cols: 2).withView { bv in
            c.withMutableView { gemm(av, bv, into: $0, beta: 2) } } }
        XCTAssertEqual(c.storage, [2, 2, 2, 2], "k = 0 gives C ← βC")
    }

    func testThreadsSetting() {
        let old = BLAS.threads
        BLAS.threads = 1
        XCTAssertEqual(BLAS.threads, 1)
        BLAS.withThreads(2) { XCTAssertEqual(BLAS.threads, 2) }
        XCTAssertEqual(BLAS.threads, 1)
        BLAS.threads = old
        XCTAssertFalse(BLAS.configuration.isEmpty)
    }
}
