import Analysis
import LinearAlgebra
import XCTest

/// The planted control's data-metric recovery (`PlantedRecovery.dataMetric`): the metric is C^{1/2}; an update that
/// differs from the plant only along directions the inputs never excite recovers it fully in the data metric while its
/// plain right singular vectors do not; and the Monte-Carlo null reduces to the plain random expectation when C = I.
final class PlantedDataMetricTests: XCTestCase {
    /// S·S = C / tr C for a random positive semi-definite C (LAPACK SVD of a symmetric PSD matrix: tolerance 1e-12 of
    /// the entries' scale, which are O(1/d) after the trace normalisation).
    func testMetricIsTheSquareRootOfTheCovariance() throws {
        var rng = SeededGenerator(seed: 3, stream: "metric")
        let x = Matrix<Double>.gaussian(rows: 40, cols: 6, using: &rng)
        let c = Matrix.product(x, transposeA: true, x)
        let s = try PlantedRecovery.dataMetric(covariance: c)
        let squared = Matrix.product(s, s)
        let trace = (0..<6).map { c[$0, $0] }.reduce(0, +)
        for i in 0..<6 { for j in 0..<6 {
            XCTAssertEqual(squared[i, j], c[i, j] / trace, accuracy: 1e-12)
            XCTAssertEqual(s[i, j], s[j, i], accuracy: 1e-14)
        } }
    }

    /// Inputs span only e1, e2 of R⁴ (C = diag(2, 1, 0, 0)). The plant ΔW* = u·e1ᵀ; the student adds a large component
    /// along e3, which the inputs never excite: ΔW = u·(e1 + 3·e3)ᵀ. Plain recovery(1) = (e1·v)² = 1/10; in the data
    /// metric ΔW·S = ΔW*·S, so recovery(1) = 1.
    func testInvisibleDirectionsDoNotCountInTheDataMetric() throws {
        let c = Matrix<Double>(rows: 4, cols: 4) { i, j in i == j ? [2, 1, 0, 0][i] : 0 }
        let s = try PlantedRecovery.dataMetric(covariance: c)
        let u = Matrix<Double>(rows: 3, cols: 1) { i, _ in [1, 2, 2][i] / 3 }
        let plantA = Matrix<Double>(rows: 1, cols: 4) { _, j in j == 0 ? 1 : 0 }
        let studentA = Matrix<Double>(rows: 1, cols: 4) { _, j in [1, 0, 3, 0][j] }
        let plain = PlantedRecovery.recoveryCurve(learnedRight: try LowRank.svd(b: u, a: studentA, scale: 1).right,
                                                  plantedRight: try LowRank.svd(b: u, a: plantA, scale: 1).right, maxK: 1)
        XCTAssertEqual(plain[0], 0.1, accuracy: 1e-12)
        let data = PlantedRecovery.recoveryCurve(
            learnedRight: try PlantedRecovery.dataMetricRight(b: u, a: studentA, scale: 1, metric: s),
            plantedRight: try PlantedRecovery.dataMetricRight(b: u, a: plantA, scale: 1, metric: s), maxK: 1)
        XCTAssertEqual(data[0], 1, accuracy: 1e-12)
    }

    /// With C = I the data metric is the plain one, and a random rank-k update's top-k right subspace is Haar: the null's
    /// mean of φ(k, k) is E = k/d. 400 draws; the mean's Monte-Carlo standard error is ≤ √(Var)/20 with Var ≤ E(1 − E)
    /// (φ ∈ [0, 1]), so a 5-standard-error window cannot fail by chance in practice.
    func testNullWithIdentityCovarianceMatchesTheRandomExpectation() throws {
        let d = 12, k = 2
        let identity = Matrix<Double>(rows: d, cols: d) { i, j in i == j ? 1 : 0 }
        let s = try PlantedRecovery.dataMetric(covariance: identity)
        let planted = Matrix<Double>(rows: d, cols: k) { i, j in i == j ? 1 : 0 }
        var rng = SeededGenerator(seed: 11, stream: "null")
        let null = try PlantedRecovery.dataMetricNull(plantedRight: planted, outFeatures: 5, rank: k, maxK: k, metric: s,
                                                      draws: 400, using: &rng)
        XCTAssertEqual(null.count, k)
        let expected = Double(k) / Double(d)
        let se = (expected * (1 - expected)).squareRoot() / 20
        XCTAssertEqual(null[k - 1].mean, expected, accuracy: 5 * se)
        XCTAssertEqual(null[k - 1].count, 400)
    }
}

/// The data-metric φ-grid null (`SubspaceSimilarity.dataMetricGridNull`): with C = I it is the Haar one, E[φ(i, j)] =
/// max(i, j)/d; with C concentrated on one direction, random updates' top directions share it (φ(1, 1) near 1).
final class DataMetricGridNullTests: XCTestCase {
    func testIdentityCovarianceGivesTheRandomExpectation() throws {
        let d = 10
        let s = try PlantedRecovery.dataMetric(covariance: Matrix<Double>(rows: d, cols: d) { i, j in i == j ? 1 : 0 })
        var rng = SeededGenerator(seed: 5, stream: "grid")
        let null = try SubspaceSimilarity.dataMetricGridNull(metric: s, outFeatures: 6, rankA: 2, rankB: 4, maxI: 2, maxJ: 4,
                                                             draws: 400, using: &rng)
        // E[φ(i, j)] = max(i, j)/d; φ ∈ [0, 1], so the Monte-Carlo standard error is ≤ √(E(1 − E)/400).
        for (i, j) in [(1, 1), (2, 4), (1, 3)] {
            let e = Double(max(i, j)) / Double(d)
            XCTAssertEqual(null.cell(i, j).mean, e, accuracy: 5 * (e * (1 - e) / 400).squareRoot(), "φ(\(i), \(j))")
        }
    }

    func testConcentratedInputsPullRandomUpdatesTogether() throws {
        let d = 10
        let c = Matrix<Double>(rows: d, cols: d) { i, j in i == j ? (i == 0 ? 1000 : 0.001) : 0 }
        var rng = SeededGenerator(seed: 5, stream: "grid")
        let null = try SubspaceSimilarity.dataMetricGridNull(metric: try PlantedRecovery.dataMetric(covariance: c), outFeatures: 6,
                                                             rankA: 2, rankB: 2, maxI: 1, maxJ: 1, draws: 50, using: &rng)
        XCTAssertGreaterThan(null.cell(1, 1).mean, 0.99)
    }
}
