import Analysis
import LinearAlgebra
import XCTest

/// Sec 7.3, Table 7: ‖UᵀWV‖_F, ‖W‖_F, ‖ΔW‖_F and amplification ‖ΔW‖_F / ‖UᵀWV‖_F.
final class WeightProjectionTests: XCTestCase {
    /// W with singular values (5, 4, 3, 2, 1): projecting on its own top-r directions keeps √(Σ_{k≤r} s_k²):
    /// r = 1 → 5, r = 2 → √41, r = 5 → √55 = ‖W‖_F. Tolerance 1e-12: Float64 SVD of a 6 × 5 matrix.
    func testProjectionOnOwnDirections() throws {
        let w = try matrixWithSpectrum([5, 4, 3, 2, 1], rows: 6, cols: 5, seed: 1)
        let basis = try SingularBasis(of: w)
        for (r, expected) in [(1, 5.0), (2, 41.0.squareRoot()), (3, 50.0.squareRoot()), (5, 55.0.squareRoot())] {
            let value = WeightProjection.projectionNorm(w: w, u: basis.left.leadingColumns(r), v: basis.right.leadingColumns(r))
            XCTAssertEqual(value, expected, accuracy: 1e-12)
        }
        XCTAssertEqual(w.frobeniusNorm, 55.0.squareRoot(), accuracy: 1e-12)
    }

    /// ΔW = c·W₂ (c = 3 times W's top-2 part): U, V from ΔW span W's top-2 directions, so ‖UᵀWV‖_F = ‖W₂‖_F = √41,
    /// ‖ΔW‖_F = 3√41, amplification = 3√41 / √41 = 3.
    func testAmplificationOfScaledTopPart() throws {
        let w = try matrixWithSpectrum([5, 4, 3, 2, 1], rows: 6, cols: 5, seed: 2)
        let wBasis = try SingularBasis(of: w)
        let top2 = wBasis.leading(2)
        var b = top2.left
        for i in 0..<b.rows { for j in 0..<2 { b[i, j] *= 3 * top2.values[j] } }   // B = 3·U₂·diag(5, 4)
        let a = top2.right.transposed                                                // A = V₂ᵀ
        let delta = try LowRank.svd(b: b, a: a, scale: 1)
        let deltaNorm = LowRank.deltaWeight(b: b, a: a, scale: 1).frobeniusNorm
        XCTAssertEqual(deltaNorm, 3 * 41.0.squareRoot(), accuracy: 1e-12)
        let rows = WeightProjection.table7Rows(w: w, wBasis: wBasis, delta: delta, deltaNorm: deltaNorm, rank: 2,
                                               randomNull: NullDistribution([0.5, 1.5]))
        XCTAssertEqual(rows[0].directionsFrom, .deltaW)
        XCTAssertEqual(rows[0].projectionNorm, 41.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(rows[0].amplification!, 3, accuracy: 1e-12)
        XCTAssertEqual(rows[1].projectionNorm, 41.0.squareRoot(), accuracy: 1e-12)  // W's own top-2
    }

    /// Hand example: W = diag(3, 2, 1), ΔW = ¼·(1,1,0)ᵀ(1,1,0) has u = v = (1,1,0)/√2, s = ½ = ‖ΔW‖_F.
    /// uᵀWv = (3 + 2)/2 = 2.5 ⇒ amplification 0.5/2.5 = 0.2. W's top-1 directions give 3 = s₁(W).
    func testHandExample() throws {
        let w = matrix([[3, 0, 0], [0, 2, 0], [0, 0, 1]])
        let delta = try LowRank.svd(b: matrix([[1], [1], [0]]), a: matrix([[1, 1, 0]]), scale: 0.25)
        XCTAssertEqual(delta.values[0], 0.5, accuracy: 1e-15)
        let rows = WeightProjection.table7Rows(w: w, wBasis: try SingularBasis(of: w), delta: delta,
                                               deltaNorm: 0.5, rank: 1, randomNull: NullDistribution([0.25, 0.5, 1.25]))
        XCTAssertEqual(rows.map(\.directionsFrom), [.deltaW, .w, .random])
        XCTAssertEqual(rows[0].projectionNorm, 2.5, accuracy: 1e-14)
        XCTAssertEqual(rows[0].amplification!, 0.2, accuracy: 1e-14)
        XCTAssertEqual(rows[0].deltaNorm, 0.5)
        XCTAssertEqual(rows[1].projectionNorm, 3, accuracy: 1e-14)
        XCTAssertNil(rows[1].deltaNorm)
        XCTAssertNil(rows[1].amplification)
        XCTAssertNil(rows[2].amplification)
        XCTAssertEqual(rows[2].projectionNorm, 2.0 / 3, accuracy: 1e-15)              // the null's mean
        for row in rows { XCTAssertEqual(row.weightNorm, 14.0.squareRoot(), accuracy: 1e-14); XCTAssertEqual(row.rank, 1) }
    }

    /// Random directions: for independent Haar U (out × r), V (in × r), E‖UᵀWV‖²_F = r²·‖W‖²_F / (out·in), so the
    /// projection is ≈ r·‖W‖_F / √(out·in) (the paper's 0.02 at r = 4 and 0.33 at r = 64 match this with d = 12288,
    /// ‖W‖_F = 61.95). W = 256 × 256 Gaussian (flat spectrum), r = 8, 200 draws: each ‖UᵀWV‖²_F sums 64 comparable
    /// terms, relative s.d. of the norm ≈ √(2/64)/2 ≈ 0.09, so the null's mean is within 5 % of the formula (> 7 s.e. of a
    /// 200-draw mean) and its whole 95 % band lies in [0.6, 1.4] × the formula (> 4 s.d.). It is far below the
    /// W-direction value √(Σ_{k≤8} s_k²) ≈ √8·2√256 ≈ 90 (top singular values of a 256 × 256 Gaussian ≈ 2√256): the
    /// band's top (≈ 1.2 × 8) stays under 0.15 × that. The same stream gives the same draws.
    func testRandomDirectionProjectionIsSmall() throws {
        let w = gaussian(256, 256, seed: 5, stream: "W")
        let wBasis = try SingularBasis(of: w)
        var rng = SeededGenerator(seed: 42, stream: "t7")
        let null = try WeightProjection.randomProjectionNull(singularValues: wBasis.values, rows: 256, cols: 256, rank: 8, draws: 200,
                                                             using: &rng)
        let expected = WeightProjection.randomProjectionScale(rank: 8, weightNorm: w.frobeniusNorm, rows: 256, cols: 256)
        XCTAssertEqual(expected, 8 * w.frobeniusNorm / 256, accuracy: 1e-12)
        XCTAssertEqual(null.mean / expected, 1, accuracy: 0.05)
        XCTAssertGreaterThan(null.lower / expected, 0.6)
        XCTAssertLessThan(null.upper / expected, 1.4)
        let onW = WeightProjection.projectionNorm(w: w, u: wBasis.left.leadingColumns(8), v: wBasis.right.leadingColumns(8))
        XCTAssertLessThan(null.upper, 0.15 * onW)
        var again = SeededGenerator(seed: 42, stream: "t7")
        XCTAssertEqual(try WeightProjection.randomProjectionNull(singularValues: wBasis.values, rows: 256, cols: 256, rank: 8, draws: 200,
                                                                 using: &again), null)
    }

    /// The paper's Table 7 random rows against the formula: r·61.95/12288 = 0.0202 (r = 4), 0.3227 (r = 64);
    /// reported 0.02 and 0.33, i.e. equal at the paper's two printed decimals up to one unit.
    func testRandomScaleMatchesPaperTable7() {
        XCTAssertEqual(WeightProjection.randomProjectionScale(rank: 4, weightNorm: 61.95, rows: 12288, cols: 12288), 0.02, accuracy: 0.005)
        XCTAssertEqual(WeightProjection.randomProjectionScale(rank: 64, weightNorm: 61.95, rows: 12288, cols: 12288), 0.33, accuracy: 0.01)
    }

    func testDirectionSourceRawValues() {
        XCTAssertEqual(DirectionSource.allCases.map(\.rawValue), ["delta_w", "w", "random"])
    }
}
