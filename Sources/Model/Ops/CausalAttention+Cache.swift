import LinearAlgebra

/// Causal attention of new rows over a key/value cache, for generation (`LlamaModel+Generate.swift`).
///
/// One sequence. The n new query rows sit at positions past..<past+n; the cache holds the keys (after RoPE) and values of
/// positions 0..<T, T = past + n, the new rows' own included. Per query head h with key/value head g = h / (H/H_kv):
///   S = Q_h·K_g[0..<T]ᵀ/√dₕ with S[i, j] = −∞ for j > past + i,  P = softmax_row(S),  ctx_h = P·V_g[0..<T].
/// With past = 0 this is exactly `CausalAttention.forward` on a one-sequence batch, and feeding a sequence in pieces gives
/// each row the same context as feeding it whole (rounding aside: BLAS may sum the products in another order).
///
/// Forward only: generation computes no gradients, so this op has no backward; training runs `CausalAttention.forward`
/// and `backward` over whole sequences.
extension CausalAttention {
    /// Scratch floats `forwardCached` needs for n new rows over T = past + n positions: H·n·T scores.
    public static func cachedScoreCount(heads: Int, rows n: Int, past: Int) -> Int { heads * n * (past + n) }

    /// ctx (n, H·dₕ) ← attention of q (n, H·dₕ) over keys and values (T, H_kv·dₕ), T = past + n (see above).
    /// `scores` holds `cachedScoreCount` floats of scratch. Heads run in parallel, one single-threaded BLAS call each.
    public static func forwardCached(ctx: UnsafeMutablePointer<Float>, scores: UnsafeMutablePointer<Float>,
                                     q: UnsafePointer<Float>, rows n: Int, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
                                     past: Int, heads: Int, kvHeads: Int, headSize dh: Int) {
        precondition(heads > 0 && kvHeads > 0 && heads % kvHeads == 0 && n > 0 && past >= 0, "invalid cached attention shape")
        let (d, dkv, t, group) = (heads * dh, kvHeads * dh, past + n, heads / kvHeads)
        let scale = 1 / Float(dh).squareRoot()
        BLAS.withThreads(1) {
            Parallel.forEachChunk(costs: [Int](repeating: n * t + 64, count: heads)) { range in
                for h in range {
                    let g = h / group
                    let s = scores + h * n * t
                    gemm(MatrixView(q + h * dh, rows: n, cols: dh, ld: d), MatrixView(keys + g * dh, rows: t, cols: dh, ld: dkv),
                         transposeB: true, into: MutableMatrixView(s, rows: n, cols: t), alpha: scale)      // (n, T)
                    causalSoftmaxRows(s, rows: n, ld: t, past: past)
                    gemm(MatrixView(UnsafePointer(s), rows: n, cols: t), MatrixView(values + g * dh, rows: t, cols: dh, ld: dkv),
                         into: MutableMatrixView(ctx + h * dh, rows: n, cols: dh, ld: d))                    // (n, dₕ)
                }
            }
        }
    }
}
