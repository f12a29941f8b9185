import Analysis
import LinearAlgebra
import XCTest

/// Spectrum summaries of singular values (stable rank, 90 % energy rank).
final class SpectrumTests: XCTestCase {
    /// diag(3, 4): s = (4, 3), stable rank (16 + 9)/16 = 1.5625; energy 16/25 = 0.64 < 0.9 ⇒ energyRank90 = 2.
    func testSpectrumOfDiag34() throws {
        let s = try Spectrum(of: matrix([[3, 0], [0, 4]]))
        XCTAssertEqual(s.singularValues[0], 4, accuracy: 1e-14)
        XCTAssertEqual(s.singularValues[1], 3, accuracy: 1e-14)
        XCTAssertEqual(s.stableRank, 1.5625, accuracy: 1e-14)
        XCTAssertEqual(s.energyRank90, 2)
        XCTAssertEqual(s.frobeniusNorm, 5, accuracy: 1e-14)
    }

    /// diag(10, 1, 1, 1): stable rank 103/100 = 1.03; 100/103 ≈ 0.971 ≥ 0.9 ⇒ energyRank90 = 1; 0.99 needs 3 (102/103 ≈ 0.990 ≥ 0.99).
    func testSpectrumDominatedByOneValue() {
        let s = Spectrum(singularValues: [1, 10, 1, 1])  // sorted on init
        XCTAssertEqual(s.singularValues, [10, 1, 1, 1])
        XCTAssertEqual(s.stableRank, 1.03, accuracy: 1e-14)
        XCTAssertEqual(s.energyRank90, 1)
        XCTAssertEqual(s.energyRank(fraction: 0.99), 3)
        XCTAssertEqual(s.cumulativeEnergy.last!, 1, accuracy: 1e-15)
    }

    /// Ten equal values: stable rank 10; 90 % of the energy is exactly 9 values (a tie the 1e-12 slack resolves).
    func testFlatSpectrumAndZero() {
        let flat = Spectrum(singularValues: Array(repeating: 0.1, count: 10))
        XCTAssertEqual(flat.stableRank, 10, accuracy: 1e-12)
        XCTAssertEqual(flat.energyRank90, 9)
        let zero = Spectrum(singularValues: [0, 0, 0])
        XCTAssertEqual(zero.stableRank, 0)
        XCTAssertEqual(zero.energyRank90, 0)
    }
}
