import LinearAlgebra
import XCTest
@testable import Analysis

final class InitialisationDiagnosticsTests: XCTestCase {
    /// A = A₀: nothing learned. A = 2·A₀: a rescaling (relative change 1, cosine 1, same directions). A = A₀ + a rank-1
    /// spike 10·s₁(A₀)·u·vᵀ: relative change ‖spike‖/‖A₀‖, exactly one singular value above A₀'s edge, and A's top direction
    /// is the spike's (φ(A, A₀, 1, 1) = (v·v₁(A₀))², up to the O(1/10) tilt the bulk adds). Float64: 1e-12.
    func testUnchangedRescaledAndSpiked() throws {
        let a0 = gaussian(4, 30, seed: 3, stream: "A0")
        let same = try InitialisationDiagnostics(a: a0, initial: a0)
        XCTAssertEqual(same.relativeChange, 0)
        XCTAssertEqual(same.cosine, 1, accuracy: 1e-12)
        XCTAssertEqual(same.phi11, 1, accuracy: 1e-12)
        XCTAssertEqual(same.aboveEdge, 0)
        let doubled = try InitialisationDiagnostics(a: 2 * a0, initial: a0)
        XCTAssertEqual(doubled.relativeChange, 1, accuracy: 1e-12)
        XCTAssertEqual(doubled.cosine, 1, accuracy: 1e-12)
        XCTAssertEqual(doubled.phi11, 1, accuracy: 1e-12)
        XCTAssertEqual(doubled.aboveEdge, try a0.singularValues().filter { 2 * $0 > doubled.edge }.count)
        let s1 = try a0.singularValues()[0]
        let v = try orthonormal(30, 1, seed: 9)
        var spike = Matrix<Double>(rows: 4, cols: 30)
        for j in 0..<30 { spike[0, j] = 10 * s1 * v[j, 0] }
        let spiked = try InitialisationDiagnostics(a: a0 + spike, initial: a0)
        XCTAssertEqual(spiked.relativeChange, 10 * s1 / a0.frobeniusNorm, accuracy: 1e-12)
        XCTAssertEqual(spiked.aboveEdge, 1)
        XCTAssertEqual(spiked.edge, s1, accuracy: 1e-12)
        let v1 = try a0.svd().v
        let overlap = (0..<30).map { v[$0, 0] * v1[$0, 0] }.reduce(0, +)
        XCTAssertEqual(spiked.phi11, overlap * overlap, accuracy: 0.1)
    }
}
