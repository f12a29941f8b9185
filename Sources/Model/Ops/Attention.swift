import Foundation
import LinearAlgebra

/// Multi-head scaled dot-product self-attention with a key padding mask (BERT, "Attention Is All You Need").
///
/// q, k, v, ctx are (N, d) row-major in the batch's layout (`Batch`: sequence b is rows offsets[b]..<offsets[b+1], its
/// span sᵦ) with head h occupying columns h·dₕ..<(h+1)·dₕ, so each (b, h) block is a strided (sᵦ × dₕ) view with leading
/// dimension d and no permutation is needed. A packed batch attends over exactly its real tokens; a padded one masks its
/// padding keys. For each (b, h):
///   S = Q·Kᵀ/√dₕ, keys with mask 0 get −∞ (HF adds the most negative float; both give exp = 0),
///   P = softmax_row(S), ctx = P·V.
/// Backward: dP = dctx·Vᵀ, dV = Pᵀ·dctx, dS = P ⊙ (dP − rowsum(dP ⊙ P)), dQ = dS·K/√dₕ, dK = dSᵀ·Q/√dₕ.
public enum Attention {
    /// The batch's sequence layout and the head split. Sequence b occupies rows offsets[b]..<offsets[b+1] (its span sᵦ, see
    /// `Batch`); its H probability blocks (sᵦ × sᵦ each, head-major) start at `probOffsets[b]` of the probs buffer.
    public struct Shape {
        public let offsets: [Int]
        public let probOffsets: [Int]
        public let heads: Int, headSize: Int

        public init(offsets: [Int], heads: Int, headSize: Int) {
            self.offsets = offsets; self.heads = heads; self.headSize = headSize
            var p = [0]
            p.reserveCapacity(offsets.count)
            for b in 0..<(offsets.count - 1) { let s = offsets[b + 1] - offsets[b]; p.append(p[b] + heads * s * s) }
            probOffsets = p
        }

        /// B sequences of T rows each (the fixed-shape and padded layouts).
        public init(batch: Int, tokens: Int, heads: Int, headSize: Int) {
            self.init(offsets: (0...batch).map { $0 * tokens }, heads: heads, headSize: headSize)
        }

        public var width: Int { heads * headSize }
        public var batch: Int { offsets.count - 1 }
        /// Entries of the probs buffer: H·Σᵦ sᵦ².
        public var probCount: Int { probOffsets[probOffsets.count - 1] }

        /// Block (b, h): its first row, span and offset in the probs buffer.
        @inline(__always)
        func block(_ bh: Int) -> (b: Int, row: Int, span: Int, prob: Int, column: Int) {
            let (b, h) = bh.quotientAndRemainder(dividingBy: heads)
            let span = offsets[b + 1] - offsets[b]
            return (b, offsets[b], span, probOffsets[b] + h * span * span, h * headSize)
        }

        /// Work of each (b, h) block, for splitting blocks across cores: ∝ sᵦ² (the products and softmax) plus a fixed
        /// per-block cost of a few small BLAS calls (worth about 64 rows² of arithmetic at dₕ = 32).
        var blockCosts: [Int] {
            (0..<(batch * heads)).map { bh in let s = offsets[bh / heads + 1] - offsets[bh / heads]; return s * s + 64 }
        }
    }

    /// probs (H·Σ sᵦ²) ← softmax(QKᵀ/√dₕ + mask) per (b, h) block; ctx (N, d) ← P̃·V with P̃ = P, or P ⊙ dropout mask.
    /// `mask` (N) marks real rows; a packed batch passes all ones. The (b, h) blocks are independent and run in
    /// parallel, split across cores by their cost; dropout masks are drawn first, in order, from `rng`, so the result does
    /// not depend on the thread split.
    public static func forward(ctx: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
                               q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                               mask: UnsafePointer<Float>, shape s: Shape,
                               dropout: (p: Double, mask: UnsafeMutablePointer<Float>, dropped: UnsafeMutablePointer<Float>, rng: UnsafeMutablePointer<SeededGenerator>)? = nil) {
        let (d, dh) = (s.width, s.headSize)
        let scale = 1 / Float(dh).squareRoot()
        if let dropout {
            let keep = Float(1 / (1 - dropout.p))
            for i in 0..<s.probCount { dropout.mask[i] = dropout.rng.pointee.nextUniform() < dropout.p ? 0 : keep }
        }
        // Small per-block products run one BLAS thread each, from several threads at once: OpenBLAS's own thread pool must
        // not be entered concurrently, so it is limited to one thread for the duration.
        BLAS.withThreads(1) {
        Parallel.forEachChunk(costs: s.blockCosts) { blocks in
            for bh in blocks {
                let blk = s.block(bh)
                let t = blk.span
                guard t > 0 else { continue }
                let off = blk.row * d + blk.column
                let p = probs + blk.prob
                gemm(MatrixView(q + off, rows: t, cols: dh, ld: d), MatrixView(k + off, rows: t, cols: dh, ld: d),
                     transposeB: true, into: MutableMatrixView(p, rows: t, cols: t), alpha: scale)     // (sᵦ, sᵦ)
                softmaxRows(p, rows: t, cols: t, keyMask: mask + blk.row)
                var used = UnsafePointer(p)
                if let dropout {
                    let pm = dropout.mask + blk.prob
                    let pd = dropout.dropped + blk.prob
                    for i in 0..<(t * t) { pd[i] = p[i] * pm[i] }
                    used = UnsafePointer(pd)
                }
                gemm(MatrixView(used, rows: t, cols: t), MatrixView(v + off, rows: t, cols: dh, ld: d),
                     into: MutableMatrixView(ctx + off, rows: t, cols: dh, ld: d))                     // (sᵦ, dₕ)
            }
        }
        }
    }

    /// Row-wise softmax in place over `cols` keys; masked keys (keyMask 0) get probability 0.
    ///
    /// Each row is shifted by its maximum over unmasked keys, masked keys are set to −∞ (exp gives exactly 0), and the
    /// exponentials run vectorised (`VectorMath.exp`, libmvec); sums and maxima use SIMD lanes. A row whose keys are all
    /// masked becomes all zeros. NaN or +∞ scores, or a row whose unmasked scores are all −∞, give NaN (a −∞ score beside
    /// finite ones gets probability 0), so a diverging run is still detected rather than read as a fully masked row.
    @inline(__always)
    static func softmaxRows(_ p: UnsafeMutablePointer<Float>, rows: Int, cols: Int, keyMask: UnsafePointer<Float>) {
        let kept = (0..<cols).reduce(0) { $0 + (keyMask[$1] != 0 ? 1 : 0) }
        for i in 0..<rows {
            let row = p + i * cols
            // Decided by the mask, not by the scores: a row of NaN scores (a diverging run) must stay NaN, not become 0.
            guard kept > 0 else { row.update(repeating: 0, count: cols); continue }
            if kept < cols { for j in 0..<cols where keyMask[j] == 0 { row[j] = -.infinity } }
            VectorMath.add(-VectorMath.max(UnsafePointer(row), count: cols), to: row, count: cols)
            VectorMath.exp(row, row, count: cols)
            VectorMath.scale(row, by: 1 / VectorMath.sum(UnsafePointer(row), count: cols), count: cols)
        }
    }

    /// Softmax backward in place over each row: dS = P ⊙ (dP − Σⱼ dP·P), with the dot product in SIMD lanes.
    @inline(__always)
    static func softmaxBackwardRows(_ dp: UnsafeMutablePointer<Float>, probs p: UnsafePointer<Float>, rows: Int, cols: Int) {
        let lanes = VectorMath.Lanes.scalarCount
        for i in 0..<rows {
            let pr = p + i * cols
            let dr = dp + i * cols
            let dot = VectorMath.dot(pr, UnsafePointer(dr), count: cols)
            let dv = VectorMath.Lanes(repeating: dot)
            var j = 0
            while j + lanes <= cols { VectorMath.store(VectorMath.load(pr, j) * (VectorMath.load(dr, j) - dv), dr, j); j += lanes }
            while j < cols { dr[j] = pr[j] * (dr[j] - dot); j += 1 }
        }
    }

    /// Given dctx (N, d), writes dq, dk, dv (N, d) (overwriting every row of every sequence). `dprobs` is (H·Σ sᵦ²) scratch.
    public static func backward(dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
                                dprobs: UnsafeMutablePointer<Float>, dctx: UnsafePointer<Float>,
                                q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                                probs: UnsafePointer<Float>, shape s: Shape,
                                dropout: (mask: UnsafePointer<Float>, dropped: UnsafePointer<Float>)? = nil) {
        let (d, dh) = (s.width, s.headSize)
        let scale = 1 / Float(dh).squareRoot()
        // Small per-block products run one BLAS thread each, from several threads at once: OpenBLAS's own thread pool must
        // not be entered concurrently, so it is limited to one thread for the duration.
        BLAS.withThreads(1) {
        Parallel.forEachChunk(costs: s.blockCosts) { blocks in
            for bh in blocks {
                let blk = s.block(bh)
                let t = blk.span
                guard t > 0 else { continue }
                let off = blk.row * d + blk.column
                let p = probs + blk.prob
                let dp = dprobs + blk.prob
                let dctxView = MatrixView(dctx + off, rows: t, cols: dh, ld: d)
                let used = dropout.map { $0.dropped + blk.prob } ?? p
                // dV = P̃ᵀ·dctx
                gemm(MatrixView(used, rows: t, cols: t), transposeA: true, dctxView,
                     into: MutableMatrixView(dv + off, rows: t, cols: dh, ld: d))
                // dP̃ = dctx·Vᵀ, then through dropout: dP = dP̃ ⊙ m
                gemm(dctxView, MatrixView(v + off, rows: t, cols: dh, ld: d), transposeB: true,
                     into: MutableMatrixView(dp, rows: t, cols: t))
                if let dropout { Dropout.backward(dp, mask: dropout.mask + blk.prob, count: t * t) }
                // softmax backward: dS = P ⊙ (dP − Σⱼ dP·P)
                softmaxBackwardRows(dp, probs: p, rows: t, cols: t)
                let ds = MatrixView(UnsafePointer(dp), rows: t, cols: t)
                gemm(ds, MatrixView(k + off, rows: t, cols: dh, ld: d),
                     into: MutableMatrixView(dq + off, rows: t, cols: dh, ld: d), alpha: scale)     // dQ = dS·K/√dₕ
                gemm(ds, transposeA: true, MatrixView(q + off, rows: t, cols: dh, ld: d),
                     into: MutableMatrixView(dk + off, rows: t, cols: dh, ld: d), alpha: scale)     // dK = dSᵀ·Q/√dₕ
            }
        }
        }
    }

    /// Naive reference for `forward` (no dropout): explicit loops in Double over each sequence's span. Tests compare the two.
    public static func forwardReference(q: [Float], k: [Float], v: [Float], mask: [Float], shape s: Shape) -> [Float] {
        let (d, dh) = (s.width, s.headSize)
        var ctx = [Float](repeating: 0, count: s.offsets[s.batch] * d)
        for b in 0..<s.batch {
            let rows = s.offsets[b]..<s.offsets[b + 1]
            for h in 0..<s.heads {
                for i in rows {
                    var scores = [Double](repeating: -.infinity, count: rows.count)
                    for (jj, j) in rows.enumerated() where mask[j] != 0 {
                        var dot = 0.0
                        for c in 0..<dh { dot += Double(q[i * d + h * dh + c]) * Double(k[j * d + h * dh + c]) }
                        scores[jj] = dot / Double(dh).squareRoot()
                    }
                    let mx = scores.max()!
                    let e = scores.map { $0 == -.infinity ? 0 : Foundation.exp($0 - mx) }
                    let z = e.reduce(0, +)
                    for c in 0..<dh {
                        var acc = 0.0
                        for (jj, j) in rows.enumerated() { acc += e[jj] / z * Double(v[j * d + h * dh + c]) }
                        ctx[i * d + h * dh + c] = Float(acc)
                    }
                }
            }
        }
        return ctx
    }
}
