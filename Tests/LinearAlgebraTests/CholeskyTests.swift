import XCTest
@testable import LinearAlgebra

final class CholeskyTests: XCTestCase {
    /// Cholesky QR of a tall Gaussian G: Q = G·R⁻¹ has orthonormal columns, R is upper triangular with a positive
    /// diagonal and GᵀG = RᵀR; R⁻ᵀ·(Gᵀ·G) = R. Errors ~1e-14 in Float64 (cond(G) ≈ 2.5 here).
    func testCholeskyQROfATallGaussian() throws {
        var rng = SeededGenerator(seed: 4)
        let g = Matrix<Double>(rows: 60, cols: 12, storage: rng.gaussians(60 * 12))
        var r = Matrix<Double>(rows: 12, cols: 12)
        g.withView { gv in r.withMutableView { gramUpper(gv, into: $0) } }
        let gram = Matrix.product(g, transposeA: true, g)
        for i in 0..<12 { for j in i..<12 { XCTAssertEqual(r[i, j], gram[i, j], accuracy: 1e-12) } }
        try r.withMutableView { try choleskyUpper($0) }
        for i in 0..<12 { for j in 0..<i { r[i, j] = 0 } }
        XCTAssertTrue((0..<12).allSatisfy { r[$0, $0] > 0 })
        XCTAssertLessThan(Matrix.product(r, transposeA: true, r).maxAbsDifference(gram), 1e-11)
        var q = g
        r.withView { rv in q.withMutableView { solveUpperRight(rv, $0) } }
        XCTAssertLessThan(Matrix.product(q, transposeA: true, q).maxAbsDifference(.identity(12)), 1e-13)
        XCTAssertLessThan(Matrix.product(q, r).maxAbsDifference(g), 1e-12)
        var b = gram
        r.withView { rv in b.withMutableView { solveUpperTransposedLeft(rv, $0) } }
        XCTAssertLessThan(b.maxAbsDifference(r), 1e-11)
    }

    func testNotPositiveDefiniteThrows() {
        var a = Matrix<Double>(rows: 2, cols: 2, storage: [1, 2, 2, 1])
        XCTAssertThrowsError(try a.withMutableView { try choleskyUpper($0) }) {
            XCTAssertEqual($0 as? LinearAlgebraError, .lapack(routine: "potrf", info: 2))
        }
    }
}
