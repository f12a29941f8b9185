import Foundation
import LinearAlgebra

/// The exact GELU BERT uses (HF `hidden_act: "gelu"`): gelu(x) = x·Φ(x) = ½x·(1 + erf(x/√2)).
/// Derivative: gelu′(x) = Φ(x) + x·φ(x) with φ(x) = exp(−x²/2)/√(2π).
///
/// The forward pass stores gelu′(x) itself, so the backward pass is one multiply per element: it reads two (N, F) arrays
/// instead of three, evaluates no transcendental function, and does not need the pre-activation x, which therefore lives
/// in one scratch buffer shared by all layers instead of one per layer. erf and exp run vectorised (`VectorMath`,
/// libmvec) over tiles of `tile` elements, split across cores; the arithmetic around them runs in 16 SIMD lanes.
public enum GELU {
    static let tile = 2048
    static let lanes = VectorMath.Lanes.scalarCount

    /// out ← gelu(inp); derivative ← gelu′(inp). Neither output may alias `inp`.
    @inline(__always)
    public static func forward(out: UnsafeMutablePointer<Float>, derivative: UnsafeMutablePointer<Float>,
                               inp: UnsafePointer<Float>, count: Int) {
        let invSqrt2: Float = 0.70710678118654752
        let invSqrt2Pi: Float = 0.39894228040143268
        Parallel.forEachChunk(count, minimumChunk: 16384) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: tile) { scratch in
                let e = scratch.baseAddress!
                var start = range.lowerBound
                while start < range.upperBound {
                    let n = min(tile, range.upperBound - start)
                    let x = inp + start, y = out + start, dy = derivative + start
                    // y ← x/√2 (then erf), e ← −x²/2 (then exp).
                    var i = 0
                    while i + lanes <= n {
                        let xv = VectorMath.load(x, i)
                        VectorMath.store(xv * invSqrt2, y, i)
                        VectorMath.store(-0.5 * xv * xv, e, i)
                        i += lanes
                    }
                    while i < n { y[i] = x[i] * invSqrt2; e[i] = -0.5 * x[i] * x[i]; i += 1 }
                    VectorMath.erf(y, y, count: n)
                    VectorMath.exp(e, e, count: n)
                    // Φ = ½(1 + erf), y ← x·Φ, dy ← Φ + x·φ.
                    i = 0
                    while i + lanes <= n {
                        let xv = VectorMath.load(x, i)
                        let phi = 0.5 * (1 + VectorMath.load(y, i))
                        VectorMath.store(xv * phi, y, i)
                        VectorMath.store(phi + xv * VectorMath.load(e, i) * invSqrt2Pi, dy, i)
                        i += lanes
                    }
                    while i < n {
                        let phi = 0.5 * (1 + y[i])
                        y[i] = x[i] * phi
                        dy[i] = phi + x[i] * e[i] * invSqrt2Pi
                        i += 1
                    }
                    start += n
                }
            }
        }
    }

    /// dinp ← dout ⊙ gelu′, given gelu′ from the forward pass (dinp may alias dout).
    @inline(__always)
    public static func backward(dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, derivative: UnsafePointer<Float>,
                                count: Int) {
        Parallel.forEachChunk(count, minimumChunk: 16384) { range in
            let start = range.lowerBound
            VectorMath.multiply(dout + start, derivative + start, into: dinp + start, count: range.count)
        }
    }
}
