import LinearAlgebra

/// RMSNorm over the last dimension, as in Llama (Hugging Face `LlamaRMSNorm`): y = x·rstd ⊙ w with
/// rstd = 1/√(mean(x²) + ε). No centring and no bias; ε is the checkpoint's `layer_norm_rms_epsilon`.
///
/// w is frozen (LoRA trains only adapters), so backward computes the input gradient only: with x̂ = x·rstd and
/// g = dy ⊙ w,  dx = rstd·(g − x̂·mean(g ⊙ x̂)).
/// (y_j = w_j·x_j·rstd and ∂rstd/∂x_k = −rstd³·x_k/C give dx_k = rstd·g_k − rstd³·x_k·Σ_j g_j·x_j/C.)
///
/// Rows are split across cores; within a row the statistics and the element-wise arithmetic run in 16 SIMD lanes.
public enum RMSNorm {
    typealias Lanes = VectorMath.Lanes

    /// out (N, C) ← RMSNorm(inp (N, C)); stores rstd (N) for backward. `out` may not alias `inp`.
    @inline(__always)
    public static func forward(out: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                               weight: UnsafePointer<Float>, rows n: Int, cols c: Int, eps: Float) {
        Parallel.forEachChunk(n, minimumChunk: 64) { rows in
            for i in rows {
                let x = inp + i * c
                let r = 1 / (VectorMath.dot(x, x, count: c) / Float(c) + eps).squareRoot()
                let y = out + i * c
                let rv = Lanes(repeating: r)
                var j = 0
                while j + Lanes.scalarCount <= c {
                    VectorMath.store(VectorMath.load(x, j) * rv * VectorMath.load(weight, j), y, j)
                    j += Lanes.scalarCount
                }
                while j < c { y[j] = x[j] * r * weight[j]; j += 1 }
                rstd[i] = r
            }
        }
    }

    /// dinp (N, C) ← dL/dx given dout (N, C), the forward input and its stored rstd. Overwrites dinp, or adds to it
    /// when `accumulate` (the residual stream's gradient already there). dinp may not alias dout.
    @inline(__always)
    public static func backward(dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
                                rstd: UnsafePointer<Float>, weight: UnsafePointer<Float>, rows n: Int, cols c: Int,
                                accumulate: Bool = false) {
        Parallel.forEachChunk(n, minimumChunk: 64) { rows in
            for i in rows {
                let x = inp + i * c
                let dy = dout + i * c
                let r = rstd[i]
                let rv = Lanes(repeating: r)
                // Σ g·x̂ with g = dy ⊙ w, x̂ = x·rstd, in 16 lanes.
                var acc = Lanes()
                var j = 0
                while j + Lanes.scalarCount <= c {
                    acc += VectorMath.load(dy, j) * VectorMath.load(weight, j) * (VectorMath.load(x, j) * rv)
                    j += Lanes.scalarCount
                }
                var meanGX = acc.sum()
                while j < c { meanGX += dy[j] * weight[j] * (x[j] * r); j += 1 }
                meanGX /= Float(c)
                let dx = dinp + i * c
                let mgx = Lanes(repeating: meanGX)
                j = 0
                while j + Lanes.scalarCount <= c {
                    let g = VectorMath.load(dy, j) * VectorMath.load(weight, j)
                    var v = rv * (g - VectorMath.load(x, j) * rv * mgx)
                    if accumulate { v += VectorMath.load(dx, j) }
                    VectorMath.store(v, dx, j)
                    j += Lanes.scalarCount
                }
                while j < c {
                    let v = r * (dy[j] * weight[j] - x[j] * r * meanGX)
                    dx[j] = accumulate ? dx[j] + v : v
                    j += 1
                }
            }
        }
    }
}
