import Support

/// The naive reference dequantiser: one element at a time, straight from the block layouts of ggml's
/// `ggml-common.h` and `dequantize_row_*` in `ggml-quants.c`. Slow on purpose (every element re-reads its block's
/// scales); the tests hold `GGMLDequantizer.dequantize` to bit-identical output.
///
/// Element `i` of a tensor lies in block `i / 32` at position `j = i % 32` (rows are whole blocks, so row-major order
/// is block order):
/// - F32: 4 bytes little-endian; F16: 2 bytes binary16.
/// - Q8_0 (34 bytes): `d` (binary16) then 32 signed bytes `q`; value `Float(q[j]) × d`.
/// - Q4_1 (20 bytes): `d` (binary16), `m` (binary16), then 16 bytes holding 32 unsigned nibbles: elements 0–15 are the
///   low nibbles of bytes 0–15, elements 16–31 their high nibbles; value `Float(nibble) × d + m`.
///
/// The products are exact in `Float` (a half's 11-bit significand times at most 8 bits), so Q8_0 values are exact
/// and a Q4_1 value is the exactly rounded sum: fused or unfused, in any language, the result is the same `Float`.
enum GGMLReferenceDequantizer {
    /// Element `index` of data of type `type` (one of `GGMLDequantizer.supportedTypes`).
    static func element(_ index: Int, type: GGMLType, data: UnsafeRawBufferPointer) -> Float {
        func u16(_ at: Int) -> UInt16 { UInt16(data[at]) | UInt16(data[at + 1]) << 8 }
        switch type {
        case .f32:
            let b = 4 * index
            let bits = UInt32(data[b]) | UInt32(data[b + 1]) << 8 | UInt32(data[b + 2]) << 16 | UInt32(data[b + 3]) << 24
            return Float(bitPattern: bits)
        case .f16:
            return HalfPrecision.float(fromF16: u16(2 * index))
        case .q8_0:
            let block = (index / 32) * 34, j = index % 32
            let d = HalfPrecision.float(fromF16: u16(block))
            return Float(Int8(bitPattern: data[block + 2 + j])) * d
        case .q4_1:
            let block = (index / 32) * 20, j = index % 32
            let d = HalfPrecision.float(fromF16: u16(block))
            let m = HalfPrecision.float(fromF16: u16(block + 2))
            let byte = data[block + 4 + j % 16]
            let nibble = j < 16 ? byte & 0x0F : byte >> 4
            return Float(nibble) * d + m
        default:
            preconditionFailure("no reference dequantiser for \(type.name)")
        }
    }

    /// All `count` elements, one `element` call each.
    static func dequantize(_ type: GGMLType, data: UnsafeRawBufferPointer, count: Int) -> [Float] {
        (0..<count).map { element($0, type: type, data: data) }
    }
}
