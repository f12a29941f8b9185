import XCTest
import LinearAlgebra
@testable import Model

/// Every op's backward against central finite differences on small shapes (tolerance reasoned in `GradientCheck`).
final class OpsGradientTests: XCTestCase {
    private func assertGradient(_ analytic: [Float], at p: UnsafeMutablePointer<Float>, count: Int, _ name: String,
                                loss: () -> Double, file: StaticString = #filePath, line: UInt = #line) {
        for i in 0..<count {
            let num = GradientCheck.numeric(p + i, loss)
            XCTAssertTrue(GradientCheck.close(Double(analytic[i]), num), "\(name)[\(i)] analytic \(analytic[i]) numeric \(num)",
                          file: file, line: line)
        }
    }

    func testLayerNormBackward() {
        let (n, c) = (3, 37)    // two full 16-lane blocks and a tail
        let x = GradientCheck.buffer(GradientCheck.values(n * c, seed: 1, scale: 2))
        let gamma = GradientCheck.values(c, seed: 2).map { 1 + $0 * 0.5 }
        let beta = GradientCheck.values(c, seed: 3)
        let w = GradientCheck.values(n * c, seed: 4)
        let y = FloatBuffer(capacity: n * c), mean = FloatBuffer(capacity: n), rstd = FloatBuffer(capacity: n)
        func loss() -> Double {
            LayerNorm.forward(out: y.p, mean: mean.p, rstd: rstd.p, inp: x.p, gamma: gamma, beta: beta, rows: n, cols: c, eps: 1e-12)
            return GradientCheck.weightedSum(y.p, w)
        }
        _ = loss()
        var dx = [Float](repeating: 0, count: n * c)
        LayerNorm.backward(dinp: &dx, dout: w, inp: x.p, mean: mean.p, rstd: rstd.p, gamma: gamma, rows: n, cols: c)
        assertGradient(dx, at: x.p, count: n * c, "dx", loss: loss)
        // Each normalised row has mean β̄-free zero and unit variance before the affine part.
        LayerNorm.forward(out: y.p, mean: mean.p, rstd: rstd.p, inp: x.p, gamma: [Float](repeating: 1, count: c),
                          beta: [Float](repeating: 0, count: c), rows: n, cols: c, eps: 1e-12)
        for i in 0..<n {
            let row = (0..<c).map { Double(y.p[i * c + $0]) }
            XCTAssertEqual(row.reduce(0, +) / Double(c), 0, accuracy: 1e-6)
            XCTAssertEqual(row.map { $0 * $0 }.reduce(0, +) / Double(c), 1, accuracy: 1e-5)
        }
    }

    func testGELUBackward() {
        let count = 40                         // two 16-lane blocks and a tail
        let x = GradientCheck.buffer(GradientCheck.values(count, seed: 5, scale: 4))
        let w = GradientCheck.values(count, seed: 6)
        let y = FloatBuffer(capacity: count), derivative = FloatBuffer(capacity: count)
        func loss() -> Double {
            GELU.forward(out: y.p, derivative: derivative.p, inp: x.p, count: count)
            return GradientCheck.weightedSum(y.p, w)
        }
        _ = loss()
        var dx = [Float](repeating: 0, count: count)
        GELU.backward(dinp: &dx, dout: w, derivative: derivative.p, count: count)
        assertGradient(dx, at: x.p, count: count, "dx", loss: loss)
        // In place, as the model calls it (dinp = dout): the same result (after a forward pass at the unperturbed x,
        // since the finite differences left gelu′ of a perturbed input behind).
        _ = loss()
        var inPlace = w
        inPlace.withUnsafeMutableBufferPointer { b in
            GELU.backward(dinp: b.baseAddress!, dout: b.baseAddress!, derivative: derivative.p, count: count)
        }
        XCTAssertEqual(inPlace, dx)
        // Known values: gelu(0) = 0, gelu(1) = Φ(1) = 0.8413447, gelu′(0) = 0.5, gelu′(1) = Φ(1) + φ(1) = 1.0833155.
        var out: [Float] = [0, 0], slope: [Float] = [0, 0]
        GELU.forward(out: &out, derivative: &slope, inp: [0, 1], count: 2)
        XCTAssertEqual(out[0], 0)
        XCTAssertEqual(out[1], 0.8413447, accuracy: 1e-6)
        XCTAssertEqual(slope[0], 0.5, accuracy: 1e-7)
        XCTAssertEqual(slope[1], 1.0833155, accuracy: 1e-6)
    }

    /// Attention forward and backward for the loss Σ w ⊙ ctx with w drawn from `seed`: the analytic dq, dk, dv and the
    /// loss itself (which reruns the forward pass) for finite differences.
    private func attentionGradients(q: FloatBuffer, k: FloatBuffer, v: FloatBuffer, mask: [Float], shape: Attention.Shape,
                                    seed: UInt64) -> (dq: [Float], dk: [Float], dv: [Float], loss: () -> Double) {
        let n = shape.offsets[shape.batch], d = shape.width
        let blocks = shape.probCount
        let ctx = FloatBuffer(capacity: n * d), probs = FloatBuffer(capacity: blocks), dprobs = FloatBuffer(capacity: blocks)
        let w = GradientCheck.values(n * d, seed: seed)
        let loss = { () -> Double in
            Attention.forward(ctx: ctx.p, probs: probs.p, q: q.p, k: k.p, v: v.p, mask: mask, shape: shape)
            return GradientCheck.weightedSum(ctx.p, w)
        }
        _ = loss()
        let dq = FloatBuffer(capacity: n * d), dk = FloatBuffer(capacity: n * d), dv = FloatBuffer(capacity: n * d)
        Attention.backward(dq: dq.p, dk: dk.p, dv: dv.p, dprobs: dprobs.p, dctx: w, q: q.p, k: k.p, v: v.p, probs: probs.p, shape: shape)
        return (dq.array(n * d), dk.array(n * d), dv.array(n * d), loss)
    }

    func testAttentionMatchesReferenceAndBackward() {
        let shape = Attention.Shape(batch: 2, tokens: 5, heads: 2, headSize: 3)
        let n = 10, d = 6
        let q = GradientCheck.buffer(GradientCheck.values(n * d, seed: 7))
        let k = GradientCheck.buffer(GradientCheck.values(n * d, seed: 8))
        let v = GradientCheck.buffer(GradientCheck.values(n * d, seed: 9))
        let mask: [Float] = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0]    // second sequence has two padding tokens
        let ctx = FloatBuffer(capacity: n * d), probs = FloatBuffer(capacity: 2 * 2 * 25)
        Attention.forward(ctx: ctx.p, probs: probs.p, q: q.p, k: k.p, v: v.p, mask: mask, shape: shape)
        let ref = Attention.forwardReference(q: q.array(n * d), k: k.array(n * d), v: v.array(n * d), mask: mask, shape: shape)
        for i in 0..<(n * d) { XCTAssertEqual(ctx.p[i], ref[i], accuracy: 1e-6) }
        for h in 0..<2 { for i in 0..<5 { for j in 3..<5 { XCTAssertEqual(probs.p[(1 * 2 + h) * 25 + i * 5 + j], 0, "masked key gets 0") } } }

        let (gq, gk, gv, loss) = attentionGradients(q: q, k: k, v: v, mask: mask, shape: shape, seed: 10)
        assertGradient(gq, at: q.p, count: n * d, "dq", loss: loss)
        assertGradient(gk, at: k.p, count: n * d, "dk", loss: loss)
        assertGradient(gv, at: v.p, count: n * d, "dv", loss: loss)
        // Padded keys receive no gradient.
        for i in 8..<10 { for c in 0..<d { XCTAssertEqual(gk[i * d + c], 0); XCTAssertEqual(gv[i * d + c], 0) } }
    }

    /// Rows longer than the 16 SIMD lanes (21 keys: one block and a tail) against the Double reference, a sequence
    /// with every key masked (its probabilities and context are exactly 0), and the softmax backward on the long rows.
    func testAttentionLongRowsAndFullyMaskedSequence() {
        let shape = Attention.Shape(batch: 3, tokens: 21, heads: 2, headSize: 4)
        let n = 63, d = 8
        let q = GradientCheck.buffer(GradientCheck.values(n * d, seed: 21, scale: 3))
        let k = GradientCheck.buffer(GradientCheck.values(n * d, seed: 22, scale: 3))
        let v = GradientCheck.buffer(GradientCheck.values(n * d, seed: 23))
        var mask = [Float](repeating: 1, count: n)
        for j in 17..<21 { mask[21 + j] = 0 }                 // second sequence: 4 padding keys, one in the tail block
        for j in 0..<21 { mask[42 + j] = 0 }                  // third sequence: nothing to attend to
        let ctx = FloatBuffer(capacity: n * d), probs = FloatBuffer(capacity: 3 * 2 * 21 * 21)
        Attention.forward(ctx: ctx.p, probs: probs.p, q: q.p, k: k.p, v: v.p, mask: mask, shape: shape)
        let ref = Attention.forwardReference(q: q.array(n * d), k: k.array(n * d), v: v.array(n * d), mask: mask, shape: shape)
        for i in 0..<(42 * d) { XCTAssertEqual(ctx.p[i], ref[i], accuracy: 1e-6) }
        for i in (42 * d)..<(n * d) { XCTAssertEqual(ctx.p[i], 0, "fully masked sequence") }
        for i in (2 * 2 * 441)..<(3 * 2 * 441) { XCTAssertEqual(probs.p[i], 0) }
        for row in 0..<(2 * 2 * 21) {                          // unmasked rows sum to 1
            let sum = (0..<21).reduce(Float(0)) { $0 + probs.p[row * 21 + $1] }
            XCTAssertEqual(sum, 1, accuracy: 1e-5)
        }
        let (gq, gk, _, loss) = attentionGradients(q: q, k: k, v: v, mask: mask, shape: shape, seed: 24)
        assertGradient(Array(gq[..<(21 * d)]), at: q.p, count: 21 * d, "dq", loss: loss)
        assertGradient(Array(gk[..<(42 * d)]), at: k.p, count: 42 * d, "dk", loss: loss)
        // A NaN score (as in a diverging run) reaches the context instead of being mistaken for a fully masked row.
        q.p[0] = .nan
        Attention.forward(ctx: ctx.p, probs: probs.p, q: q.p, k: k.p, v: v.p, mask: mask, shape: shape)
        XCTAssertTrue(ctx.p[0].isNaN && ctx.p[3].isNaN, "row 0 of head 0 attends through NaN scores")
        XCTAssertFalse(ctx.p[4].isNaN, "head 1 does not read q[0]")
    }

    /// A packed (ragged) layout: sequences of 1, 7 (the longest), 3, 3 and 7 rows laid one after another, no mask.
    /// The forward pass equals the Double reference per sequence, every sequence's context equals that of the same
    /// sequence attended alone, and the backward pass passes finite differences.
    func testRaggedAttentionMatchesReferenceAndBackward() {
        let lengths = [1, 7, 3, 3, 7]
        let offsets = lengths.reduce(into: [0]) { $0.append($0.last! + $1) }
        let shape = Attention.Shape(offsets: offsets, heads: 2, headSize: 3)
        let n = offsets.last!, d = 6
        XCTAssertEqual(shape.probCount, 2 * lengths.map { $0 * $0 }.reduce(0, +))
        let q = GradientCheck.buffer(GradientCheck.values(n * d, seed: 31))
        let k = GradientCheck.buffer(GradientCheck.values(n * d, seed: 32))
        let v = GradientCheck.buffer(GradientCheck.values(n * d, seed: 33))
        let mask = [Float](repeating: 1, count: n)
        let ctx = FloatBuffer(capacity: n * d), probs = FloatBuffer(capacity: shape.probCount)
        Attention.forward(ctx: ctx.p, probs: probs.p, q: q.p, k: k.p, v: v.p, mask: mask, shape: shape)
        let ref = Attention.forwardReference(q: q.array(n * d), k: k.array(n * d), v: v.array(n * d), mask: mask, shape: shape)
        for i in 0..<(n * d) { XCTAssertEqual(ctx.p[i], ref[i], accuracy: 1e-6) }
        // A one-token sequence attends only to itself: its context is its own value row.
        for c in 0..<d { XCTAssertEqual(ctx.p[c], v.p[c], accuracy: 1e-6) }
        // Each sequence alone (its own one-sequence shape) gives the same context bit for bit.
        for b in 0..<lengths.count {
            let rows = offsets[b]..<offsets[b + 1]
            let alone = Attention.Shape(batch: 1, tokens: rows.count, heads: 2, headSize: 3)
            let c1 = FloatBuffer(capacity: rows.count * d), p1 = FloatBuffer(capacity: alone.probCount)
            Attention.forward(ctx: c1.p, probs: p1.p, q: q.p + rows.lowerBound * d, k: k.p + rows.lowerBound * d,
                              v: v.p + rows.lowerBound * d, mask: mask, shape: alone)
            XCTAssertEqual(c1.array(rows.count * d), Array(ctx.array(n * d)[(rows.lowerBound * d)..<(rows.upperBound * d)]), "sequence \(b)")
        }
        let (gq, gk, gv, loss) = attentionGradients(q: q, k: k, v: v, mask: mask, shape: shape, seed: 34)
        assertGradient(gq, at: q.p, count: n * d, "dq", loss: loss)
        assertGradient(gk, at: k.p, count: n * d, "dk", loss: loss)
        assertGradient(gv, at: v.p, count: n * d, "dv", loss: loss)
    }

    /// Pooling over a packed layout (spans of 2, 1 and 3 rows, no padding) passes finite differences, and mean pooling
    /// equals the per-sequence mean.
    func testRaggedPoolingBackward() {
        let offsets = [0, 2, 3, 6], d = 3, n = 6
        let mask = [Float](repeating: 1, count: n)
        for pooling in Pooling.allCases {
            let h = GradientCheck.buffer(GradientCheck.values(n * d, seed: 41))
            let w = GradientCheck.values(3 * d, seed: 42)
            let out = FloatBuffer(capacity: 3 * d)
            func loss() -> Double {
                pooling.forward(out: out.p, hidden: h.p, mask: mask, offsets: offsets, width: d)
                return GradientCheck.weightedSum(out.p, w)
            }
            _ = loss()
            if pooling == .mean { XCTAssertEqual(out.p[2 * d], (h.p[3 * d] + h.p[4 * d] + h.p[5 * d]) / 3, accuracy: 1e-6) }
            var dh = [Float](repeating: 0, count: n * d)
            pooling.backward(dhidden: &dh, dpooled: w, mask: mask, offsets: offsets, width: d)
            assertGradient(dh, at: h.p, count: n * d, "\(pooling) dh", loss: loss)
        }
    }

    func testPoolingBackward() {
        let (b, t, d) = (2, 4, 3)
        let mask: [Float] = [1, 1, 1, 0, 1, 1, 0, 0]
        for pooling in Pooling.allCases {
            let h = GradientCheck.buffer(GradientCheck.values(b * t * d, seed: 11))
            let w = GradientCheck.values(b * d, seed: 12)
            let out = FloatBuffer(capacity: b * d)
            func loss() -> Double {
                pooling.forward(out: out.p, hidden: h.p, mask: mask, batch: b, tokens: t, width: d)
                return GradientCheck.weightedSum(out.p, w)
            }
            var dh = [Float](repeating: 0, count: b * t * d)
            pooling.backward(dhidden: &dh, dpooled: w, mask: mask, batch: b, tokens: t, width: d)
            assertGradient(dh, at: h.p, count: b * t * d, "\(pooling) dh", loss: loss)
        }
    }

    func testCrossEntropyGradientAndValue() {
        let (b, k) = (3, 4)
        let z = GradientCheck.buffer(GradientCheck.values(b * k, seed: 13, scale: 3))
        let labels = [2, 0, 3]
        let scratch = FloatBuffer(capacity: b * k)
        func loss() -> Double {
            Loss.crossEntropy(logits: MatrixView(z.p, rows: b, cols: k), labels: labels, dlogits: scratch.view(b, k))
        }
        let dz = FloatBuffer(capacity: b * k)
        XCTAssertGreaterThan(Loss.crossEntropy(logits: MatrixView(z.p, rows: b, cols: k), labels: labels, dlogits: dz.view(b, k)), 0)
        assertGradient(dz.array(b * k), at: z.p, count: b * k, "dz", loss: loss)
        // Equal logits give exactly log K.
        let flat = GradientCheck.buffer([Float](repeating: 0.5, count: k))
        let uniform = Loss.crossEntropy(logits: MatrixView(flat.p, rows: 1, cols: k), labels: [1], dlogits: scratch.view(1, k))
        XCTAssertEqual(uniform, log(Double(k)), accuracy: 1e-12)
    }

    func testMeanSquaredErrorGradientIgnoresZeroWeightRows() {
        let (b, k) = (3, 4)
        let y = GradientCheck.buffer(GradientCheck.values(b * k, seed: 14))
        let target = GradientCheck.buffer(GradientCheck.values(b * k, seed: 15))
        let rowWeights: [Float] = [1, 0, 1]
        let scratch = FloatBuffer(capacity: b * k), dy = FloatBuffer(capacity: b * k)
        func loss() -> Double {
            Loss.meanSquaredError(outputs: MatrixView(y.p, rows: b, cols: k), targets: MatrixView(target.p, rows: b, cols: k),
                                  rowWeights: rowWeights, doutputs: scratch.view(b, k))
        }
        _ = Loss.meanSquaredError(outputs: MatrixView(y.p, rows: b, cols: k), targets: MatrixView(target.p, rows: b, cols: k),
                                  rowWeights: rowWeights, doutputs: dy.view(b, k))
        assertGradient(dy.array(b * k), at: y.p, count: b * k, "dy", loss: loss)
        for i in 4..<8 { XCTAssertEqual(dy.p[i], 0, "a row with weight 0 gets no gradient") }
    }
}

/// The parallel attention (blocks split across threads, each calling BLAS) gives the naive reference's result every
/// time: a data race in the split or in concurrent BLAS calls would show up as sporadic mismatches or NaNs here.
final class AttentionConcurrencyTests: XCTestCase {
    func testRepeatedParallelForwardAndBackwardAreExactAndStable() {
        let shape = Attention.Shape(batch: 8, tokens: 12, heads: 4, headSize: 8)
        let n = 96, d = 32
        let q = GradientCheck.values(n * d, seed: 21), k = GradientCheck.values(n * d, seed: 22), v = GradientCheck.values(n * d, seed: 23)
        var mask = [Float](repeating: 1, count: n)
        for b in 0..<8 { for i in (12 - b)..<12 where b > 0 { mask[b * 12 + i] = 0 } }
        let ref = Attention.forwardReference(q: q, k: k, v: v, mask: mask, shape: shape)
        let ctx = FloatBuffer(capacity: n * d), probs = FloatBuffer(capacity: 8 * 4 * 144)
        let dq = FloatBuffer(capacity: n * d), dk = FloatBuffer(capacity: n * d), dv = FloatBuffer(capacity: n * d)
        let dprobs = FloatBuffer(capacity: 8 * 4 * 144)
        var firstGrad: [Float]?
        for _ in 0..<100 {
            Attention.forward(ctx: ctx.p, probs: probs.p, q: q, k: k, v: v, mask: mask, shape: shape)
            let out = ctx.array(n * d)
            XCTAssertLessThan(zip(out, ref).map { abs($0 - $1) }.max()!, 1e-5)
            Attention.backward(dq: dq.p, dk: dk.p, dv: dv.p, dprobs: dprobs.p, dctx: q, q: q, k: k, v: v, probs: probs.p, shape: shape)
            let grad = dq.array(n * d) + dk.array(n * d) + dv.array(n * d)
            if let firstGrad { XCTAssertEqual(grad, firstGrad, "backward must be bit-identical run to run") } else { firstGrad = grad }
        }
    }
}
