import Foundation
import LinearAlgebra

/// Multi-head scaled dot-product self-attention with a key padding mask (BERT, "Attention Is All You Need").
///
/// q, k, v, ctx are (B·T, d) row-major with head h occupying columns h·dₕ..<(h+1)·dₕ, so each (b, h) block is a
/// strided (T × dₕ) view with leading dimension d and no permutation is needed. For each (b, h):
///   S = Q·Kᵀ/√dₕ, keys with mask 0 get −∞ (HF adds the most negative float; both give exp = 0),
///   P = softmax_row(S), ctx = P·V.
/// Backward: dP = dctx·Vᵀ, dV = Pᵀ·dctx, dS = P ⊙ (dP − rowsum(dP ⊙ P)), dQ = dS·K/√dₕ, dK = dSᵀ·Q/√dₕ.
public enum Attention {
    public struct Shape {
        public let batch: Int, tokens: Int, heads: Int, headSize: Int
        public init(batch: Int, tokens: Int, heads: Int, headSize: Int) {
            self.batch = batch; self.tokens = tokens; self.heads = heads; self.headSize = headSize
        }
        public var width: Int { heads * headSize }
    }

    /// probs (B, H, T, T) ← softmax(QKᵀ/√dₕ + mask); ctx (B·T, d) ← P̃·V with P̃ = P, or P ⊙ dropout mask.
    /// The (b, h) blocks are independent and run in parallel; dropout masks are drawn first, in order, from `rng`,
    /// so the result does not depend on the thread split.
    public static func forward(ctx: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
                               q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                               mask: UnsafePointer<Float>, shape s: Shape,
                               dropout: (p: Double, mask: UnsafeMutablePointer<Float>, dropped: UnsafeMutablePointer<Float>, rng: UnsafeMutablePointer<SeededGenerator>)? = nil) {
        let (t, d, dh) = (s.tokens, s.width, s.headSize)
        let scale = 1 / Float(dh).squareRoot()
        if let dropout {
            let keep = Float(1 / (1 - dropout.p))
            for i in 0..<(s.batch * s.heads * t * t) { dropout.mask[i] = dropout.rng.pointee.nextUniform() < dropout.p ? 0 : keep }
        }
        // Small per-block products run one BLAS thread each, from several threads at once: OpenBLAS's own thread pool must
        // not be entered concurrently, so it is limited to one thread for the duration.
        BLAS.withThreads(1) {
        Parallel.forEachChunk(s.batch * s.heads, minimumChunk: 1) { blocks in
            for bh in blocks {
                let (b, h) = bh.quotientAndRemainder(dividingBy: s.heads)
                let keyMask = mask + b * t
                let off = b * t * d + h * dh
                let p = probs + bh * t * t
                gemm(MatrixView(q + off, rows: t, cols: dh, ld: d), MatrixView(k + off, rows: t, cols: dh, ld: d),
                     transposeB: true, into: MutableMatrixView(p, rows: t, cols: t), alpha: scale)     // (T, T)
                softmaxRows(p, rows: t, cols: t, keyMask: keyMask)
                var used = UnsafePointer(p)
                if let dropout {
                    let pm = dropout.mask + bh * t * t
                    let pd = dropout.dropped + bh * t * t
                    for i in 0..<(t * t) { pd[i] = p[i] * pm[i] }
                    used = UnsafePointer(pd)
                }
                gemm(MatrixView(used, rows: t, cols: t), MatrixView(v + off, rows: t, cols: dh, ld: d),
                     into: MutableMatrixView(ctx + off, rows: t, cols: dh, ld: d))                     // (T, dₕ)
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

    /// Given dctx (B·T, d), writes dq, dk, dv (B·T, d) (overwriting). `dprobs` is (B, H, T, T) scratch.
    public static func backward(dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
                                dprobs: UnsafeMutablePointer<Float>, dctx: UnsafePointer<Float>,
                                q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                                probs: UnsafePointer<Float>, shape s: Shape,
                                dropout: (mask: UnsafePointer<Float>, dropped: UnsafePointer<Float>)? = nil) {
        let (t, d, dh) = (s.tokens, s.width, s.headSize)
        let scale = 1 / Float(dh).squareRoot()
        // Small per-block products run one BLAS thread each, from several threads at once: OpenBLAS's own thread pool must
        // not be entered concurrently, so it is limited to one thread for the duration.
        BLAS.withThreads(1) {
        Parallel.forEachChunk(s.batch * s.heads, minimumChunk: 1) { blocks in
            for bh in blocks {
                let (b, h) = bh.quotientAndRemainder(dividingBy: s.heads)
                let off = b * t * d + h * dh
                let pIndex = bh * t * t
                let p = probs + pIndex
                let dp = dprobs + pIndex
                let dctxView = MatrixView(dctx + off, rows: t, cols: dh, ld: d)
                let used = dropout.map { $0.dropped + pIndex } ?? p
                // dV = P̃ᵀ·dctx
                gemm(MatrixView(used, rows: t, cols: t), transposeA: true, dctxView,
                     into: MutableMatrixView(dv + off, rows: t, cols: dh, ld: d))
                // dP̃ = dctx·Vᵀ, then through dropout: dP = dP̃ ⊙ m
                gemm(dctxView, MatrixView(v + off, rows: t, cols: dh, ld: d), transposeB: true,
                     into: MutableMatrixView(dp, rows: t, cols: t))
                if let dropout { Dropout.backward(dp, mask: dropout.mask + pIndex, count: t * t) }
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

    /// Naive reference for `forward` (no dropout): explicit loops in Double. Tests compare the two.
    public static func forwardReference(q: [Float], k: [Float], v: [Float], mask: [Float], shape s: Shape) -> [Float] {
        let (t, d, dh) = (s.tokens, s.width, s.headSize)
        var ctx = [Float](repeating: 0, count: s.batch * t * d)
        for b in 0..<s.batch {
            for h in 0..<s.heads {
                for i in 0..<t {
                    var scores = [Double](repeating: -.infinity, count: t)
                    for j in 0..<t where mask[b * t + j] != 0 {
                        var dot = 0.0
                        for c in 0..<dh { dot += Double(q[(b * t + i) * d + h * dh + c]) * Double(k[(b * t + j) * d + h * dh + c]) }
                        scores[j] = dot / Double(dh).squareRoot()
                    }
                    let mx = scores.max()!
                    let e = scores.map { $0 == -.infinity ? 0 : Foundation.exp($0 - mx) }
                    let z = e.reduce(0, +)
                    for c in 0..<dh {
                        var acc = 0.0
                        for j in 0..<t { acc += e[j] / z * Double(v[(b * t + j) * d + h * dh + c]) }
                        ctx[(b * t + i) * d + h * dh + c] = Float(acc)
                    }
                }
            }
        }
        return ctx
    }
}
