import LinearAlgebra
import LoRA
import XCTest
@testable import Model

/// `EncoderWorkspace.accumulateAttentionMixedMoments`: M_h = P_h·X is what head h's value path reads. Since each row
/// of P_h sums to 1, the attention context of head h is M_h·W_v,hᵀ + b_v,h exactly (in real arithmetic), so comparing
/// with the forward pass's own context checks M_h, the blocks' layout and the head slicing at once; the moments are
/// then Σ_h M_hᵀM_h. Tolerance: float32 products of length d = 32…64 on values of order 1, a few ulps × √d.
final class AttentionMixingTests: XCTestCase {
    func testMixedInputsReproduceTheAttentionContext() throws {
        let (model, _) = try BuiltinTiny.make()
        let c = model.config, d = c.hiddenSize, dh = c.headSize
        let batch = Batch(packing: [(ids: [2, 7, 9, 11, 3], typeIds: [0, 0, 0, 0, 0]), (ids: [2, 5, 3], typeIds: [0, 0, 0]),
                                    (ids: [2, 13, 17, 19, 23, 29, 3], typeIds: [Int32](repeating: 0, count: 7))])
        let ws = EncoderWorkspace(config: c)
        try withExtendedLifetime(ws) {
            _ = try model.forward(batch, workspace: ws)
            let n = ws.rows
            for l in 0..<c.layers {
                let wv = model.layers[l].linear(.v)
                let ctx = ws.activations(l).ctx.view(n, d).readOnly                      // (N, d)
                var g = Matrix<Float>(rows: d, cols: d)
                var expected = Matrix<Double>(rows: d, cols: d)
                for h in 0..<c.heads {
                    var m = Matrix<Float>(rows: n, cols: d)
                    m.withMutableView { ws.attentionMixedInputs(layer: l, head: h, into: $0) }   // (N, d)
                    for r in 0..<n {
                        for o in (h * dh)..<((h + 1) * dh) {
                            var y = Double(wv.bias[o])
                            for i in 0..<d { y += Double(m[r, i]) * Double(wv.weight[o, i]) }
                            XCTAssertEqual(y, Double(ctx[r, o]), accuracy: 1e-4, "layer \(l) head \(h) row \(r) col \(o)")
                        }
                    }
                    for i in 0..<d { for j in 0..<d { for r in 0..<n { expected[i, j] += Double(m[r, i]) * Double(m[r, j]) } } }
                }
                var sums = [Double](repeating: 0, count: d)
                let added = g.withMutableView { ws.accumulateAttentionMixedMoments(layer: l, into: $0, sums: &sums) }
                XCTAssertEqual(added, n * c.heads)
                XCTAssertLessThan(g.converted(to: Double.self).maxAbsDifference(expected), 1e-3)
            }
        }
    }
}
