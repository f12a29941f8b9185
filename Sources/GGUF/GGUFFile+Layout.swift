/// Tensor info and data layout validation. The rules (ggml `docs/gguf.md`; llama.cpp's `gguf_init_from_file`):
///
/// 1. A name is 1 to 64 bytes of UTF-8 (the specification's limit) and unique — `invalidTensorInfo`,
///    `duplicateTensor`. At most 4 dimensions, each at most 2^63 − 1, whose product and byte size do not overflow;
///    the first (row) dimension is a multiple of the type's block size — `invalidTensorInfo`. The type is one
///    `GGMLType` defines — `unknownTensorType`.
/// 2. Byte size = elements / block size × block bytes. Each offset (relative to the data section) is a multiple of
///    the alignment — `misalignedTensor` — and the tensor ends within the data section — `tensorOutOfRange`.
/// 3. Sorted by offset, no two tensors share a byte — `overlappingTensors`.
/// 4. In tensor-info order, each tensor begins at the previous one's end rounded up to the alignment, the first at
///    0, as llama.cpp requires — `unexpectedTensorOffset`.
/// 5. The file ends between the last tensor's end and its padded end — `trailingBytes` otherwise — so no byte of the
///    data section is unaccounted for.
extension GGUFFile {
    /// The most dimensions a tensor may have (`GGML_MAX_DIMS`).
    public static let maxDimensions = 4
    /// The longest tensor name, in bytes (the specification's limit).
    public static let maxTensorNameLength = 64

    struct RawTensorInfo {
        var name: String
        var type: GGMLType
        var dimensions: [Int]
        var offset: UInt64
        var byteCount: Int
        var infoOffset: Int
    }

    static func readTensorInfo(_ cursor: inout ByteCursor) throws -> RawTensorInfo {
        let infoOffset = cursor.offset
        let name = try readTensorName(&cursor)
        func invalid(_ reason: String) -> GGUFError {
            .invalidTensorInfo(file: cursor.label, tensor: name, offset: infoOffset, reason: reason)
        }
        let dimensionCount = try cursor.read(UInt32.self, "dimension count of '\(name)'")
        guard dimensionCount <= UInt32(maxDimensions) else {
            throw invalid("\(dimensionCount) dimensions, more than \(maxDimensions)")
        }
        var dimensions: [Int] = []
        for i in 0..<Int(dimensionCount) {
            let n = try cursor.read(UInt64.self, "dimension \(i) of '\(name)'")
            guard n <= UInt64(Int64.max) else { throw invalid("dimension \(i) is \(n), above 2^63 - 1") }
            dimensions.append(Int(n))
        }
        let typeOffset = cursor.offset
        let rawType = try cursor.read(UInt32.self, "type of '\(name)'")
        guard let type = GGMLType(rawValue: rawType) else {
            throw GGUFError.unknownTensorType(file: cursor.label, tensor: name, offset: typeOffset, type: rawType)
        }
        let offset = try cursor.read(UInt64.self, "data offset of '\(name)'")
        let byteCount = try byteSize(of: dimensions, type: type, invalid: invalid)
        return RawTensorInfo(name: name, type: type, dimensions: dimensions, offset: offset, byteCount: byteCount,
                             infoOffset: infoOffset)
    }

    private static func readTensorName(_ cursor: inout ByteCursor) throws -> String {
        let offset = cursor.offset
        let bytes = try cursor.readStringBytes("tensor name")
        guard let name = String(validatingUTF8Bytes: bytes) else {
            throw GGUFError.invalidTensorInfo(file: cursor.label, tensor: String(decoding: bytes, as: UTF8.self),
                                              offset: offset, reason: "the name is not valid UTF-8")
        }
        guard !name.isEmpty, bytes.count <= maxTensorNameLength else {
            throw GGUFError.invalidTensorInfo(file: cursor.label, tensor: name, offset: offset,
                                              reason: "the name is \(bytes.count) bytes; 1 to \(maxTensorNameLength) are allowed")
        }
        return name
    }

    /// `elements / blockSize × typeSize`, after checking that the row length is a multiple of the block size and
    /// that nothing overflows.
    private static func byteSize(of dimensions: [Int], type: GGMLType, invalid: (String) -> GGUFError) throws -> Int {
        var elements = 1
        for n in dimensions {
            let (product, overflow) = elements.multipliedReportingOverflow(by: n)
            guard !overflow else { throw invalid("the element count of dimensions \(dimensions) overflows") }
            elements = product
        }
        let rowLength = dimensions.first ?? 1
        guard rowLength % type.blockSize == 0 else {
            throw invalid("row length \(rowLength) is not a multiple of \(type.name)'s block size \(type.blockSize)")
        }
        let (bytes, overflow) = (elements / type.blockSize).multipliedReportingOverflow(by: type.typeSize)
        guard !overflow else { throw invalid("the byte size of dimensions \(dimensions) overflows") }
        return bytes
    }

    /// Rules 1 (uniqueness) to 5 over all infos; returns the validated infos in file order.
    static func layout(_ infos: [RawTensorInfo], dataSize: Int, alignment: Int, label: String) throws -> [GGUFTensorInfo] {
        var names = Set<String>()
        for info in infos {
            guard names.insert(info.name).inserted else { throw GGUFError.duplicateTensor(file: label, tensor: info.name) }
            guard info.offset % UInt64(alignment) == 0 else {
                throw GGUFError.misalignedTensor(file: label, tensor: info.name, offset: info.offset, alignment: alignment)
            }
            let (end, overflow) = info.offset.addingReportingOverflow(UInt64(info.byteCount))
            guard !overflow, end <= UInt64(dataSize) else {
                throw GGUFError.tensorOutOfRange(file: label, tensor: info.name, end: overflow ? .max : end, dataSize: dataSize)
            }
        }
        let tensors = infos.map {
            GGUFTensorInfo(name: $0.name, type: $0.type, dimensions: $0.dimensions,
                           byteRange: Int($0.offset)..<(Int($0.offset) + $0.byteCount))
        }
        try checkOverlaps(tensors, label: label)
        try checkOrder(tensors, dataSize: dataSize, alignment: alignment, label: label)
        return tensors
    }

    /// Rule 3: sorted by `(begin, end, name)`, each tensor begins at or after the previous one's end.
    private static func checkOverlaps(_ tensors: [GGUFTensorInfo], label: String) throws {
        let byOffset = tensors.sorted {
            if $0.byteRange.lowerBound != $1.byteRange.lowerBound { return $0.byteRange.lowerBound < $1.byteRange.lowerBound }
            if $0.byteRange.upperBound != $1.byteRange.upperBound { return $0.byteRange.upperBound < $1.byteRange.upperBound }
            return $0.name.utf8.lexicographicallyPrecedes($1.name.utf8)
        }
        for (previous, next) in zip(byOffset, byOffset.dropFirst()) where next.byteRange.lowerBound < previous.byteRange.upperBound {
            throw GGUFError.overlappingTensors(file: label, first: previous.name, second: next.name)
        }
    }

    /// Rules 4 and 5: info order is data order, each tensor padded to the alignment, and nothing after the last.
    private static func checkOrder(_ tensors: [GGUFTensorInfo], dataSize: Int, alignment: Int, label: String) throws {
        var expected = 0
        for t in tensors {
            guard t.byteRange.lowerBound == expected else {
                throw GGUFError.unexpectedTensorOffset(file: label, tensor: t.name, offset: UInt64(t.byteRange.lowerBound),
                                                       expected: expected)
            }
            // byteRange.upperBound <= dataSize, so rounding up cannot overflow.
            expected = t.byteRange.upperBound + (alignment - t.byteRange.upperBound % alignment) % alignment
        }
        guard dataSize <= expected else { throw GGUFError.trailingBytes(file: label, usedBytes: expected, dataSize: dataSize) }
    }
}
