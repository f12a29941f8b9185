import Foundation
import LinearAlgebra

/// Causal grouped-query self-attention (GQA, Ainslie et al. 2023), as Hugging Face `LlamaAttention` computes it
/// (eager): H query heads share H_kv key/value heads, query head h reading key/value head h / (H/H_kv) (transformers'
/// `repeat_kv`). H_kv = H is ordinary multi-head attention, H_kv = 1 multi-query attention.
///
/// q, ctx are (N, H·dₕ) and k, v (N, H_kv·dₕ), row-major in the batch's layout (`Batch`: sequence b is rows
/// offsets[b]..<offsets[b+1], its span sᵦ), head h in columns h·dₕ..<(h+1)·dₕ, so every block is a strided view and no
/// permutation or copy of k and v per query head is needed. For each sequence b and query head h with key/value head g:
///   S = Q_h·K_gᵀ/√dₕ with S[i, j] = −∞ for j > i (a row attends to itself and the rows before it in its sequence),
///   P = softmax_row(S), ctx_h = P·V_g.
/// Backward (per group g, summing over its query heads h):
///   dV_g = Σ_h Pᵀ·dctx_h, dP = dctx_h·V_gᵀ, dS = P ⊙ (dP − rowsum(dP ⊙ P)), dQ_h = dS·K_g/√dₕ, dK_g = Σ_h dSᵀ·Q_h/√dₕ.
///
/// No key mask is needed: in a packed batch every row is real, and in a right-padded batch a real row never attends to
/// the padding rows after it (the padding rows' own outputs are finite and ignored by the loss).
/// The strictly upper triangle of each P block is stored as exact zeros, so the products run on whole blocks.
public enum CausalAttention {
    /// The batch layout and the head split. Sequence b's H probability blocks (sᵦ × sᵦ each, head-major) start at
    /// `probOffsets[b]` of the probs buffer.
    public struct Shape {
        public let offsets: [Int]
        public let probOffsets: [Int]
        public let heads: Int, kvHeads: Int, headSize: Int

        public init(offsets: [Int], heads: Int, kvHeads: Int, headSize: Int) {
            precondition(heads > 0 && kvHeads > 0 && heads % kvHeads == 0, "\(heads) query heads cannot share \(kvHeads) key/value heads")
            self.offsets = offsets; self.heads = heads; self.kvHeads = kvHeads; self.headSize = headSize
            var p = [0]
            p.reserveCapacity(offsets.count)
            for b in 0..<(offsets.count - 1) { let s = offsets[b + 1] - offsets[b]; p.append(p[b] + heads * s * s) }
            probOffsets = p
        }

        /// Width H·dₕ of q and ctx.
        public var width: Int { heads * headSize }
        /// Width H_kv·dₕ of k and v.
        public var kvWidth: Int { kvHeads * headSize }
        /// Query heads per key/value head, H/H_kv.
        public var group: Int { heads / kvHeads }
        public var batch: Int { offsets.count - 1 }
        /// Entries of the probs buffer: H·Σᵦ sᵦ².
        public var probCount: Int { probOffsets[probOffsets.count - 1] }

        /// Cost of each (b, g) unit of `group` query heads for splitting work across cores: ∝ sᵦ² plus a fixed per-head
        /// cost of a few small BLAS calls.
        var groupCosts: [Int] {
            (0..<(batch * kvHeads)).map { bg in let s = offsets[bg / kvHeads + 1] - offsets[bg / kvHeads]; return group * (s * s + 64) }
        }
    }

    /// probs (H·Σ sᵦ²) ← causal softmax(Q·Kᵀ/√dₕ) per (b, h) block; ctx (N, H·dₕ) ← P·V. The (b, h) blocks are independent
    /// and run in parallel, one single-threaded BLAS call each.
    public static func forward(ctx: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
                               q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, shape s: Shape) {
        let (d, dkv, dh) = (s.width, s.kvWidth, s.headSize)
        let scale = 1 / Float(dh).squareRoot()
        // Small per-block products run one BLAS thread each, from several threads at once: OpenBLAS's own thread pool must
        // not be entered concurrently, so it is limited to one thread for the duration.
        BLAS.withThreads(1) {
            Parallel.forEachChunk(costs: s.groupCosts) { units in
                for bg in units {
                    let (b, g) = bg.quotientAndRemainder(dividingBy: s.kvHeads)
                    let row = s.offsets[b], t = s.offsets[b + 1] - row
                    guard t > 0 else { continue }
                    let kBlock = MatrixView(k + row * dkv + g * dh, rows: t, cols: dh, ld: dkv)
                    let vBlock = MatrixView(v + row * dkv + g * dh, rows: t, cols: dh, ld: dkv)
                    for h in (g * s.group)..<((g + 1) * s.group) {
                        let p = probs + s.probOffsets[b] + h * t * t
                        gemm(MatrixView(q + row * d + h * dh, rows: t, cols: dh, ld: d), kBlock, transposeB: true,
                             into: MutableMatrixView(p, rows: t, cols: t), alpha: scale)                       // (sᵦ, sᵦ)
                        causalSoftmaxRows(p, rows: t)
                        gemm(MatrixView(UnsafePointer(p), rows: t, cols: t), vBlock,
                             into: MutableMatrixView(ctx + row * d + h * dh, rows: t, cols: dh, ld: d))        // (sᵦ, dₕ)
                    }
                }
            }
        }
    }

    /// Row i of the (rows × rows) block in place: softmax over keys 0...i, exact zeros after. Shifted by the row's maximum
    /// and exponentiated vectorised (`VectorMath.exp`). A NaN score gives a NaN row (a diverging run is not hidden).
    @inline(__always)
    static func causalSoftmaxRows(_ p: UnsafeMutablePointer<Float>, rows t: Int) {
        for i in 0..<t {
            let row = p + i * t
            let kept = i + 1
            VectorMath.add(-VectorMath.max(UnsafePointer(row), count: kept), to: row, count: kept)
            VectorMath.exp(row, row, count: kept)
            VectorMath.scale(row, by: 1 / VectorMath.sum(UnsafePointer(row), count: kept), count: kept)
            if kept < t { (row + kept).update(repeating: 0, count: t - kept) }
        }
    }

    /// Given dctx (N, H·dₕ), writes dq (N, H·dₕ) and dk, dv (N, H_kv·dₕ), overwriting every row of every sequence.
    /// `dprobs` is (H·Σ sᵦ²) scratch. Work runs in parallel over (b, g) units, so the sums over a group's query heads into
    /// dk and dv stay within one thread.
    public static func backward(dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
                                dprobs: UnsafeMutablePointer<Float>, dctx: UnsafePointer<Float>,
                                q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                                probs: UnsafePointer<Float>, shape s: Shape) {
        let (d, dkv, dh) = (s.width, s.kvWidth, s.headSize)
        let scale = 1 / Float(dh).squareRoot()
        BLAS.withThreads(1) {
            Parallel.forEachChunk(costs: s.groupCosts) { units in
                for bg in units {
                    let (b, g) = bg.quotientAndRemainder(dividingBy: s.kvHeads)
                    let row = s.offsets[b], t = s.offsets[b + 1] - row
                    guard t > 0 else { continue }
                    let kvOff = row * dkv + g * dh
                    let kBlock = MatrixView(k + kvOff, rows: t, cols: dh, ld: dkv)
                    let vBlock = MatrixView(v + kvOff, rows: t, cols: dh, ld: dkv)
                    let dkBlock = MutableMatrixView(dk + kvOff, rows: t, cols: dh, ld: dkv)
                    let dvBlock = MutableMatrixView(dv + kvOff, rows: t, cols: dh, ld: dkv)
                    for h in (g * s.group)..<((g + 1) * s.group) {
                        let first = h == g * s.group
                        let off = row * d + h * dh
                        let p = probs + s.probOffsets[b] + h * t * t
                        let dp = dprobs + s.probOffsets[b] + h * t * t
                        let pView = MatrixView(p, rows: t, cols: t)
                        let dctxView = MatrixView(dctx + off, rows: t, cols: dh, ld: d)
                        gemm(pView, transposeA: true, dctxView, into: dvBlock, beta: first ? 0 : 1)          // dV_g += Pᵀ·dctx_h
                        gemm(dctxView, vBlock, transposeB: true, into: MutableMatrixView(dp, rows: t, cols: t)) // dP = dctx_h·V_gᵀ
                        Attention.softmaxBackwardRows(dp, probs: p, rows: t, cols: t)                       // dS (0 above the diagonal)
                        let ds = MatrixView(UnsafePointer(dp), rows: t, cols: t)
                        gemm(ds, kBlock, into: MutableMatrixView(dq + off, rows: t, cols: dh, ld: d), alpha: scale) // dQ_h = dS·K_g/√dₕ
                        gemm(ds, transposeA: true, MatrixView(q + off, rows: t, cols: dh, ld: d), into: dkBlock,
                             alpha: scale, beta: first ? 0 : 1)                                             // dK_g += dSᵀ·Q_h/√dₕ
                    }
                }
            }
        }
    }

    /// Naive reference for `forward`: explicit loops in Double over each sequence's span. Tests compare the two.
    public static func forwardReference(q: [Float], k: [Float], v: [Float], shape s: Shape) -> [Float] {
        let (d, dkv, dh) = (s.width, s.kvWidth, s.headSize)
        var ctx = [Float](repeating: 0, count: s.offsets[s.batch] * d)
        for b in 0..<s.batch {
            let start = s.offsets[b]
            for h in 0..<s.heads {
                let g = h / s.group
                for i in start..<s.offsets[b + 1] {
                    let keys = start...i
                    let scores = keys.map { j -> Double in
                        var dot = 0.0
                        for c in 0..<dh { dot += Double(q[i * d + h * dh + c]) * Double(k[j * dkv + g * dh + c]) }
                        return dot / Double(dh).squareRoot()
                    }
                    let mx = scores.max()!
                    let e = scores.map { Foundation.exp($0 - mx) }
                    let z = e.reduce(0, +)
                    for c in 0..<dh {
                        var acc = 0.0
                        for (jj, j) in keys.enumerated() { acc += e[jj] / z * Double(v[j * dkv + g * dh + c]) }
                        ctx[i * d + h * dh + c] = Float(acc)
                    }
                }
            }
        }
        return ctx
    }
}
