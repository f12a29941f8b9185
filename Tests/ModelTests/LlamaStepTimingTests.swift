import Foundation
import XCTest
import LinearAlgebra
import LoRA
@testable import Model

/// Wall-clock time of the Llama training step on SmolLM2 (forward + causal-LM loss + backward, LoRA r = 8 on q and v of
/// all 30 layers, 8 sequences × 64 tokens packed, every token after the first a target), and of the causal attention op
/// alone on the same shape. Measurement only, never pass/fail: runs with `LLAMA_STEP_TIMING=1` and prints the numbers
/// (compare with `scripts/bench-llama-pytorch.py --batch 8 --seq 64 --threads N` at the same thread count).
final class LlamaStepTimingTests: XCTestCase {
    static let (batchSize, tokens, warmup, steps) = (8, 64, 2, 10)

    private func requireTiming() throws {
        guard ProcessInfo.processInfo.environment["LLAMA_STEP_TIMING"] == "1" else {
            throw XCTSkip("set LLAMA_STEP_TIMING=1 to time the Llama step")
        }
    }

    private func summary(_ seconds: [Double]) -> String {
        let sorted = seconds.sorted()
        return String(format: "median %.4f s, min %.4f s", sorted[sorted.count / 2], sorted[0])
    }

    func testTrainingStepTime() throws {
        try requireTiming()
        let (_, model) = try SmolLM2ParityTests.load()
        defer { model.detachAdapters() }
        model.attachAdapters(targets: [.q, .v], parameters: LoRAParameters(rank: 8, alpha: 16), initSeed: 0)
        model.setTraining(true)
        var rng = SeededGenerator(seed: 7, stream: "llama-step-timing")
        let (b, t) = (Self.batchSize, Self.tokens)
        let batches = (0..<(Self.warmup + Self.steps)).map { _ in
            Batch(packing: (0..<b).map { _ in
                let ids = (0..<t).map { _ in Int32(1000 + Int(rng.next() % UInt64(model.config.vocabularySize - 1000))) }
                return (ids: ids, typeIds: [Int32](repeating: 0, count: t))
            })
        }
        let mask = [Float](repeating: 1, count: b * t)
        let ws = LlamaWorkspace(config: model.config)
        // Untiled attention (one tile of 64 rows: every block whole, the upper triangles computed and discarded) and the
        // default row tiles, alternating step by step so that load from other work on the machine hits both alike.
        let tilings = [t, CausalAttention.rowTile]
        let saved = CausalAttention.rowTile
        defer { CausalAttention.rowTile = saved }
        var times = [[Double]](repeating: [], count: tilings.count)
        for (i, batch) in batches.enumerated() {
            for (k, tile) in tilings.enumerated() {
                CausalAttention.rowTile = tile
                let start = Date()
                _ = try model.causalLMLoss(batch, targetMask: mask, workspace: ws, backward: true)
                let seconds = Date().timeIntervalSince(start)
                for a in model.adapters { a.a.zeroGrad(); a.b.zeroGrad() }
                if i >= Self.warmup { times[k].append(seconds) }
            }
        }
        for (k, tile) in tilings.enumerated() {
            let median = times[k].sorted()[times[k].count / 2]
            print("Llama step (SmolLM2, q,v r=8, \(b)×\(t) tokens, \(Parallel.width) threads, attention row tile \(tile)): "
                  + "\(summary(times[k])); " + String(format: "%.0f tokens/s at the median", Double(b * t) / median))
        }
    }

    /// The 30 layers' causal attention forward + backward alone, on SmolLM2's head split (9 query heads, 3 key/value
    /// heads, dₕ = 64) and 512 tokens cut into sequences of 64, 128 and 256, whole blocks against row tiles: the part of
    /// the step that skipping masked work can change.
    func testCausalAttentionTime() throws {
        try requireTiming()
        let (heads, kvHeads, dh) = (9, 3, 64)
        let saved = CausalAttention.rowTile
        defer { CausalAttention.rowTile = saved }
        for (b, t) in [(8, 64), (4, 128), (2, 256)] {
            let shape = CausalAttention.Shape(offsets: (0...b).map { $0 * t }, heads: heads, kvHeads: kvHeads, headSize: dh)
            let n = b * t
            var rng = SeededGenerator(seed: 3, stream: "attention-timing")
            func buffer(_ count: Int) -> FloatBuffer {
                let f = FloatBuffer(capacity: count)
                for i in 0..<count { f.p[i] = Float(rng.nextGaussian()) }
                return f
            }
            let (q, k, v, dctx) = (buffer(n * heads * dh), buffer(n * kvHeads * dh), buffer(n * kvHeads * dh), buffer(n * heads * dh))
            let (ctx, dq, dk, dv) = (buffer(n * heads * dh), buffer(n * heads * dh), buffer(n * kvHeads * dh), buffer(n * kvHeads * dh))
            let (probs, dprobs) = (buffer(shape.probCount), buffer(shape.probCount))
            let tilings = [t] + [128, 64, 32].filter { $0 < t }
            var forward = [[Double]](repeating: [], count: tilings.count), backward = forward
            for i in 0..<(Self.warmup + Self.steps) {
                for (j, tile) in tilings.enumerated() {
                    CausalAttention.rowTile = tile
                    var start = Date()
                    for _ in 0..<30 { CausalAttention.forward(ctx: ctx.p, probs: probs.p, q: q.p, k: k.p, v: v.p, shape: shape) }
                    let f = Date().timeIntervalSince(start)
                    start = Date()
                    for _ in 0..<30 {
                        CausalAttention.backward(dq: dq.p, dk: dk.p, dv: dv.p, dprobs: dprobs.p, dctx: dctx.p, q: q.p, k: k.p,
                                                 v: v.p, probs: probs.p, shape: shape)
                    }
                    if i >= Self.warmup { forward[j].append(f); backward[j].append(Date().timeIntervalSince(start)) }
                }
            }
            for (j, tile) in tilings.enumerated() {
                print("Causal attention ×30 layers (\(b)×\(t), H \(heads), H_kv \(kvHeads), dₕ \(dh), row tile \(tile)): "
                      + "forward \(summary(forward[j])); backward \(summary(backward[j]))")
            }
        }
    }
}
