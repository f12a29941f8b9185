import Foundation
import LinearAlgebra

/// The exact GELU BERT uses (HF `hidden_act: "gelu"`): gelu(x) = x·Φ(x) = ½x·(1 + erf(x/√2)).
/// Derivative: Φ(x) + x·φ(x) with φ(x) = exp(−x²/2)/√(2π). The forward pass keeps Φ(x) so the backward pass needs
/// only one exp per element. erf and exp run vectorised (`VectorMath`, libmvec) over tiles of `tile` elements, split
/// across cores; the arithmetic around them runs in 16 SIMD lanes.
public enum GELU {
    static let tile = 2048
    static let lanes = VectorMath.Lanes.scalarCount

    /// out ← gelu(inp); cdf ← Φ(inp).
    @inline(__always)
    public static func forward(out: UnsafeMutablePointer<Float>, cdf: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
        let invSqrt2: Float = 0.70710678118654752
        Parallel.forEachChunk(count, minimumChunk: 16384) { range in
            var start = range.lowerBound
            while start < range.upperBound {
                let n = min(tile, range.upperBound - start)
                let x = inp + start, c = cdf + start, y = out + start
                var i = 0
                while i + lanes <= n { VectorMath.store(VectorMath.load(x, i) * invSqrt2, c, i); i += lanes }
                while i < n { c[i] = x[i] * invSqrt2; i += 1 }
                VectorMath.erf(c, c, count: n)
                i = 0
                while i + lanes <= n {
                    let phi = 0.5 * (1 + VectorMath.load(c, i))
                    VectorMath.store(phi, c, i)
                    VectorMath.store(VectorMath.load(x, i) * phi, y, i)
                    i += lanes
                }
                while i < n {
                    let phi = 0.5 * (1 + c[i])
                    c[i] = phi
                    y[i] = x[i] * phi
                    i += 1
                }
                start += n
            }
        }
    }

    /// dinp ← dout ⊙ gelu′(inp), given Φ(inp) from the forward pass (dinp may alias dout).
    @inline(__always)
    public static func backward(dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
                                cdf: UnsafePointer<Float>, count: Int) {
        let invSqrt2Pi: Float = 0.39894228040143268
        Parallel.forEachChunk(count, minimumChunk: 16384) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: tile) { scratch in
                let t = scratch.baseAddress!
                var start = range.lowerBound
                while start < range.upperBound {
                    let n = min(tile, range.upperBound - start)
                    let x = inp + start, c = cdf + start, g = dout + start, d = dinp + start
                    var i = 0
                    while i + lanes <= n { let xv = VectorMath.load(x, i); VectorMath.store(-0.5 * xv * xv, t, i); i += lanes }
                    while i < n { t[i] = -0.5 * x[i] * x[i]; i += 1 }
                    VectorMath.exp(t, t, count: n)
                    i = 0
                    while i + lanes <= n {
                        let xv = VectorMath.load(x, i)
                        let dv = VectorMath.load(g, i) * (VectorMath.load(c, i) + xv * VectorMath.load(t, i) * invSqrt2Pi)
                        VectorMath.store(dv, d, i)
                        i += lanes
                    }
                    while i < n { d[i] = g[i] * (c[i] + x[i] * t[i] * invSqrt2Pi); i += 1 }
                    start += n
                }
            }
        }
    }
}
