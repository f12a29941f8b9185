import Foundation
import LinearAlgebra

/// The exact GELU BERT uses (HF `hidden_act: "gelu"`): gelu(x) = x·Φ(x) = ½x·(1 + erf(x/√2)).
/// Derivative: Φ(x) + x·φ(x) with φ(x) = exp(−x²/2)/√(2π). The forward pass keeps Φ(x) so the backward pass needs
/// only one exp per element. erf and exp run vectorised (`VectorMath`, libmvec) over tiles of `tile` elements, split
/// across cores; the arithmetic around them is plain loops the compiler vectorises.
public enum GELU {
    static let tile = 2048

    /// out ← gelu(inp); cdf ← Φ(inp).
    @inline(__always)
    public static func forward(out: UnsafeMutablePointer<Float>, cdf: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
        let invSqrt2: Float = 0.70710678118654752
        Parallel.forEachChunk(count, minimumChunk: 16384) { range in
            var start = range.lowerBound
            while start < range.upperBound {
                let n = min(tile, range.upperBound - start)
                let x = inp + start, c = cdf + start, y = out + start
                for i in 0..<n { c[i] = x[i] * invSqrt2 }
                VectorMath.erf(c, c, count: n)
                for i in 0..<n {
                    let phi = 0.5 * (1 + c[i])
                    c[i] = phi
                    y[i] = x[i] * phi
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
                    for i in 0..<n { t[i] = -0.5 * x[i] * x[i] }
                    VectorMath.exp(t, t, count: n)
                    for i in 0..<n { d[i] = g[i] * (c[i] + x[i] * t[i] * invSqrt2Pi) }
                    start += n
                }
            }
        }
    }
}
