/// IEEE 754 binary16 → `Float`, by bit manipulation (GGML's `ggml_half`, the block scales of Q8_0 and Q4_1, and F16
/// tensors).
///
/// The same conversion as `SafeTensors.HalfPrecision.float(fromF16:)`, kept here so that `GGUF` depends on `Support`
/// only; done by hand rather than through Swift's `Float16`, which is unavailable on macOS x86_64. Exact: every
/// binary16 value is a `Float`. Zeros keep their sign, subnormals become normal `Float`s, ±inf stays ±inf, and NaN
/// stays NaN with its payload in the top of the `Float` mantissa.
enum Half {
    @inline(__always)
    static func float(fromBits bits: UInt16) -> Float {
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
}
