import XCTest
import LinearAlgebra
import LoRA
@testable import Model

/// Merge safety on MiniLM's shapes (W of 384 × 384 and 1536 × 384, PEFT's merge/unmerge): merging then unmerging
/// restores W to round-off, and a merge whose result would hold a NaN or ±∞ is refused with W left unchanged.
///
/// Tolerance: W + ΔW − ΔW in Float32 differs from W by at most one rounding of each add and subtract, i.e.
/// ≤ 2·u·(|W| + |ΔW|) per entry with u = 2⁻²⁴ ≈ 6e-8; with |W| ≲ 0.5 and |ΔW| ≲ 0.5 here that is ≤ 1.2e-7 (we allow
/// 2.5e-7). A merge that forgot the scaling α/r or transposed ΔW would move W by O(|ΔW|) ≈ 1e-2 or more.
final class MergeRoundTripTests: XCTestCase {
    func testMergeUnmergeRestoresWeightsOnMiniLMShapes() throws {
        var rng = SeededGenerator(seed: 5)
        for (out, inF, target) in [(384, 384, LoRATarget.q), (1536, 384, LoRATarget.ffnUp), (384, 1536, LoRATarget.ffnDown)] {
            let w = Matrix<Float>.gaussian(rows: out, cols: inF, std: 0.05, using: &rng)
            let linear = Linear(name: "encoder.layer.0.\(target.moduleSuffix)", weight: w, bias: [Float](repeating: 0, count: out))
            let a = Matrix<Float>.gaussian(rows: 8, cols: inF, std: 0.05, using: &rng)
            let b = Matrix<Float>.gaussian(rows: out, cols: 8, std: 0.05, using: &rng)
            linear.adapter = LoRAAdapter(target: target, layer: 0, parameters: LoRAParameters(rank: 8, alpha: 16), a: a, b: b)
            let delta = linear.adapter!.deltaWeight
            XCTAssertGreaterThan(delta.frobeniusNorm, 1e-3)
            try linear.merge()
            XCTAssertTrue(linear.isMerged)
            XCTAssertLessThan(linear.weight.maxAbsDifference(w + delta), 1e-6, "merged W = W + ΔW")
            try linear.unmerge()
            XCTAssertFalse(linear.isMerged)
            XCTAssertLessThan(linear.weight.maxAbsDifference(w), 2.5e-7, "\(target): W restored to round-off")
            // A non-finite ΔW is refused and W is left as it was.
            linear.adapter!.b.value.storage[0] = .infinity
            XCTAssertThrowsError(try linear.merge()) { XCTAssertEqual($0 as? ModelError, .nonFiniteMerge(tensor: linear.name)) }
            XCTAssertFalse(linear.isMerged)
            XCTAssertLessThan(linear.weight.maxAbsDifference(w), 2.5e-7)
        }
    }
}
