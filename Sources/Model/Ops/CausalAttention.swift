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
/// Masked work is skipped in row tiles: the rows of a block are cut into tiles of `rowTile` rows, and the tile of rows
/// r₀..<r₁ multiplies only by keys 0..<r₁, since every later key is masked for all its rows. A (s × s) block then costs
/// about (s² + s·rowTile)/2 multiply-adds per product instead of s² (3/4 of it at s = 64, 5/8 at s = 128, 9/16 at
/// s = 256 with 32-row tiles); what remains masked is the triangle inside each diagonal tile, where one product over the
/// tile's columns is cheaper than many tiny ones. The strictly upper triangle of each P block is still stored as exact
/// zeros (so a P block is a plain causal softmax to whoever reads it), but no product reads it.
public enum CausalAttention {
    /// Rows per tile (see above). Smaller tiles skip more of the triangle but run smaller, less efficient BLAS calls.
    /// Measured with SmolLM2's head split (9 query heads over 3 key/value heads, dₕ = 64, 30 layers, 512 tokens, one
    /// thread, `LlamaStepTimingTests.testCausalAttentionTime`), forward + backward medians, whole blocks → 32-row tiles:
    /// 64-token sequences 0.137 → 0.126 s, 128-token 0.250 → 0.214 s, 256-token 0.53 → 0.37 s. Sequences of at most
    /// `rowTile` rows run as one whole block. Tests lower it to exercise tiles on small blocks.
    nonisolated(unsafe) static var rowTile = 32

    /// The first rows r₀ of the `tile`-row tiles of a block of t rows, from the first tile on.
    @inline(__always)
    static func tileStarts(_ t: Int, tile: Int) -> StrideTo<Int> { stride(from: 0, to: t, by: tile) }

    /// The same starts from the last tile on (no array is built).
    @inline(__always)
    static func tileStartsFromLast(_ t: Int, tile: Int) -> StrideThrough<Int> {
        stride(from: t > 0 ? (t - 1) / tile * tile : -1, through: 0, by: -tile)
    }

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
        let tile = max(1, rowTile)
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
                        for r0 in tileStarts(t, tile: tile) {
                            let r1 = min(t, r0 + tile), m = r1 - r0
                            let pTile = p + r0 * t                                                          // rows r₀..<r₁, ld sᵦ
                            gemm(MatrixView(q + (row + r0) * d + h * dh, rows: m, cols: dh, ld: d), kBlock.firstRows(r1),
                                 transposeB: true, into: MutableMatrixView(pTile, rows: m, cols: r1, ld: t), alpha: scale) // (m, r₁)
                            causalSoftmaxRows(pTile, rows: m, ld: t, past: r0)                              // zeros to sᵦ
                            gemm(MatrixView(UnsafePointer(pTile), rows: m, cols: r1, ld: t), vBlock.firstRows(r1),
                                 into: MutableMatrixView(ctx + (row + r0) * d + h * dh, rows: m, cols: dh, ld: d)) // (m, dₕ)
                        }
                    }
                }
            }
        }
    }

    /// Rows i < `rows` of a block with leading dimension `ld`, in place: softmax over the scores in columns 0...past + i,
    /// exact zeros in columns past + i + 1..<ld. The rows are rows past..<past + rows of a causal block: a row tile
    /// (past = r₀, ld = sᵦ) or the new rows of a generation step over a key/value cache (ld = T). Shifted by the row's
    /// maximum and exponentiated vectorised (`VectorMath.exp`). A NaN score gives a NaN row (a diverging run is not hidden).
    @inline(__always)
    static func causalSoftmaxRows(_ p: UnsafeMutablePointer<Float>, rows t: Int, ld: Int, past: Int) {
        for i in 0..<t {
            let row = p + i * ld
            let kept = past + i + 1
            VectorMath.add(-VectorMath.max(UnsafePointer(row), count: kept), to: row, count: kept)
            VectorMath.exp(row, row, count: kept)
            VectorMath.scale(row, by: 1 / VectorMath.sum(UnsafePointer(row), count: kept), count: kept)
            if kept < ld { (row + kept).update(repeating: 0, count: ld - kept) }
        }
    }

    /// Backward of `causalSoftmaxRows` on rows past..<past + rows of a causal block (leading dimension `ld`), in place:
    /// dS = P ⊙ (dP − rowsum(dP ⊙ P)) over columns 0...past + i, and exact zeros in columns past + i + 1..<cols, so the
    /// products that read dS over `cols` columns see the masked entries as zeros whatever dP held there.
    @inline(__always)
    static func causalSoftmaxBackwardRows(_ dp: UnsafeMutablePointer<Float>, probs p: UnsafePointer<Float>, rows t: Int, cols: Int,
                                          ld: Int, past: Int) {
        let lanes = VectorMath.Lanes.scalarCount
        for i in 0..<t {
            let pr = p + i * ld, dr = dp + i * ld
            let kept = past + i + 1
            let dot = VectorMath.dot(pr, UnsafePointer(dr), count: kept)
            let dv = VectorMath.Lanes(repeating: dot)
            var j = 0
            while j + lanes <= kept { VectorMath.store(VectorMath.load(pr, j) * (VectorMath.load(dr, j) - dv), dr, j); j += lanes }
            while j < kept { dr[j] = pr[j] * (dr[j] - dot); j += 1 }
            if kept < cols { (dr + kept).update(repeating: 0, count: cols - kept) }
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
        let tile = max(1, rowTile)
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
                        let firstHead = h == g * s.group
                        let p = probs + s.probOffsets[b] + h * t * t
                        let dp = dprobs + s.probOffsets[b] + h * t * t
                        // Tiles from the last: the last tile's products cover every key row, so with the group's first
                        // head they overwrite dK_g and dV_g whole and every later product accumulates.
                        for r0 in tileStartsFromLast(t, tile: tile) {
                            let r1 = min(t, r0 + tile), m = r1 - r0
                            let off = (row + r0) * d + h * dh
                            let beta: Float = firstHead && r1 == t ? 0 : 1
                            let pTile = MatrixView(p + r0 * t, rows: m, cols: r1, ld: t)                  // (m, r₁)
                            let dpTile = dp + r0 * t
                            let dctxTile = MatrixView(dctx + off, rows: m, cols: dh, ld: d)               // (m, dₕ)
                            let qTile = MatrixView(q + off, rows: m, cols: dh, ld: d)                     // (m, dₕ)
                            gemm(pTile, transposeA: true, dctxTile, into: dvBlock.firstRows(r1), beta: beta) // dV_g[..<r₁] += Pᵀ·dctx_h
                            gemm(dctxTile, vBlock.firstRows(r1), transposeB: true,
                                 into: MutableMatrixView(dpTile, rows: m, cols: r1, ld: t))              // dP = dctx_h·V_gᵀ
                            causalSoftmaxBackwardRows(dpTile, probs: pTile.base, rows: m, cols: r1, ld: t, past: r0) // dS
                            let ds = MatrixView(UnsafePointer(dpTile), rows: m, cols: r1, ld: t)
                            gemm(ds, kBlock.firstRows(r1), into: MutableMatrixView(dq + off, rows: m, cols: dh, ld: d),
                                 alpha: scale)                                                            // dQ_h = dS·K_g/√dₕ
                            gemm(ds, transposeA: true, qTile, into: dkBlock.firstRows(r1), alpha: scale, beta: beta) // dK_g += dSᵀ·Q_h/√dₕ
                        }
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

extension MatrixView {
    /// The view of rows 0..<n (the keys or values a row tile can see).
    @inline(__always)
    fileprivate func firstRows(_ n: Int) -> MatrixView { MatrixView(base, rows: n, cols: cols, ld: ld) }
}

extension MutableMatrixView {
    /// The view of rows 0..<n (the key and value gradient rows a row tile writes).
    @inline(__always)
    fileprivate func firstRows(_ n: Int) -> MutableMatrixView { MutableMatrixView(base, rows: n, cols: cols, ld: ld) }
}
