import LinearAlgebra
import XCTest

/// A seeded Gaussian matrix (the project's only randomness).
func gaussian(_ rows: Int, _ cols: Int, seed: UInt64, stream: String = "test") -> Matrix<Double> {
    var rng = SeededGenerator(seed: seed, stream: stream)
    return Matrix<Double>.gaussian(rows: rows, cols: cols, using: &rng)
}

/// A matrix from literal rows.
func matrix(_ rows: [[Double]]) -> Matrix<Double> {
    Matrix(rows: rows.count, cols: rows[0].count, storage: rows.flatMap { $0 })
}

/// Random orthonormal columns (rows × cols) by QR of a seeded Gaussian.
func orthonormal(_ rows: Int, _ cols: Int, seed: UInt64) throws -> Matrix<Double> {
    try gaussian(rows, cols, seed: seed, stream: "orthonormal").orthonormalColumns()
}

/// Q1·diag(s)·Q2ᵀ: a (rows × cols) matrix with exactly the singular values `s` (count ≤ min(rows, cols)).
func matrixWithSpectrum(_ s: [Double], rows: Int, cols: Int, seed: UInt64) throws -> Matrix<Double> {
    var q1 = try orthonormal(rows, s.count, seed: seed)
    let q2 = try orthonormal(cols, s.count, seed: seed &+ 1000)
    for i in 0..<rows { for j in 0..<s.count { q1[i, j] *= s[j] } }
    return Matrix.product(q1, q2, transposeB: true)
}

func assertGridsEqual(_ a: [[Double]], _ b: [[Double]], accuracy: Double,
                      file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "row count", file: file, line: line)
    for (ra, rb) in zip(a, b) {
        XCTAssertEqual(ra.count, rb.count, "column count", file: file, line: line)
        for (x, y) in zip(ra, rb) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
    }
}
