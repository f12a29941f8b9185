import Foundation
import Support

/// A validated GGUF file held in memory (memory-mapped when read from disk).
///
/// Layout (ggml `docs/gguf.md`, versions 2 and 3, little-endian): the magic `GGUF`, a `uint32` version, a `uint64`
/// tensor count and a `uint64` metadata count; the metadata key/value pairs; the tensor infos (name, dimensions, type,
/// offset); zero padding up to `general.alignment` (default 32); then the data section. Construction validates all
/// of it (`GGUFFile+Parsing.swift`, `GGUFFile+Layout.swift`), so every `GGUFTensorInfo` describes bytes that exist
/// and belong to that tensor alone; the accessors (`GGUFFile+Dequantization.swift`) only look up and convert.
public struct GGUFFile: Sendable {
    /// The file path (or the label given to `init(data:label:)`), used in every error message.
    public let label: String
    /// The format version: 2 or 3 (they differ only in that 3 may be big-endian, which is refused).
    public let version: UInt32
    /// The metadata key/value pairs.
    public let metadata: GGUFMetadata
    /// The tensor infos in file order.
    public let tensors: [GGUFTensorInfo]
    /// `general.alignment`, or 32 when absent.
    public let alignment: Int
    /// Offset of the data section from the start of the file: the end of the tensor infos rounded up to `alignment`.
    public let dataOffset: Int

    private let indexByName: [String: Int]
    /// The whole file.
    let storage: Data

    /// Reads the file (memory-mapped) and validates it. I/O failures throw `GGUFError.io`.
    ///
    /// Mapping makes opening a large checkpoint cost only the header parse; pages are read as tensors are converted.
    /// The file must not be truncated in place while this value lives (replacing it by rename is safe).
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw GGUFError.io(file: url.path, reason: FileSystemError.readFailure(url.path))
        }
        try self.init(data: data, label: url.path)
    }

    /// Validates an in-memory file; `label` names it in error messages.
    public init(data: Data, label: String) throws {
        let parsed = try data.withUnsafeBytes { try Self.parse($0, label: label) }
        self.label = label
        self.storage = data
        self.version = parsed.version
        self.metadata = parsed.metadata
        self.tensors = parsed.tensors
        self.alignment = parsed.alignment
        self.dataOffset = parsed.dataOffset
        var index: [String: Int] = [:]
        index.reserveCapacity(parsed.tensors.count)
        for (i, t) in parsed.tensors.enumerated() { index[t.name] = i }
        self.indexByName = index
    }

    /// The info of the named tensor, or nil.
    public func info(_ name: String) -> GGUFTensorInfo? {
        indexByName[name].map { tensors[$0] }
    }

    /// Whether the file holds a tensor of that name.
    public func contains(_ name: String) -> Bool {
        indexByName[name] != nil
    }

    /// The info of the named tensor; throws `tensorNotFound`.
    func requireInfo(_ name: String) throws -> GGUFTensorInfo {
        guard let info = info(name) else { throw GGUFError.tensorNotFound(file: label, tensor: name) }
        return info
    }
}
