/// Widening of the two 16-bit float formats to `Float`, by bit manipulation (safetensors F16/BF16 tensors; GGUF F16
/// tensors and the block scales of Q8_0 and Q4_1).
///
/// Done by hand rather than through Swift's `Float16` because that type is unavailable on some platforms
/// (macOS on x86_64); one portable code path is also one tested code path. Both conversions are exact: every
/// F16 and BF16 value is representable as a `Float`.
public enum HalfPrecision {
    /// IEEE 754 binary16 (1 sign, 5 exponent, 10 mantissa bits) → Float.
    /// Zeros keep their sign, subnormals (exponent 0) become normal Floats, ±inf stays ±inf, and NaN stays NaN
    /// with its payload moved into the top of the Float mantissa.
    @inline(__always)
    public static func float(fromF16 bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x03FF)
        switch exponent {
        case 0:
            // ±0 or subnormal: mantissa × 2^-24, exact in Float.
            let magnitude = Float(mantissa) * 0x1p-24
            return Float(bitPattern: magnitude.bitPattern | sign)
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        default:
            // Rebias the exponent from 15 to 127.
            return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }

    /// bfloat16 → Float: bfloat16 is the top half of a binary32, so the bits move up 16 places.
    @inline(__always)
    public static func float(fromBF16 bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }
}
