import Foundation
import XCTest
import LinearAlgebra
@testable import Model

/// The Llama ops (RMSNorm, RoPE, SwiGLU, causal grouped-query attention) against naive references and their backward
/// passes against central finite differences on small shapes (tolerance reasoned in `GradientCheck`).
final class LlamaOpsGradientTests: XCTestCase {
    private func assertGradient(_ analytic: [Float], at p: UnsafeMutablePointer<Float>, count: Int, _ name: String,
                                loss: () -> Double, file: StaticString = #filePath, line: UInt = #line) {
        for i in 0..<count {
            let num = GradientCheck.numeric(p + i, loss)
            XCTAssertTrue(GradientCheck.close(Double(analytic[i]), num), "\(name)[\(i)] analytic \(analytic[i]) numeric \(num)",
                          file: file, line: line)
        }
    }

    func testRMSNormMatchesDefinitionAndBackward() {
        let (n, c) = (3, 37)    // two full 16-lane blocks and a tail
        let x = GradientCheck.buffer(GradientCheck.values(n * c, seed: 1, scale: 2))
        let weight = GradientCheck.values(c, seed: 2).map { 1 + $0 * 0.5 }
        let w = GradientCheck.values(n * c, seed: 4)
        let y = FloatBuffer(capacity: n * c), rstd = FloatBuffer(capacity: n)
        let eps: Float = 1e-5
        func loss() -> Double {
            RMSNorm.forward(out: y.p, rstd: rstd.p, inp: x.p, weight: weight, rows: n, cols: c, eps: eps)
            return GradientCheck.weightedSum(y.p, w)
        }
        _ = loss()
        // The definition in Double: y = x / √(mean(x²) + ε) ⊙ w.
        for i in 0..<n {
            let row = (0..<c).map { Double(x.p[i * c + $0]) }
            let r = 1 / (row.map { $0 * $0 }.reduce(0, +) / Double(c) + Double(eps)).squareRoot()
            XCTAssertEqual(Double(rstd.p[i]), r, accuracy: 1e-6 * r)
            for j in 0..<c { XCTAssertEqual(Double(y.p[i * c + j]), row[j] * r * Double(weight[j]), accuracy: 1e-5) }
        }
        var dx = [Float](repeating: 0, count: n * c)
        RMSNorm.backward(dinp: &dx, dout: w, inp: x.p, rstd: rstd.p, weight: weight, rows: n, cols: c)
        assertGradient(dx, at: x.p, count: n * c, "dx", loss: loss)
        // accumulate: adds to what is there.
        _ = loss()
        var acc = [Float](repeating: 0.25, count: n * c)
        RMSNorm.backward(dinp: &acc, dout: w, inp: x.p, rstd: rstd.p, weight: weight, rows: n, cols: c, accumulate: true)
        for i in 0..<(n * c) { XCTAssertEqual(acc[i], dx[i] + 0.25, accuracy: 1e-6) }
    }

    /// RoPE on a packed layout (sequences of 3 and 5 rows, positions restarting at 0): equals the Double reference with
    /// exact angles, leaves position 0 unchanged, preserves each pair's norm, and its backward (the rotation by −θ) passes
    /// finite differences and inverts the forward rotation.
    func testRotaryEmbeddingMatchesReferenceAndBackward() {
        let (heads, dh) = (3, 8)
        let n = 8, width = heads * dh
        let positions: [Int32] = [0, 1, 2, 0, 1, 2, 3, 4]
        var rope = RotaryEmbedding(headSize: dh, base: 10_000)
        rope.reserve(positions: 5)
        let x0 = GradientCheck.values(n * width, seed: 51, scale: 2)
        let x = GradientCheck.buffer(x0)
        positions.withUnsafeBufferPointer { rope.forward(x.p, rows: n, heads: heads, positionOf: $0.baseAddress!) }
        let ref = RotaryEmbedding.forwardReference(x0, rows: n, heads: heads, headSize: dh, base: 10_000, positionOf: positions.map(Int.init))
        // Float32 angles (transformers' recipe) differ from exact ones by ≤ p·2⁻²⁴ rad; at p ≤ 4, values ≤ 2: < 1e-6.
        for i in 0..<(n * width) { XCTAssertEqual(x.p[i], ref[i], accuracy: 2e-6) }
        for r in [0, 3] { for c in 0..<width { XCTAssertEqual(x.p[r * width + c], x0[r * width + c], "position 0 is not rotated") } }
        for r in 0..<n {
            for h in 0..<heads {
                for i in 0..<(dh / 2) {
                    let lo = r * width + h * dh + i, hi = lo + dh / 2
                    XCTAssertEqual(x.p[lo] * x.p[lo] + x.p[hi] * x.p[hi], x0[lo] * x0[lo] + x0[hi] * x0[hi], accuracy: 1e-5)
                }
            }
        }
        // Backward: finite differences of Σ w ⊙ RoPE(x).
        let input = GradientCheck.buffer(x0)
        let y = FloatBuffer(capacity: n * width)
        let w = GradientCheck.values(n * width, seed: 52)
        func loss() -> Double {
            y.p.update(from: input.p, count: n * width)
            positions.withUnsafeBufferPointer { rope.forward(y.p, rows: n, heads: heads, positionOf: $0.baseAddress!) }
            return GradientCheck.weightedSum(y.p, w)
        }
        var dx = w
        dx.withUnsafeMutableBufferPointer { d in
            positions.withUnsafeBufferPointer { rope.backward(d.baseAddress!, rows: n, heads: heads, positionOf: $0.baseAddress!) }
        }
        assertGradient(dx, at: input.p, count: n * width, "dx", loss: loss)
        // backward ∘ forward = identity (a rotation's transpose is its inverse).
        positions.withUnsafeBufferPointer { rope.backward(x.p, rows: n, heads: heads, positionOf: $0.baseAddress!) }
        for i in 0..<(n * width) { XCTAssertEqual(x.p[i], x0[i], accuracy: 1e-6) }
    }

    /// transformers' inv_freq for SmolLM2 (dₕ = 64, base 1e5): 1/base^(2i/64), the first, second and last values.
    func testRotaryFrequenciesFollowTransformers() {
        let inv = RotaryEmbedding.inverseFrequencies(headSize: 64, base: 100_000)
        XCTAssertEqual(inv.count, 32)
        XCTAssertEqual(inv[0], 1)
        XCTAssertEqual(Double(inv[1]), Foundation.pow(100_000, -2.0 / 64), accuracy: 1e-7)
        XCTAssertEqual(Double(inv[31]), Foundation.pow(100_000, -62.0 / 64), accuracy: 1e-11)
    }

    func testSwiGLUMatchesDefinitionAndBackward() {
        let count = 40                         // two 16-lane blocks and a tail
        let gate = GradientCheck.buffer(GradientCheck.values(count, seed: 61, scale: 5))
        let up = GradientCheck.buffer(GradientCheck.values(count, seed: 62, scale: 2))
        let w = GradientCheck.values(count, seed: 63)
        let y = FloatBuffer(capacity: count)
        func loss() -> Double {
            SwiGLU.forward(out: y.p, gate: gate.p, up: up.p, count: count)
            return GradientCheck.weightedSum(y.p, w)
        }
        _ = loss()
        for i in 0..<count {
            let g = Double(gate.p[i])
            let expected = g / (1 + Foundation.exp(-g)) * Double(up.p[i])
            XCTAssertEqual(Double(y.p[i]), expected, accuracy: 1e-6 * max(1, abs(expected)))   // a few Float32 roundings
        }
        var dg = [Float](repeating: 0, count: count), du = [Float](repeating: 0, count: count)
        SwiGLU.backward(dgate: &dg, dup: &du, dout: w, gate: gate.p, up: up.p, count: count)
        assertGradient(dg, at: gate.p, count: count, "dgate", loss: loss)
        assertGradient(du, at: up.p, count: count, "dup", loss: loss)
        // Saturation: SiLU(−100) = −0 (σ underflows), SiLU(100) = 100, no NaN in either direction.
        var out: [Float] = [0, 0], dgs: [Float] = [0, 0], dus: [Float] = [0, 0]
        SwiGLU.forward(out: &out, gate: [-100, 100], up: [1, 1], count: 2)
        XCTAssertEqual(out, [0, 100])
        SwiGLU.backward(dgate: &dgs, dup: &dus, dout: [1, 1], gate: [-100, 100], up: [1, 1], count: 2)
        XCTAssertEqual(dgs, [0, 1])
        XCTAssertEqual(dus, [0, 100])
    }

    /// Causal attention forward and backward for the loss Σ w ⊙ ctx: analytic dq, dk, dv and the loss for finite differences.
    private func attentionGradients(q: FloatBuffer, k: FloatBuffer, v: FloatBuffer, shape: CausalAttention.Shape,
                                    seed: UInt64) -> (dq: [Float], dk: [Float], dv: [Float], loss: () -> Double) {
        let n = shape.offsets[shape.batch], d = shape.width, dkv = shape.kvWidth
        let ctx = FloatBuffer(capacity: n * d), probs = FloatBuffer(capacity: shape.probCount), dprobs = FloatBuffer(capacity: shape.probCount)
        let w = GradientCheck.values(n * d, seed: seed)
        let loss = { () -> Double in
            CausalAttention.forward(ctx: ctx.p, probs: probs.p, q: q.p, k: k.p, v: v.p, shape: shape)
            return GradientCheck.weightedSum(ctx.p, w)
        }
        _ = loss()
        let dq = FloatBuffer(capacity: n * d), dk = FloatBuffer(capacity: n * dkv), dv = FloatBuffer(capacity: n * dkv)
        // Garbage in the outputs first: backward must overwrite, not accumulate across calls.
        for i in 0..<(n * dkv) { dk.p[i] = 7; dv.p[i] = 7 }
        CausalAttention.backward(dq: dq.p, dk: dk.p, dv: dv.p, dprobs: dprobs.p, dctx: w, q: q.p, k: k.p, v: v.p,
                                 probs: probs.p, shape: shape)
        return (dq.array(n * d), dk.array(n * dkv), dv.array(n * dkv), loss)
    }

    /// Grouped-query (6 query heads over 2 key/value heads), multi-query (4 over 1) and multi-head (2 over 2) attention on a
    /// packed batch of sequences of 1, 5 and 21 rows (21 keys: a 16-lane block and a tail): the Double reference, causality
    /// (the upper triangle of every probability block is exactly 0, and a row's context does not depend on later rows),
    /// and finite differences of dq, dk, dv.
    func testCausalGroupedQueryAttention() {
        for (heads, kvHeads) in [(6, 2), (4, 1), (2, 2)] {
            let dh = 4
            let lengths = [1, 5, 21]
            let offsets = lengths.reduce(into: [0]) { $0.append($0.last! + $1) }
            let shape = CausalAttention.Shape(offsets: offsets, heads: heads, kvHeads: kvHeads, headSize: dh)
            let n = offsets.last!, d = shape.width, dkv = shape.kvWidth
            let q = GradientCheck.buffer(GradientCheck.values(n * d, seed: 71, scale: 2))
            let k = GradientCheck.buffer(GradientCheck.values(n * dkv, seed: 72, scale: 2))
            let v = GradientCheck.buffer(GradientCheck.values(n * dkv, seed: 73))
            let label = "H \(heads), H_kv \(kvHeads)"
            let ctx = FloatBuffer(capacity: n * d), probs = FloatBuffer(capacity: shape.probCount)
            CausalAttention.forward(ctx: ctx.p, probs: probs.p, q: q.p, k: k.p, v: v.p, shape: shape)
            let ref = CausalAttention.forwardReference(q: q.array(n * d), k: k.array(n * dkv), v: v.array(n * dkv), shape: shape)
            for i in 0..<(n * d) { XCTAssertEqual(ctx.p[i], ref[i], accuracy: 1e-6, label) }
            // The first row of every sequence attends only to itself: its context is its key/value head's value row.
            for b in 0..<lengths.count {
                let r = offsets[b]
                for h in 0..<heads { for c in 0..<dh { XCTAssertEqual(ctx.p[r * d + h * dh + c], v.p[r * dkv + (h / (heads / kvHeads)) * dh + c], accuracy: 1e-6) } }
            }
            for b in 0..<lengths.count {
                let t = lengths[b]
                for h in 0..<heads {
                    let block = probs.p + shape.probOffsets[b] + h * t * t
                    for i in 0..<t {
                        for j in (i + 1)..<t { XCTAssertEqual(block[i * t + j], 0, "\(label): key \(j) after query \(i)") }
                        let sum = (0...i).reduce(Float(0)) { $0 + block[i * t + $1] }
                        XCTAssertEqual(sum, 1, accuracy: 1e-5)
                    }
                }
            }
            // Changing the last row's key and value leaves every earlier row's context unchanged, bit for bit.
            let before = ctx.array(n * d)
            for c in 0..<dkv { k.p[(n - 1) * dkv + c] += 1; v.p[(n - 1) * dkv + c] -= 1 }
            CausalAttention.forward(ctx: ctx.p, probs: probs.p, q: q.p, k: k.p, v: v.p, shape: shape)
            XCTAssertEqual(Array(ctx.array(n * d)[..<((n - 1) * d)]), Array(before[..<((n - 1) * d)]), label)
            XCTAssertNotEqual(Array(ctx.array(n * d)[((n - 1) * d)...]), Array(before[((n - 1) * d)...]), label)

            let (gq, gk, gv, loss) = attentionGradients(q: q, k: k, v: v, shape: shape, seed: 74)
            assertGradient(gq, at: q.p, count: n * d, "\(label) dq", loss: loss)
            assertGradient(gk, at: k.p, count: n * dkv, "\(label) dk", loss: loss)
            assertGradient(gv, at: v.p, count: n * dkv, "\(label) dv", loss: loss)
        }
    }

    /// A right-padded batch gives the real rows exactly what the packed batch gives them: causality keeps padding rows
    /// (after the real ones) out of every real row's attention.
    func testCausalAttentionIgnoresTrailingPadding() {
        let (heads, kvHeads, dh) = (4, 2, 3)
        let lengths = [2, 5], t = 5
        let packed = CausalAttention.Shape(offsets: [0, 2, 7], heads: heads, kvHeads: kvHeads, headSize: dh)
        let padded = CausalAttention.Shape(offsets: [0, 5, 10], heads: heads, kvHeads: kvHeads, headSize: dh)
        let (d, dkv) = (packed.width, packed.kvWidth)
        let q = GradientCheck.values(7 * d, seed: 81), k = GradientCheck.values(7 * dkv, seed: 82), v = GradientCheck.values(7 * dkv, seed: 83)
        func pad(_ x: [Float], _ w: Int) -> [Float] {
            var out = [Float](repeating: 9, count: 2 * t * w)   // padding rows hold junk
            for i in 0..<(2 * w) { out[i] = x[i] }
            for i in 0..<(5 * w) { out[t * w + i] = x[2 * w + i] }
            return out
        }
        let ctxP = FloatBuffer(capacity: 7 * d), probsP = FloatBuffer(capacity: packed.probCount)
        CausalAttention.forward(ctx: ctxP.p, probs: probsP.p, q: q, k: k, v: v, shape: packed)
        let ctxD = FloatBuffer(capacity: 10 * d), probsD = FloatBuffer(capacity: padded.probCount)
        CausalAttention.forward(ctx: ctxD.p, probs: probsD.p, q: pad(q, d), k: pad(k, dkv), v: pad(v, dkv), shape: padded)
        // Equal up to the products' summation over 5 instead of 2 keys (the extra terms are exact zeros).
        for i in 0..<(lengths[0] * d) { XCTAssertEqual(ctxD.p[i], ctxP.p[i], accuracy: 1e-6) }
        for i in 0..<(lengths[1] * d) { XCTAssertEqual(ctxD.p[t * d + i], ctxP.p[2 * d + i], accuracy: 1e-6) }
    }
}
