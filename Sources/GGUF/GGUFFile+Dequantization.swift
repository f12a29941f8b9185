/// Tensor data as `Float`s: F32 as stored, F16 widened exactly, Q8_0 and Q4_1 dequantised block by block
/// (`GGMLDequantizer`; layouts in `GGMLReferenceDequantizer`). The result is row-major in `GGUFTensorInfo.shape`
/// (outermost first), which is GGUF's storage order: `ne[0]` varies fastest.
extension GGUFFile {
    /// The tensor's elements as `Float`. Types other than F32, F16, Q8_0 and Q4_1 throw `unsupportedTensorType`; an
    /// unknown name throws `tensorNotFound`.
    public func floats(_ name: String) throws -> [Float] {
        let info = try requireInfo(name)
        guard GGMLDequantizer.supportedTypes.contains(info.type) else {
            throw GGUFError.unsupportedTensorType(file: label, tensor: name, type: info.type,
                                                  supported: GGMLDequantizer.supportedTypes.map(\.name).joined(separator: ", "))
        }
        let count = info.elementCount
        return withData(of: info) { data in
            [Float](unsafeUninitializedCapacity: count) { out, initialized in
                GGMLDequantizer.dequantize(info.type, data: data, into: out)
                initialized = count
            }
        }
    }

    /// `floats(name)` after checking that the tensor has exactly `shape` (outermost first); throws `shapeMismatch`.
    public func floats(_ name: String, shape: [Int]) throws -> [Float] {
        let info = try requireInfo(name)
        guard info.shape == shape else {
            throw GGUFError.shapeMismatch(file: label, tensor: name, shape: info.shape, expected: shape)
        }
        return try floats(name)
    }

    /// Calls `body` with the tensor's validated bytes.
    func withData<R>(of info: GGUFTensorInfo, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { file in
            let start = dataOffset + info.byteRange.lowerBound
            return try body(UnsafeRawBufferPointer(rebasing: file[start..<(start + info.byteRange.count)]))
        }
    }
}
