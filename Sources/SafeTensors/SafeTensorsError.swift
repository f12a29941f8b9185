/// Everything that can go wrong reading or writing a safetensors file.
///
/// Every case carries the file (its path, or the label given to `SafeTensorsFile(data:label:)`; the writer uses
/// `SafeTensorsWriter.label`) and, where there is one, the offending tensor, so a message is actionable without a
/// debugger. The header checks follow the Hugging Face reference implementation: a file it rejects is rejected here.
public enum SafeTensorsError: Error, Equatable, CustomStringConvertible {
    /// Fewer than the 8 bytes of the header-length prefix.
    case fileTooSmall(file: String, size: Int)
    /// The header length prefix points past the end of the file, or exceeds the 100 MB limit of the reference
    /// implementation (a header that large is a corrupt prefix, not a real header).
    case headerLengthOutOfBounds(file: String, headerLength: UInt64, fileSize: Int)
    /// The header is not UTF-8, not valid JSON (including duplicate keys), not a JSON object, or its
    /// `__metadata__` is not an object of strings.
    case invalidHeaderJSON(file: String, reason: String)
    /// A tensor entry is malformed: not an object, a missing `dtype`/`shape`/`data_offsets`, a JSON value of the
    /// wrong type, a negative or non-integer dimension, `begin > end`, or an element count that overflows.
    case invalidEntry(file: String, tensor: String, reason: String)
    /// The `dtype` string is not one the format defines.
    case unknownDType(file: String, tensor: String, dtype: String)
    /// `product(shape) × dtype.byteSize` differs from `end − begin`.
    case sizeMismatch(file: String, tensor: String, expectedBytes: Int, actualBytes: Int)
    /// The tensor's `end` offset lies beyond the data section.
    case offsetsOutOfBounds(file: String, tensor: String, end: Int, dataSize: Int)
    /// Two tensors share bytes (sorted by offset, `second` begins before `first` ends).
    case overlappingTensors(file: String, first: String, second: String)
    /// Unused bytes before `tensor`: the previous tensor (or the start of the data) ends at `expectedOffset` but
    /// this one begins at `actualOffset`. The reference implementation requires a contiguous layout.
    case gapBeforeTensor(file: String, tensor: String, expectedOffset: Int, actualOffset: Int)
    /// Unused bytes after the last tensor: tensors cover `usedBytes` of a data section of `dataSize` bytes.
    case trailingBytes(file: String, usedBytes: Int, dataSize: Int)
    /// No tensor of that name in the file.
    case tensorNotFound(file: String, tensor: String)
    /// The tensor's dtype cannot be read by the accessor used (`expected` lists the dtypes it accepts).
    case wrongDType(file: String, tensor: String, dtype: SafeTensorsDType, expected: String)
    /// The tensor's shape is not the one the caller requires.
    case shapeMismatch(file: String, tensor: String, shape: [Int], expected: [Int])
    /// The writer was given the same tensor name twice.
    case duplicateTensorName(name: String)
    /// Reading or writing the file failed at the operating-system level.
    case io(file: String, reason: String)
    /// A sharded checkpoint's `model.safetensors.index.json` is not strict JSON, or not
    /// `{"weight_map": {"<tensor>": "<shard file name>", …}, …}` (`reason` names the field or tensor).
    case invalidIndex(file: String, reason: String)
    /// The index puts `tensor` in the shard file `shard` (a name in the index's folder), which does not exist.
    case missingShard(index: String, tensor: String, shard: String)
    /// The index puts `tensor` in `shard` (a path), whose header has no tensor of that name.
    case tensorNotInShard(index: String, tensor: String, shard: String)
    /// A checkpoint folder with neither `model.safetensors.index.json` nor `model.safetensors`.
    case noWeights(folder: String)

    public var description: String {
        switch self {
        case let .fileTooSmall(file, size):
            return "safetensors '\(file)': file is \(size) bytes, shorter than the 8-byte header length prefix"
        case let .headerLengthOutOfBounds(file, headerLength, fileSize):
            return "safetensors '\(file)': header length \(headerLength) does not fit in a file of \(fileSize) bytes"
                + " (or exceeds the 100000000-byte limit)"
        case let .invalidHeaderJSON(file, reason):
            return "safetensors '\(file)': invalid header JSON: \(reason)"
        case let .invalidEntry(file, tensor, reason):
            return "safetensors '\(file)': tensor '\(tensor)': invalid entry: \(reason)"
        case let .unknownDType(file, tensor, dtype):
            return "safetensors '\(file)': tensor '\(tensor)': unknown dtype \"\(dtype)\""
        case let .sizeMismatch(file, tensor, expectedBytes, actualBytes):
            return "safetensors '\(file)': tensor '\(tensor)': shape and dtype need \(expectedBytes) bytes"
                + " but the data is \(actualBytes) bytes"
        case let .offsetsOutOfBounds(file, tensor, end, dataSize):
            return "safetensors '\(file)': tensor '\(tensor)': end offset \(end) is beyond the \(dataSize)-byte data section"
        case let .overlappingTensors(file, first, second):
            return "safetensors '\(file)': tensors '\(first)' and '\(second)' overlap"
        case let .gapBeforeTensor(file, tensor, expectedOffset, actualOffset):
            return "safetensors '\(file)': tensor '\(tensor)' begins at \(actualOffset) but the previous data ends at"
                + " \(expectedOffset) (tensors must be contiguous)"
        case let .trailingBytes(file, usedBytes, dataSize):
            return "safetensors '\(file)': tensors cover \(usedBytes) bytes of a \(dataSize)-byte data section"
                + " (unused trailing bytes)"
        case let .tensorNotFound(file, tensor):
            return "safetensors '\(file)': no tensor named '\(tensor)'"
        case let .wrongDType(file, tensor, dtype, expected):
            return "safetensors '\(file)': tensor '\(tensor)' has dtype \(dtype.rawValue), expected \(expected)"
        case let .shapeMismatch(file, tensor, shape, expected):
            return "safetensors '\(file)': tensor '\(tensor)' has shape \(shape), expected \(expected)"
        case let .duplicateTensorName(name):
            return "safetensors writer: tensor '\(name)' added twice"
        case let .io(file, reason):
            return "safetensors '\(file)': I/O error: \(reason)"
        case let .invalidIndex(file, reason):
            return "safetensors index '\(file)': \(reason)"
        case let .missingShard(index, tensor, shard):
            return "safetensors index '\(index)': tensor '\(tensor)' is in shard '\(shard)', which does not exist"
        case let .tensorNotInShard(index, tensor, shard):
            return "safetensors index '\(index)' puts tensor '\(tensor)' in '\(shard)', which has no tensor of that name"
        case let .noWeights(folder):
            return "'\(folder)' holds neither model.safetensors.index.json nor model.safetensors (nor is it a .safetensors file)"
        }
    }
}
