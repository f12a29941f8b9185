import XCTest
import Experiments
import LoRA
import Model

/// `Benchmark.stepFLOPs` against a count written out product by product (2·m·n·k each) for a small configuration,
/// so the GFLOPS and sgemm share the bench reports rest on a checked number.
final class BenchmarkFLOPTests: XCTestCase {
    func testStepFLOPsCountsEveryProductOnce() {
        let config = BertConfig.tiny(vocabularySize: 100)         // d 48, F 96, 2 layers, 4 heads
        let (b, t, r, k) = (2, 5, 3, 7)
        let n = b * t, d = 48, f = 96
        func mm(_ m: Int, _ nn: Int, _ kk: Int) -> Int { 2 * m * nn * kk }
        let attentionForward = mm(t, t, d / 4) * b * 4 * 2            // S = QKᵀ and P·V per (b, h)
        let attentionBackward = mm(t, t, d / 4) * b * 4 * 4           // dV, dP, dQ, dK per (b, h)
        var expected = 0
        for _ in 0..<2 {                                              // forward, both layers
            expected += 4 * mm(n, d, d) + attentionForward + mm(n, f, d) + mm(n, d, f)
            expected += mm(n, r, d) + mm(n, d, r)                     // q adapter: t = x·Aᵀ, t·Bᵀ
            expected += mm(n, r, f) + mm(n, d, r)                     // ffn_down adapter (in F, out d)
        }
        expected += mm(b, k, d)                                       // head
        // Backward, layer 1 (above the lowest adapted layer): every frozen input gradient.
        expected += 4 * mm(n, d, d) + mm(n, d, f) + mm(n, f, d) + attentionBackward
        expected += mm(d, r, n) + mm(n, r, d) + mm(r, d, n) + mm(n, d, r)    // q: dB, dt, dA, dx
        expected += mm(d, r, n) + mm(n, r, d) + mm(r, f, n) + mm(n, f, r)    // ffn_down: dB, dt, dA, dx
        // Layer 0 (lowest adapted): no q/k/v input gradients, and q's adapter gives no dx.
        expected += mm(n, d, d) + mm(n, d, f) + mm(n, f, d) + attentionBackward
        expected += mm(d, r, n) + mm(n, r, d) + mm(r, d, n)
        expected += mm(d, r, n) + mm(n, r, d) + mm(r, f, n) + mm(n, f, r)    // ffn_down's dx still flows into the layer
        expected += mm(k, d, b) + mm(b, d, k)                         // head dW, dpooled
        XCTAssertEqual(Benchmark.stepFLOPs(config: config, batch: b, tokens: t, targets: [.q, .ffnDown], rank: r, classes: k),
                       expected)
    }
}
