import Foundation

/// A safetensors file of which only the header is read on opening; a tensor's bytes are read when it is asked for, and
/// only they (through a `ByteRangeReader`). So a reader of a few matrices of a 7B checkpoint holds those matrices and the
/// header, never the file.
///
/// The header is validated by all of `SafeTensorsFile`'s rules (see `SafeTensorsFile+Header.swift`): the layout rules
/// need only the offsets and the file's size, not the data. Reads: bytes 0..<8 (the length prefix N), then 8..<8 + N,
/// then per tensor 8 + N + begin ..< 8 + N + end of its `data_offsets`.
public struct SafeTensorsRangeFile: Sendable {
    /// The file path, used in every error message.
    public let label: String
    /// The header's `__metadata__` map (empty when absent).
    public let metadata: [String: String]
    /// All tensors, sorted by name (byte-wise UTF-8 order).
    public let tensors: [TensorInfo]
    private let indexByName: [String: Int]
    private let dataStart: Int
    private let reader: any ByteRangeReader

    /// Reads and validates the header of the file at `path`. Throws `SafeTensorsError` (`io` when it cannot be read).
    public init(path: String, reader: any ByteRangeReader = FileRangeReader()) throws {
        let size = try reader.size(of: path)
        let prefix = try reader.read(path, range: 0..<min(8, size))
        let dataStart = try prefix.withUnsafeBytes { try SafeTensorsFile.dataStart(prefix: $0, fileSize: size, label: path) }
        let json = try reader.read(path, range: 8..<dataStart)
        let header = try json.withUnsafeBytes {
            try SafeTensorsFile.parseHeader(json: $0, dataStart: dataStart, fileSize: size, label: path)
        }
        self.label = path
        self.metadata = header.metadata
        self.tensors = header.tensors
        self.dataStart = dataStart
        self.reader = reader
        self.indexByName = Dictionary(uniqueKeysWithValues: header.tensors.enumerated().map { ($1.name, $0) })
    }

    /// The entry of the named tensor, or nil.
    public func info(_ name: String) -> TensorInfo? { indexByName[name].map { tensors[$0] } }

    /// The tensor's elements as `Float` (F32 as is, F16 and BF16 widened exactly), reading only its bytes. Throws
    /// `tensorNotFound`, `wrongDType` (any other dtype, before reading), or `io`.
    public func floats(_ name: String) throws -> [Float] {
        guard let info = info(name) else { throw SafeTensorsError.tensorNotFound(file: label, tensor: name) }
        guard [.f32, .f16, .bf16].contains(info.dtype) else {
            throw SafeTensorsError.wrongDType(file: label, tensor: name, dtype: info.dtype, expected: "F32, F16 or BF16")
        }
        let start = dataStart + info.byteRange.lowerBound
        let bytes = try reader.read(label, range: start..<(start + info.byteRange.count))
        return try bytes.withUnsafeBytes { try SafeTensorsFile.floats(info, bytes: $0, at: 0, label: label) }
    }
}
