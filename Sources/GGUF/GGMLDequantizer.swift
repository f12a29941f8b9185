import Support

/// Conversion of tensor data to `Float`, block by block. Bit-identical to `GGMLReferenceDequantizer` (which documents
/// the layouts), tested so; faster because each block's scales are converted once, Q4_1's 16 possible values
/// `Float(n) × d + m` are computed once per block and looked up, and the loops run over raw pointers.
enum GGMLDequantizer {
    /// The types that can be converted.
    static let supportedTypes: [GGMLType] = [.f32, .f16, .q8_0, .q4_1]

    /// Writes the `out.count` elements held by `data` (exactly `out.count / blockSize` blocks of `type`) to `out`.
    /// Preconditions: `type` is supported, `out.count` is a multiple of its block size, `data` holds the blocks.
    static func dequantize(_ type: GGMLType, data: UnsafeRawBufferPointer, into out: UnsafeMutableBufferPointer<Float>) {
        let blocks = out.count / type.blockSize
        precondition(out.count % type.blockSize == 0 && data.count >= blocks * type.typeSize, "dequantize: size mismatch")
        guard blocks > 0, let src = data.baseAddress, let dst = out.baseAddress else { return }
        switch type {
        case .f32:
            for i in 0..<blocks { dst[i] = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
        case .f16:
            for i in 0..<blocks { dst[i] = HalfPrecision.float(fromF16: UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
        case .q8_0:
            for b in 0..<blocks { q8_0Block(src + 34 * b, dst + 32 * b) }
        case .q4_1:
            for b in 0..<blocks { q4_1Block(src + 20 * b, dst + 32 * b) }
        default:
            preconditionFailure("no dequantiser for \(type.name)")
        }
    }

    @inline(__always)
    private static func q8_0Block(_ block: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>) {
        let d = HalfPrecision.float(fromF16: UInt16(littleEndian: block.loadUnaligned(as: UInt16.self)))
        let q = block + 2
        for j in 0..<32 { out[j] = Float(Int8(bitPattern: q.load(fromByteOffset: j, as: UInt8.self))) * d }
    }

    @inline(__always)
    private static func q4_1Block(_ block: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>) {
        let d = HalfPrecision.float(fromF16: UInt16(littleEndian: block.loadUnaligned(as: UInt16.self)))
        let m = HalfPrecision.float(fromF16: UInt16(littleEndian: block.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
        // The 16 values a nibble can stand for, each rounded exactly as the reference rounds it.
        var table: (Float, Float, Float, Float, Float, Float, Float, Float,
                    Float, Float, Float, Float, Float, Float, Float, Float) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &table) { raw in
            let values = raw.bindMemory(to: Float.self)
            for n in 0..<16 { values[n] = Float(n) * d + m }
            let q = block + 4
            for j in 0..<16 {
                let byte = q.load(fromByteOffset: j, as: UInt8.self)
                out[j] = values[Int(byte & 0x0F)]
                out[j + 16] = values[Int(byte >> 4)]
            }
        }
    }
}
