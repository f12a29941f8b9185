import LinearAlgebra
import XCTest
@testable import Analysis

final class NullDistributionTests: XCTestCase {
    func testQuantilesAndWhereAValueFalls() {
        let d = NullDistribution([5, 1, 4, 2, 3])
        XCTAssertEqual(d.sorted, [1, 2, 3, 4, 5])
        XCTAssertEqual(d.mean, 3)
        XCTAssertEqual(d.standardDeviation, 2.5.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(d.quantile(0), 1)
        XCTAssertEqual(d.quantile(0.25), 2)                    // h = 1
        XCTAssertEqual(d.quantile(0.1), 1.4, accuracy: 1e-15)  // h = 0.4: 1 + 0.4·(2 − 1), numpy's default
        XCTAssertEqual(d.quantile(1), 5)
        XCTAssertEqual(d.lower, 1.1, accuracy: 1e-15)
        XCTAssertEqual(d.upper, 4.9, accuracy: 1e-15)
        XCTAssertEqual(d.cdf(0), 0)
        XCTAssertEqual(d.cdf(3), 0.5)                          // 2 below, 1 equal
        XCTAssertEqual(d.cdf(3.5), 0.6)
        XCTAssertEqual(d.cdf(9), 1)
        XCTAssertEqual(d.zScore(3 + 2.5.squareRoot()), 1, accuracy: 1e-15)
        XCTAssertEqual(NullDistribution([2, 2]).zScore(3), .infinity)
    }

    /// The φ grid null against the exact moments of random subspaces: E φ(i, j) = max(i, j)/k and
    /// Var φ(i, j) = `randomVariance` (4000 draws: means within 4 standard errors, variances within 15 %, the
    /// sampling error of a variance from 4000 draws being ≈ 2–5 % here). Both orientations (maxI < maxJ and >).
    func testPhiNullMatchesTheMomentsOfRandomSubspaces() throws {
        for (ni, nj) in [(2, 5), (5, 2), (3, 3)] {
            var rng = SeededGenerator(seed: 8, stream: "phi-null-\(ni)x\(nj)")
            let k = 20
            let sample = try SubspaceSimilarity.randomGridNull(ambient: k, maxI: ni, maxJ: nj, draws: 4000, using: &rng)
            for i in 1...ni {
                for j in 1...nj {
                    let cell = sample.cell(i, j)
                    let variance = SubspaceSimilarity.randomVariance(i: i, j: j, ambient: k)
                    let se = (variance / 4000).squareRoot()
                    XCTAssertEqual(cell.mean, SubspaceSimilarity.randomExpectation(i: i, j: j, ambient: k), accuracy: 4 * se, "\(ni)x\(nj) (\(i), \(j))")
                    XCTAssertEqual(cell.standardDeviation * cell.standardDeviation, variance, accuracy: 0.15 * variance, "\(ni)x\(nj) (\(i), \(j))")
                }
            }
            // The mean grid and D come from the same draws.
            XCTAssertEqual(sample.meanGrid[0][0], sample.cell(1, 1).mean, accuracy: 1e-15)
            let d = sample.diagonalMean(2)
            XCTAssertEqual(d.mean, (sample.cell(1, 1).mean + sample.cell(2, 2).mean) / 2, accuracy: 1e-12)
        }
    }

    /// The Table 7 random-direction null: E‖UᵀWV‖²_F = (r/out)(r/in)‖W‖²_F for Haar U, V (4000 draws, within 4 SE),
    /// and the same law as explicit Haar frames from Householder QR applied to a dense W with those singular values
    /// (means within 4 SE of their difference).
    func testProjectionNullMatchesItsExpectationAndABruteForceDraw() throws {
        let (out, inn, r) = (12, 8, 3)
        let s: [Double] = [9, 5, 4, 2, 1.5, 1, 0.5, 0.1]
        var rng = SeededGenerator(seed: 9, stream: "t7-null")
        let null = try WeightProjection.randomProjectionNull(singularValues: s, rows: out, cols: inn, rank: r, draws: 4000, using: &rng)
        let squares = null.sorted.map { $0 * $0 }
        let meanSquare = squares.reduce(0, +) / 4000
        let sdSquare = (squares.reduce(0) { $0 + ($1 - meanSquare) * ($1 - meanSquare) } / 3999).squareRoot()
        let w2 = s.reduce(0) { $0 + $1 * $1 }
        XCTAssertEqual(meanSquare, Double(r * r) / Double(out * inn) * w2, accuracy: 4 * sdSquare / 4000.0.squareRoot())
        // Brute force: W = P·diag(s)·Qᵀ with random P, Q; U, V from Householder QR of Gaussian matrices.
        var b = SeededGenerator(seed: 10, stream: "t7-brute")
        let p = try Matrix<Double>.gaussian(rows: out, cols: inn, using: &b).orthonormalColumns()
        let q = try Matrix<Double>.gaussian(rows: inn, cols: inn, using: &b).orthonormalColumns()
        var ps = p
        for i in 0..<out { for j in 0..<inn { ps[i, j] *= s[j] } }
        let w = Matrix.product(ps, q, transposeB: true)
        var brute: [Double] = []
        for _ in 0..<4000 {
            let u = try Matrix<Double>.gaussian(rows: out, cols: r, using: &b).orthonormalColumns()
            let v = try Matrix<Double>.gaussian(rows: inn, cols: r, using: &b).orthonormalColumns()
            brute.append(WeightProjection.projectionNorm(w: w, u: u, v: v))
        }
        let reference = NullDistribution(brute)
        let se = ((null.standardDeviation * null.standardDeviation + reference.standardDeviation * reference.standardDeviation) / 4000).squareRoot()
        XCTAssertEqual(null.mean, reference.mean, accuracy: 4 * se)
        XCTAssertEqual(null.standardDeviation, reference.standardDeviation, accuracy: 0.1 * reference.standardDeviation)
        XCTAssertEqual(null.quantile(0.5), reference.quantile(0.5), accuracy: 0.1 * reference.quantile(0.5))
    }
}
