import Foundation
import Support

/// Builds a safetensors file of F32 tensors, deterministically.
///
/// The output is a function of the tensors and metadata alone (not of insertion order or of the platform):
/// tensors are laid out contiguously in byte-wise UTF-8 name order starting at offset 0; the header is compact
/// JSON with `__metadata__` first (omitted when empty, as the reference writer does), then the tensors in that
/// same order, each as `{"dtype":"F32","shape":[…],"data_offsets":[begin,end]}`, metadata keys sorted the same
/// way; the header is padded with spaces to a multiple of 8 bytes so the data section is 8-byte aligned.
/// Identical input therefore gives byte-identical files, which the project relies on to compare adapters.
public struct SafeTensorsWriter: Sendable {
    /// The file name used in error messages before a destination is known.
    public static let label = "<SafeTensorsWriter>"

    public var metadata: [String: String]
    private var entries: [String: (shape: [Int], floats: [Float])] = [:]

    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// Adds an F32 tensor. Throws `duplicateTensorName` for a name already added, `invalidEntry` for the reserved
    /// name `__metadata__` or a negative dimension, and `sizeMismatch` when `floats.count ≠ product(shape)`.
    public mutating func add(_ name: String, shape: [Int], floats: [Float]) throws {
        guard entries[name] == nil else { throw SafeTensorsError.duplicateTensorName(name: name) }
        guard name != "__metadata__" else {
            throw SafeTensorsError.invalidEntry(file: Self.label, tensor: name, reason: "\"__metadata__\" is reserved")
        }
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw SafeTensorsError.invalidEntry(file: Self.label, tensor: name, reason: "negative dimension in shape \(shape)")
        }
        let expected = shape.reduce(1, *)
        guard floats.count == expected else {
            throw SafeTensorsError.sizeMismatch(file: Self.label, tensor: name, expectedBytes: expected * 4,
                                                actualBytes: floats.count * 4)
        }
        entries[name] = (shape, floats)
    }

    /// The complete file.
    public func encoded() throws -> Data {
        let names = entries.keys.sorted(by: tensorNameOrder)
        var header = "{"
        var first = true
        func separator() { if first { first = false } else { header += "," } }
        if !metadata.isEmpty {
            separator()
            header += Self.jsonString("__metadata__") + ":{"
            header += metadata.keys.sorted(by: tensorNameOrder)
                .map { Self.jsonString($0) + ":" + Self.jsonString(metadata[$0]!) }
                .joined(separator: ",")
            header += "}"
        }
        var offset = 0
        for name in names {
            let entry = entries[name]!
            let end = offset + entry.floats.count * 4
            separator()
            header += Self.jsonString(name) + ":{\"dtype\":\"F32\",\"shape\":["
                + entry.shape.map(String.init).joined(separator: ",")
                + "],\"data_offsets\":[\(offset),\(end)]}"
            offset = end
        }
        header += "}"
        var headerBytes = Array(header.utf8)
        headerBytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - headerBytes.count % 8) % 8))

        var out = Data(capacity: 8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: headerBytes)
        for name in names {
            entries[name]!.floats.withUnsafeBufferPointer { floats in
                #if _endian(little)
                out.append(UnsafeBufferPointer(start: floats.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self) },
                                               count: floats.count * 4))
                #else
                for f in floats { withUnsafeBytes(of: f.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
                #endif
            }
        }
        return out
    }

    /// Writes the file atomically (temporary file + rename, via `Support.AtomicFile`); failures throw `io` with the
    /// reason in words ("cannot write: No space left on device", "/r: is a file, not a folder (needed for /r/x)").
    public func write(to url: URL) throws {
        let data = try encoded()
        do {
            try AtomicFile.write(data, to: url)
        } catch {
            throw SafeTensorsError.io(file: url.path, reason: (error as? FileSystemError).map { e in
                e.path == url.path ? "\(e.operation.rawValue): \(e.reason)" : "\(e)" } ?? "\(error)")
        }
    }

    /// A JSON string literal, as `Support`'s `JSONValue.quoted` writes it (the reference writer's choices).
    static func jsonString(_ s: String) -> String { JSONValue.quoted(s) }
}
