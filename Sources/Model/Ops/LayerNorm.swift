import Foundation
import LinearAlgebra

/// LayerNorm over the last dimension, as in BERT: y = (x − μ)/√(σ² + ε)·γ + β with the biased variance σ².
///
/// γ and β are frozen here (LoRA trains only adapters and the head), so backward computes the input gradient only:
/// with x̂ = (x − μ)·rstd and g = dy ⊙ γ,  dx = rstd·(g − mean(g) − x̂·mean(g ⊙ x̂)).
public enum LayerNorm {
    /// out (N, C) ← LN(inp (N, C)); stores μ (N) and rstd = 1/√(σ² + ε) (N) for backward.
    @inline(__always)
    public static func forward(out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
                               inp: UnsafePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                               rows n: Int, cols c: Int, eps: Float) {
        Parallel.forEachChunk(n, minimumChunk: 64) { rows in
        for i in rows {
            let x = inp + i * c
            var s: Float = 0
            for j in 0..<c { s += x[j] }
            let m = s / Float(c)
            var v: Float = 0
            for j in 0..<c { let d = x[j] - m; v += d * d }
            v /= Float(c)
            let r = 1 / (v + eps).squareRoot()
            let y = out + i * c
            for j in 0..<c { y[j] = (x[j] - m) * r * gamma[j] + beta[j] }
            mean[i] = m
            rstd[i] = r
        }
        }
    }

    /// dinp (N, C) ← dL/dx given dout (N, C), the forward input and its stored μ, rstd. Overwrites dinp.
    @inline(__always)
    public static func backward(dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
                                mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
                                rows n: Int, cols c: Int) {
        Parallel.forEachChunk(n, minimumChunk: 64) { rows in
        for i in rows {
            let x = inp + i * c
            let dy = dout + i * c
            let m = mean[i]
            let r = rstd[i]
            var meanG: Float = 0
            var meanGX: Float = 0
            for j in 0..<c {
                let g = dy[j] * gamma[j]
                meanG += g
                meanGX += g * (x[j] - m) * r
            }
            meanG /= Float(c)
            meanGX /= Float(c)
            let dx = dinp + i * c
            for j in 0..<c {
                let xhat = (x[j] - m) * r
                dx[j] = r * (dy[j] * gamma[j] - meanG - xhat * meanGX)
            }
        }
        }
    }
}
