import Foundation

/// The exact GELU BERT uses (HF `hidden_act: "gelu"`): gelu(x) = x·Φ(x) = ½x·(1 + erf(x/√2)).
/// Derivative: Φ(x) + x·φ(x) with φ(x) = exp(−x²/2)/√(2π).
public enum GELU {
    @inline(__always)
    public static func forward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
        let invSqrt2: Float = 0.70710678118654752
        for i in 0..<count {
            let x = inp[i]
            out[i] = 0.5 * x * (1 + erff(x * invSqrt2))
        }
    }

    /// dinp ← dout ⊙ gelu′(inp) (may alias dout).
    @inline(__always)
    public static func backward(dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
        let invSqrt2: Float = 0.70710678118654752
        let invSqrt2Pi: Float = 0.39894228040143268
        for i in 0..<count {
            let x = inp[i]
            let cdf = 0.5 * (1 + erff(x * invSqrt2))
            let pdf = expf(-0.5 * x * x) * invSqrt2Pi
            dinp[i] = dout[i] * (cdf + x * pdf)
        }
    }
}
