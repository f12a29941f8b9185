import Support
/// Typed access to tensor data. The format stores elements little-endian and unaligned (the data section starts
/// at 8 + N, and N need not be a multiple of 8), so elements are read with `loadUnaligned` from the raw buffer and
/// byte-swapped from little-endian (a no-op on x86_64 and arm64).
extension SafeTensorsFile {
    /// The tensor's elements as `Float`. F32 is read as is; F16 and BF16 are widened exactly (see
    /// `HalfPrecision`). Any other dtype throws `wrongDType`; an unknown name throws `tensorNotFound`.
    public func floats(_ name: String) throws -> [Float] {
        let info = try requireInfo(name)
        return try storage.withUnsafeBytes { try Self.floats(info, bytes: $0, at: dataStart + info.byteRange.lowerBound, label: label) }
    }

    /// `floats(name)` after checking that the tensor has exactly `shape`; throws `shapeMismatch` otherwise.
    public func floats(_ name: String, shape: [Int]) throws -> [Float] {
        let info = try requireInfo(name)
        guard info.shape == shape else {
            throw SafeTensorsError.shapeMismatch(file: label, tensor: name, shape: info.shape, expected: shape)
        }
        return try floats(name)
    }

    /// The elements of an I64 tensor (e.g. BERT's `embeddings.position_ids`); other dtypes throw `wrongDType`.
    public func int64s(_ name: String) throws -> [Int64] {
        let info = try requireInfo(name)
        guard info.dtype == .i64 else {
            throw SafeTensorsError.wrongDType(file: label, tensor: name, dtype: info.dtype, expected: "I64")
        }
        return storage.withUnsafeBytes {
            Self.decode(info, bytes: $0, at: dataStart + info.byteRange.lowerBound, as: UInt64.self) { Int64(bitPattern: UInt64(littleEndian: $0)) }
        }
    }

    /// The elements of the tensor `info` whose bytes begin at offset `start` of `bytes`, as `Float`: F32 as is, F16 and
    /// BF16 widened exactly (`HalfPrecision`); any other dtype throws `wrongDType` naming `label` and the tensor. The
    /// caller guarantees `start + info.byteRange.count ≤ bytes.count`.
    static func floats(_ info: TensorInfo, bytes: UnsafeRawBufferPointer, at start: Int, label: String) throws -> [Float] {
        switch info.dtype {
        case .f32:
            return decode(info, bytes: bytes, at: start, as: UInt32.self) { Float(bitPattern: UInt32(littleEndian: $0)) }
        case .f16:
            return decode(info, bytes: bytes, at: start, as: UInt16.self) { HalfPrecision.float(fromF16: UInt16(littleEndian: $0)) }
        case .bf16:
            return decode(info, bytes: bytes, at: start, as: UInt16.self) { HalfPrecision.float(fromBF16: UInt16(littleEndian: $0)) }
        default:
            throw SafeTensorsError.wrongDType(file: label, tensor: info.name, dtype: info.dtype, expected: "F32, F16 or BF16")
        }
    }

    /// Converts each `Raw`-sized element of the tensor's validated byte range, which begins at `start` of `bytes`.
    @inline(__always)
    private static func decode<Raw: FixedWidthInteger, T>(_ info: TensorInfo, bytes file: UnsafeRawBufferPointer, at start: Int,
                                                          as _: Raw.Type, _ convert: (Raw) -> T) -> [T] {
        let count = info.elementCount
        return [T](unsafeUninitializedCapacity: count) { out, initialized in
            // count > 0 implies a non-empty buffer, so baseAddress is non-nil.
            if count > 0, let base = file.baseAddress {
                let src = base + start
                for i in 0..<count {
                    (out.baseAddress! + i).initialize(to: convert(src.loadUnaligned(fromByteOffset: i * MemoryLayout<Raw>.size, as: Raw.self)))
                }
            }
            initialized = count
        }
    }
}
