import Foundation
import Support

/// A validated safetensors file held in memory (memory-mapped when read from disk).
///
/// Layout: an 8-byte little-endian `UInt64` header length `N`, `N` bytes of UTF-8 JSON, then the data section.
/// Construction validates the whole header (see `SafeTensorsFile+Header.swift` for the rules), so every
/// `TensorInfo` this value hands out describes bytes that exist and belong to that tensor alone; the accessors
/// only look up and convert.
public struct SafeTensorsFile: Sendable {
    /// The file path (or the label given to `init(data:label:)`), used in every error message.
    public let label: String
    /// The header's `__metadata__` map (empty when absent).
    public let metadata: [String: String]
    /// All tensors, sorted by name (byte-wise UTF-8 order).
    public let tensors: [TensorInfo]

    private let indexByName: [String: Int]
    /// The whole file.
    let storage: Data
    /// Offset of the data section in `storage`: 8 + header length.
    let dataStart: Int

    /// Reads the file (memory-mapped) and validates its header. I/O failures throw `SafeTensorsError.io`.
    ///
    /// Mapping makes opening a large checkpoint cost only the header parse; pages are read as tensors are
    /// converted. The file must not be truncated in place while this value lives (the project replaces files by
    /// rename, which leaves the mapped inode intact).
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw SafeTensorsError.io(file: url.path, reason: FileSystemError.readFailure(url.path))
        }
        try self.init(data: data, label: url.path)
    }

    /// Validates the header of an in-memory file; `label` names it in error messages.
    public init(data: Data, label: String) throws {
        let header = try data.withUnsafeBytes { try Self.parseHeader(of: $0, label: label) }
        self.label = label
        self.storage = data
        self.dataStart = header.dataStart
        self.metadata = header.metadata
        self.tensors = header.tensors
        var index: [String: Int] = [:]
        index.reserveCapacity(header.tensors.count)
        for (i, t) in header.tensors.enumerated() { index[t.name] = i }
        self.indexByName = index
    }

    /// The entry of the named tensor, or nil.
    public func info(_ name: String) -> TensorInfo? {
        indexByName[name].map { tensors[$0] }
    }

    /// Whether the file holds a tensor of that name.
    public func contains(_ name: String) -> Bool {
        indexByName[name] != nil
    }

    /// The entry of the named tensor; throws `tensorNotFound`.
    func requireInfo(_ name: String) throws -> TensorInfo {
        guard let info = info(name) else { throw SafeTensorsError.tensorNotFound(file: label, tensor: name) }
        return info
    }
}
