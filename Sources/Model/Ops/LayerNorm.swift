import Foundation
import LinearAlgebra

/// LayerNorm over the last dimension, as in BERT: y = (x − μ)/√(σ² + ε)·γ + β with the biased variance σ².
///
/// γ and β are frozen here (LoRA trains only adapters and the head), so backward computes the input gradient only:
/// with x̂ = (x − μ)·rstd and g = dy ⊙ γ,  dx = rstd·(g − mean(g) − x̂·mean(g ⊙ x̂)).
///
/// Rows are split across cores; within a row the statistics and the element-wise arithmetic run in 16 SIMD lanes
/// (`VectorMath` reductions), so sums are taken in lane order rather than sequentially (rounding-level differences).
public enum LayerNorm {
    typealias Lanes = VectorMath.Lanes

    /// out (N, C) ← LN(inp (N, C)); stores μ (N) and rstd = 1/√(σ² + ε) (N) for backward.
    @inline(__always)
    public static func forward(out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
                               inp: UnsafePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                               rows n: Int, cols c: Int, eps: Float) {
        Parallel.forEachChunk(n, minimumChunk: 64) { rows in
        for i in rows {
            let x = inp + i * c
            let m = VectorMath.sum(x, count: c) / Float(c)
            let r = 1 / (VectorMath.sumOfSquares(x, centredAt: m, count: c) / Float(c) + eps).squareRoot()
            let y = out + i * c
            var j = 0
            let mv = Lanes(repeating: m), rv = Lanes(repeating: r)
            while j + Lanes.scalarCount <= c {
                let xhat = (VectorMath.load(x, j) - mv) * rv
                VectorMath.store(xhat * VectorMath.load(gamma, j) + VectorMath.load(beta, j), y, j)
                j += Lanes.scalarCount
            }
            while j < c { y[j] = (x[j] - m) * r * gamma[j] + beta[j]; j += 1 }
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
            // Σ g and Σ g·x̂ with g = dy ⊙ γ, x̂ = (x − μ)·rstd, in 16 lanes.
            var sumG = Lanes(), sumGX = Lanes()
            let mv = Lanes(repeating: m), rv = Lanes(repeating: r)
            var j = 0
            while j + Lanes.scalarCount <= c {
                let g = VectorMath.load(dy, j) * VectorMath.load(gamma, j)
                sumG += g
                sumGX += g * ((VectorMath.load(x, j) - mv) * rv)
                j += Lanes.scalarCount
            }
            var meanG = sumG.sum(), meanGX = sumGX.sum()
            while j < c { let g = dy[j] * gamma[j]; meanG += g; meanGX += g * (x[j] - m) * r; j += 1 }
            meanG /= Float(c)
            meanGX /= Float(c)
            let dx = dinp + i * c
            let mg = Lanes(repeating: meanG), mgx = Lanes(repeating: meanGX)
            j = 0
            while j + Lanes.scalarCount <= c {
                let xhat = (VectorMath.load(x, j) - mv) * rv
                VectorMath.store(rv * (VectorMath.load(dy, j) * VectorMath.load(gamma, j) - mg - xhat * mgx), dx, j)
                j += Lanes.scalarCount
            }
            while j < c {
                let xhat = (x[j] - m) * r
                dx[j] = r * (dy[j] * gamma[j] - meanG - xhat * meanGX)
                j += 1
            }
        }
        }
    }
}
