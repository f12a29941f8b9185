import XCTest
import LinearAlgebra
@testable import Model

/// Causal attention's row tiles (masked key blocks skipped) against whole blocks, the Double reference and finite
/// differences; and attention over a key/value cache (generation) against the whole sequence.
final class CausalAttentionTilingTests: XCTestCase {
    private func withRowTile<T>(_ tile: Int, _ body: () throws -> T) rethrows -> T {
        let saved = CausalAttention.rowTile
        CausalAttention.rowTile = tile
        defer { CausalAttention.rowTile = saved }
        return try body()
    }

    /// Forward and backward with `tile`-row tiles: (ctx, probs, dq, dk, dv), dk and dv pre-filled with junk.
    private func run(tile: Int, q: FloatBuffer, k: FloatBuffer, v: FloatBuffer, dctx: [Float], shape: CausalAttention.Shape)
        -> (ctx: [Float], probs: [Float], dq: [Float], dk: [Float], dv: [Float]) {
        let n = shape.offsets[shape.batch], d = shape.width, dkv = shape.kvWidth
        let ctx = FloatBuffer(capacity: n * d), probs = FloatBuffer(capacity: shape.probCount)
        let dprobs = FloatBuffer(capacity: shape.probCount)
        let dq = FloatBuffer(capacity: n * d), dk = FloatBuffer(capacity: n * dkv), dv = FloatBuffer(capacity: n * dkv)
        for i in 0..<(n * dkv) { dk.p[i] = 7; dv.p[i] = -7 }
        for i in 0..<shape.probCount { probs.p[i] = 5; dprobs.p[i] = 5 }
        withRowTile(tile) {
            CausalAttention.forward(ctx: ctx.p, probs: probs.p, q: q.p, k: k.p, v: v.p, shape: shape)
            CausalAttention.backward(dq: dq.p, dk: dk.p, dv: dv.p, dprobs: dprobs.p, dctx: dctx, q: q.p, k: k.p, v: v.p,
                                     probs: probs.p, shape: shape)
        }
        return (ctx.array(n * d), probs.array(shape.probCount), dq.array(n * d), dk.array(n * dkv), dv.array(n * dkv))
    }

    /// Tiles of 1, 3, 4, 7 and 16 rows on sequences of 1, 5, 21 and 33 rows (tiles that divide a block, that do not, and
    /// blocks shorter than a tile), grouped-query and multi-query: the context equals the Double reference, every
    /// probability block is a causal softmax with exact zeros above the diagonal (junk there before), and the gradients
    /// equal those of whole blocks up to rounding.
    func testRowTilesGiveWholeBlockResults() {
        for (heads, kvHeads) in [(6, 2), (4, 1)] {
            let dh = 4
            let lengths = [1, 5, 21, 33]
            let offsets = lengths.reduce(into: [0]) { $0.append($0.last! + $1) }
            let shape = CausalAttention.Shape(offsets: offsets, heads: heads, kvHeads: kvHeads, headSize: dh)
            let n = offsets.last!, d = shape.width, dkv = shape.kvWidth
            let q = GradientCheck.buffer(GradientCheck.values(n * d, seed: 91, scale: 2))
            let k = GradientCheck.buffer(GradientCheck.values(n * dkv, seed: 92, scale: 2))
            let v = GradientCheck.buffer(GradientCheck.values(n * dkv, seed: 93))
            let dctx = GradientCheck.values(n * d, seed: 94)
            let whole = run(tile: n, q: q, k: k, v: v, dctx: dctx, shape: shape)
            let ref = CausalAttention.forwardReference(q: q.array(n * d), k: k.array(n * dkv), v: v.array(n * dkv), shape: shape)
            for tile in [1, 3, 4, 7, 16] {
                let label = "H \(heads), H_kv \(kvHeads), tile \(tile)"
                let tiled = run(tile: tile, q: q, k: k, v: v, dctx: dctx, shape: shape)
                for i in 0..<(n * d) { XCTAssertEqual(tiled.ctx[i], ref[i], accuracy: 1e-6, label) }
                for b in lengths.indices {
                    let t = lengths[b]
                    for h in 0..<heads {
                        let base = shape.probOffsets[b] + h * t * t
                        for i in 0..<t {
                            for j in (i + 1)..<max(i + 1, t) { XCTAssertEqual(tiled.probs[base + i * t + j], 0, "\(label): key \(j) after query \(i)") }
                            let sum = (0...i).reduce(Float(0)) { $0 + tiled.probs[base + i * t + $1] }
                            XCTAssertEqual(sum, 1, accuracy: 1e-5, label)
                        }
                    }
                }
                for (name, a, w) in [("dq", tiled.dq, whole.dq), ("dk", tiled.dk, whole.dk), ("dv", tiled.dv, whole.dv)] {
                    for i in a.indices { XCTAssertEqual(a[i], w[i], accuracy: 1e-5 * max(1, abs(w[i])), "\(label) \(name)[\(i)]") }
                }
            }
        }
    }

    /// Finite differences of dq, dk and dv with 3-row tiles on sequences of 5 and 8 rows (partial and whole tiles).
    func testTiledGradientsMatchFiniteDifferences() {
        let (heads, kvHeads, dh) = (4, 2, 3)
        let offsets = [0, 5, 13]
        let shape = CausalAttention.Shape(offsets: offsets, heads: heads, kvHeads: kvHeads, headSize: dh)
        let n = 13, d = shape.width, dkv = shape.kvWidth
        let q = GradientCheck.buffer(GradientCheck.values(n * d, seed: 95, scale: 2))
        let k = GradientCheck.buffer(GradientCheck.values(n * dkv, seed: 96, scale: 2))
        let v = GradientCheck.buffer(GradientCheck.values(n * dkv, seed: 97))
        let w = GradientCheck.values(n * d, seed: 98)
        withRowTile(3) {
            let ctx = FloatBuffer(capacity: n * d), probs = FloatBuffer(capacity: shape.probCount)
            let loss = { () -> Double in
                CausalAttention.forward(ctx: ctx.p, probs: probs.p, q: q.p, k: k.p, v: v.p, shape: shape)
                return GradientCheck.weightedSum(ctx.p, w)
            }
            let tiled = run(tile: 3, q: q, k: k, v: v, dctx: w, shape: shape)
            for (name, analytic, p, count) in [("dq", tiled.dq, q.p, n * d), ("dk", tiled.dk, k.p, n * dkv), ("dv", tiled.dv, v.p, n * dkv)] {
                for i in 0..<count {
                    let numeric = GradientCheck.numeric(p + i, loss)
                    XCTAssertTrue(GradientCheck.close(Double(analytic[i]), numeric), "\(name)[\(i)] analytic \(analytic[i]) numeric \(numeric)")
                }
            }
        }
    }

    /// A 13-row sequence fed to `forwardCached` in pieces of 5, 1, 1 and 6 rows (as generation feeds a prompt, then one
    /// token at a time) gives every row the context the whole-sequence forward gives it.
    func testCachedAttentionMatchesWholeSequence() {
        let (heads, kvHeads, dh) = (6, 2, 4)
        let n = 13
        let shape = CausalAttention.Shape(offsets: [0, n], heads: heads, kvHeads: kvHeads, headSize: dh)
        let (d, dkv) = (shape.width, shape.kvWidth)
        let q = GradientCheck.buffer(GradientCheck.values(n * d, seed: 101, scale: 2))
        let k = GradientCheck.buffer(GradientCheck.values(n * dkv, seed: 102, scale: 2))
        let v = GradientCheck.buffer(GradientCheck.values(n * dkv, seed: 103))
        let ctx = FloatBuffer(capacity: n * d), probs = FloatBuffer(capacity: shape.probCount)
        CausalAttention.forward(ctx: ctx.p, probs: probs.p, q: q.p, k: k.p, v: v.p, shape: shape)
        var past = 0
        for piece in [5, 1, 1, 6] {
            let out = FloatBuffer(capacity: piece * d)
            let scores = FloatBuffer(capacity: CausalAttention.cachedScoreCount(heads: heads, rows: piece, past: past))
            for i in 0..<scores.capacity { scores.p[i] = 9 }
            CausalAttention.forwardCached(ctx: out.p, scores: scores.p, q: q.p + past * d, rows: piece, keys: k.p, values: v.p,
                                          past: past, heads: heads, kvHeads: kvHeads, headSize: dh)
            for i in 0..<(piece * d) { XCTAssertEqual(out.p[i], ctx.p[past * d + i], accuracy: 1e-6, "rows \(past)..<\(past + piece)") }
            past += piece
        }
    }
}
