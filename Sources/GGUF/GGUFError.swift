/// Everything that can go wrong reading a GGUF file or looking into it.
///
/// Every case names the file (its path, or the label given to `GGUFFile(data:label:)`) and, where there is one, the
/// metadata key or tensor and the byte offset from the start of the file, so a message is actionable without a hex
/// editor. The checks follow the GGUF specification (ggml `docs/gguf.md`) and refuse at least what llama.cpp's
/// `gguf_init_from_file` refuses; see `GGUFFile+Parsing.swift` for the rules.
public enum GGUFError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file ends before `field` could be read: `needed` bytes at `offset`, in a file of `fileSize` bytes.
    case truncated(file: String, field: String, offset: Int, needed: UInt64, fileSize: Int)
    /// The first four bytes are not `GGUF` (0x47 0x47 0x55 0x46).
    case badMagic(file: String, found: [UInt8])
    /// The version is not 2 or 3 (version 1 used 32-bit counts; a byte-swapped 2 or 3 is a big-endian file).
    case unsupportedVersion(file: String, version: UInt32, reason: String)
    /// A count (`tensor_count`, `metadata_kv_count`, an array length) at `offset` cannot fit in the rest of the file,
    /// even at the smallest encoding of each item.
    case countTooLarge(file: String, field: String, offset: Int, count: UInt64, remainingBytes: Int)
    /// A metadata key is empty, longer than 65,535 bytes, or not ASCII.
    case invalidKey(file: String, offset: Int, reason: String)
    /// The same metadata key occurs twice (llama.cpp refuses this too).
    case duplicateKey(file: String, key: String, offset: Int)
    /// A value type (of a key, or of an array's elements) is not one of the 13 the format defines.
    case unknownValueType(file: String, key: String, offset: Int, type: UInt32)
    /// A metadata value is malformed: a bool byte other than 0 or 1, a string that is not UTF-8, arrays nested deeper
    /// than `GGUFFile.maxArrayDepth`.
    case invalidValue(file: String, key: String, offset: Int, reason: String)
    /// `general.alignment` is not a `uint32` power of two that is a multiple of 8.
    case invalidAlignment(file: String, reason: String)
    /// A tensor info is malformed: its name (empty, longer than 64 bytes, not UTF-8), more than 4 dimensions, a
    /// dimension above 2^63 − 1, an element or byte count that overflows, or a first dimension that is not a multiple
    /// of its type's block size.
    case invalidTensorInfo(file: String, tensor: String, offset: Int, reason: String)
    /// The tensor's `ggml_type` is not one the format defines (or one whose support was removed, such as 4 and 5).
    case unknownTensorType(file: String, tensor: String, offset: Int, type: UInt32)
    /// Two tensor infos share a name.
    case duplicateTensor(file: String, tensor: String)
    /// The tensor's offset (relative to the data section) is not a multiple of the alignment.
    case misalignedTensor(file: String, tensor: String, offset: UInt64, alignment: Int)
    /// The tensor's bytes end beyond the data section.
    case tensorOutOfRange(file: String, tensor: String, end: UInt64, dataSize: Int)
    /// Two tensors share bytes (sorted by offset, `second` begins before `first` ends).
    case overlappingTensors(file: String, first: String, second: String)
    /// The tensor does not begin where llama.cpp requires: at the previous tensor's end (in tensor-info order)
    /// rounded up to the alignment, the first at 0.
    case unexpectedTensorOffset(file: String, tensor: String, offset: UInt64, expected: Int)
    /// Bytes after the last tensor's padded end: the tensors account for `usedBytes` of a `dataSize`-byte section.
    case trailingBytes(file: String, usedBytes: Int, dataSize: Int)
    /// No tensor of that name in the file.
    case tensorNotFound(file: String, tensor: String)
    /// The tensor's type cannot be converted to `Float` (`supported` lists the types that can).
    case unsupportedTensorType(file: String, tensor: String, type: GGMLType, supported: String)
    /// The tensor's shape (row-major, outermost first) is not the one the caller requires.
    case shapeMismatch(file: String, tensor: String, shape: [Int], expected: [Int])
    /// The metadata has no such key.
    case missingKey(file: String, key: String)
    /// The key's value has another type than the accessor reads (`found` and `expected` in the format's type names).
    case wrongValueType(file: String, key: String, found: String, expected: String)
    /// An integer value does not fit the range the accessor promises (e.g. a negative count, or above `Int.max`).
    case valueOutOfRange(file: String, key: String, value: String, range: String)
    /// Reading the file failed at the operating-system level.
    case io(file: String, reason: String)

    public var description: String {
        switch self {
        case let .truncated(file, field, offset, needed, fileSize):
            return "GGUF '\(file)': truncated: \(field) needs \(needed) bytes at offset \(offset), but the file has \(fileSize) bytes"
        case let .badMagic(file, found):
            let hex = found.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
            return "GGUF '\(file)': bad magic [\(hex)], expected [47 47 55 46] (\"GGUF\")"
        case let .unsupportedVersion(file, version, reason):
            return "GGUF '\(file)': unsupported version \(version): \(reason)"
        case let .countTooLarge(file, field, offset, count, remainingBytes):
            return "GGUF '\(file)': \(field) \(count) at offset \(offset) cannot fit in the \(remainingBytes) bytes left"
        case let .invalidKey(file, offset, reason):
            return "GGUF '\(file)': invalid metadata key at offset \(offset): \(reason)"
        case let .duplicateKey(file, key, offset):
            return "GGUF '\(file)': metadata key '\(key)' at offset \(offset) occurs twice"
        case let .unknownValueType(file, key, offset, type):
            return "GGUF '\(file)': key '\(key)': unknown value type \(type) at offset \(offset)"
        case let .invalidValue(file, key, offset, reason):
            return "GGUF '\(file)': key '\(key)': invalid value at offset \(offset): \(reason)"
        case let .invalidAlignment(file, reason):
            return "GGUF '\(file)': invalid general.alignment: \(reason)"
        case let .invalidTensorInfo(file, tensor, offset, reason):
            return "GGUF '\(file)': tensor '\(tensor)' (info at offset \(offset)): \(reason)"
        case let .unknownTensorType(file, tensor, offset, type):
            return "GGUF '\(file)': tensor '\(tensor)': unknown ggml type \(type) at offset \(offset)"
        case let .duplicateTensor(file, tensor):
            return "GGUF '\(file)': tensor '\(tensor)' is described twice"
        case let .misalignedTensor(file, tensor, offset, alignment):
            return "GGUF '\(file)': tensor '\(tensor)': data offset \(offset) is not a multiple of the alignment \(alignment)"
        case let .tensorOutOfRange(file, tensor, end, dataSize):
            return "GGUF '\(file)': tensor '\(tensor)': its data ends at \(end), beyond the \(dataSize)-byte data section"
        case let .overlappingTensors(file, first, second):
            return "GGUF '\(file)': tensors '\(first)' and '\(second)' overlap"
        case let .unexpectedTensorOffset(file, tensor, offset, expected):
            return "GGUF '\(file)': tensor '\(tensor)' has data offset \(offset), expected \(expected)"
                + " (tensors must follow each other in info order, each padded to the alignment)"
        case let .trailingBytes(file, usedBytes, dataSize):
            return "GGUF '\(file)': tensors account for \(usedBytes) bytes of a \(dataSize)-byte data section"
                + " (unused trailing bytes)"
        case let .tensorNotFound(file, tensor):
            return "GGUF '\(file)': no tensor named '\(tensor)'"
        case let .unsupportedTensorType(file, tensor, type, supported):
            return "GGUF '\(file)': tensor '\(tensor)' has type \(type.name), which cannot be read as Float"
                + " (supported: \(supported))"
        case let .shapeMismatch(file, tensor, shape, expected):
            return "GGUF '\(file)': tensor '\(tensor)' has shape \(shape), expected \(expected)"
        case let .missingKey(file, key):
            return "GGUF '\(file)': no metadata key '\(key)'"
        case let .wrongValueType(file, key, found, expected):
            return "GGUF '\(file)': key '\(key)' holds \(found), expected \(expected)"
        case let .valueOutOfRange(file, key, value, range):
            return "GGUF '\(file)': key '\(key)' holds \(value), outside \(range)"
        case let .io(file, reason):
            return "GGUF '\(file)': I/O error: \(reason)"
        }
    }
}
