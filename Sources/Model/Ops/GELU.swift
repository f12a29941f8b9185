import Foundation
import LinearAlgebra

/// The exact GELU BERT uses (HF `hidden_act: "gelu"`): gelu(x) = x·Φ(x) = ½x·(1 + erf(x/√2)).
/// Derivative: Φ(x) + x·φ(x) with φ(x) = exp(−x²/2)/√(2π). The forward pass keeps Φ(x) so the backward pass needs
/// only one exp per element (erf is the most expensive scalar function of the step).
public enum GELU {
    /// out ← gelu(inp); cdf ← Φ(inp).
    @inline(__always)
    public static func forward(out: UnsafeMutablePointer<Float>, cdf: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
        let invSqrt2: Float = 0.70710678118654752
        Parallel.forEachChunk(count, minimumChunk: 16384) { range in
            for i in range {
                let x = inp[i]
                let phi = 0.5 * (1 + erff(x * invSqrt2))
                cdf[i] = phi
                out[i] = x * phi
            }
        }
    }

    /// dinp ← dout ⊙ gelu′(inp), given Φ(inp) from the forward pass (dinp may alias dout).
    @inline(__always)
    public static func backward(dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
                                cdf: UnsafePointer<Float>, count: Int) {
        let invSqrt2Pi: Float = 0.39894228040143268
        Parallel.forEachChunk(count, minimumChunk: 16384) { range in
            for i in range {
                let x = inp[i]
                let pdf = expf(-0.5 * x * x) * invSqrt2Pi
                dinp[i] = dout[i] * (cdf[i] + x * pdf)
            }
        }
    }
}
