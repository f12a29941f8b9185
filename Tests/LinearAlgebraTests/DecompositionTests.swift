import XCTest
@testable import LinearAlgebra

final class DecompositionTests: XCTestCase {
    /// The 4 × 5 example of Wikipedia's "Singular value decomposition" article: singular values 3, √5, 2, 0.
    func testKnownSingularValues() throws {
        let m = Matrix<Double>(rows: 4, cols: 5, storage: [1, 0, 0, 0, 2,
                                                           0, 0, 3, 0, 0,
                                                           0, 0, 0, 0, 0,
                                                           0, 2, 0, 0, 0])
        let svd = try m.svd()
        let expected = [3, 5.0.squareRoot(), 2, 0]
        for (s, e) in zip(svd.singularValues, expected) { XCTAssertEqual(s, e, accuracy: 1e-12) }
        XCTAssertLessThan(svd.reconstructed.maxAbsDifference(m), 1e-12)
    }

    /// A random matrix is reconstructed and U, V have orthonormal columns (Float64: errors ~1e-13).
    func testReconstructionAndOrthonormality() throws {
        var rng = SeededGenerator(seed: 3)
        for (r, c) in [(30, 12), (12, 30), (20, 20)] {
            let m = Matrix<Double>.gaussian(rows: r, cols: c, using: &rng)
            let svd = try m.svd()
            XCTAssertLessThan(svd.reconstructed.maxAbsDifference(m), 1e-12)
            let p = min(r, c)
            XCTAssertLessThan(Matrix.product(svd.u, transposeA: true, svd.u).maxAbsDifference(.identity(p)), 1e-12)
            XCTAssertLessThan(Matrix.product(svd.vt, svd.vt, transposeB: true).maxAbsDifference(.identity(p)), 1e-12)
            XCTAssertEqual(svd.singularValues, svd.singularValues.sorted(by: >))
            XCTAssertEqual(svd.v.rows, c)
        }
        // Float32 SVD works too, at Float32 accuracy.
        let f = Matrix<Float>.gaussian(rows: 10, cols: 6, using: &rng)
        XCTAssertLessThan(try f.svd().reconstructed.maxAbsDifference(f), 1e-5)
    }

    func testSVDRejectsNaN() {
        var m = Matrix<Double>(rows: 2, cols: 2)
        m[0, 1] = .nan
        XCTAssertThrowsError(try m.svd()) { XCTAssertEqual($0 as? LinearAlgebraError, .nonFinite(operation: "svd")) }
    }

    func testQRGivesOrthonormalColumnsSpanningTheInput() throws {
        var rng = SeededGenerator(seed: 4)
        let m = Matrix<Double>.gaussian(rows: 40, cols: 7, using: &rng)
        let q = try m.orthonormalColumns()
        XCTAssertEqual(q.rows, 40)
        XCTAssertEqual(q.cols, 7)
        XCTAssertLessThan(Matrix.product(q, transposeA: true, q).maxAbsDifference(.identity(7)), 1e-13)
        // Same span: projecting M onto span(Q) leaves it unchanged.
        let projected = q * Matrix.product(q, transposeA: true, m)
        XCTAssertLessThan(projected.maxAbsDifference(m), 1e-12)
    }

    func testSeededGeneratorIsReproducibleAndGaussian() {
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9), c = SeededGenerator(seed: 9, stream: "x")
        let xs = (0..<5).map { _ in a.next() }
        XCTAssertEqual(xs, (0..<5).map { _ in b.next() })
        XCTAssertNotEqual(xs, (0..<5).map { _ in c.next() })
        // Mean and variance of 200,000 normals: standard errors 0.0022 and 0.0032, so 0.01 is > 3 σ.
        var g = SeededGenerator(seed: 10)
        let n = 200_000
        var s = 0.0, s2 = 0.0
        for _ in 0..<n { let x = g.nextGaussian(); s += x; s2 += x * x }
        XCTAssertEqual(s / Double(n), 0, accuracy: 0.01)
        XCTAssertEqual(s2 / Double(n), 1, accuracy: 0.01)
        var arr = Array(0..<10)
        var r = SeededGenerator(seed: 1)
        r.shuffle(&arr)
        XCTAssertEqual(arr.sorted(), Array(0..<10))
        XCTAssertNotEqual(arr, Array(0..<10))
    }
}

/// The vectorised erf and exp agree with libm to within a few ULP on a sweep of inputs (libmvec documents ≤ 4 ULP;
/// 1e-6 relative plus 1e-7 absolute allows that and catches a wrong lane or a tail bug).
final class VectorMathTests: XCTestCase {
    func testMatchesLibm() {
        let n = 1003   // not a multiple of 8: exercises the scalar tail
        let x = (0..<n).map { Float($0 - 501) / 60 }
        var y = [Float](repeating: 0, count: n)
        VectorMath.erf(x, &y, count: n)
        for i in 0..<n { XCTAssertEqual(y[i], erff(x[i]), accuracy: 1e-7 + 1e-6 * abs(erff(x[i])), "erf(\(x[i]))") }
        VectorMath.exp(x, &y, count: n)
        for i in 0..<n { XCTAssertEqual(y[i], expf(x[i]), accuracy: 1e-7 + 1e-6 * expf(x[i]), "exp(\(x[i]))") }
    }
}

/// The SIMD reductions against Double sums, on lengths around the 16-lane width (empty, tail only, exact lanes, lanes +
/// tail). Tolerance: a float sum of n terms in any order is within n·2⁻²⁴·Σ|terms| of the exact sum.
final class VectorReductionTests: XCTestCase {
    func testReductionsMatchDoubleReference() {
        var rng = SeededGenerator(seed: 3, stream: "reductions")
        for n in [0, 1, 15, 16, 17, 33, 384, 1003] {
            let x = (0..<n).map { _ in Float(rng.nextGaussian()) * 3 + 0.5 }
            let y = (0..<n).map { _ in Float(rng.nextGaussian()) }
            func bound(_ terms: [Double]) -> Double { Double(n) * 0x1p-24 * terms.map(abs).reduce(0, +) + 1e-30 }
            let sumTerms = x.map(Double.init)
            XCTAssertEqual(Double(VectorMath.sum(x, count: n)), sumTerms.reduce(0, +), accuracy: bound(sumTerms), "sum n=\(n)")
            let dotTerms = zip(x, y).map { Double($0) * Double($1) }
            XCTAssertEqual(Double(VectorMath.dot(x, y, count: n)), dotTerms.reduce(0, +), accuracy: bound(dotTerms), "dot n=\(n)")
            let c: Float = 0.25
            let sqTerms = x.map { (Double($0) - Double(c)) * (Double($0) - Double(c)) }
            XCTAssertEqual(Double(VectorMath.sumOfSquares(x, centredAt: c, count: n)), sqTerms.reduce(0, +),
                           accuracy: bound(sqTerms) * 2, "sumOfSquares n=\(n)")
            XCTAssertEqual(VectorMath.max(x, count: n), x.max() ?? -.infinity, "max n=\(n)")
        }
    }
}

