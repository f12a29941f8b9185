/// A forward reader over the bytes of a file: little-endian scalars and GGUF strings, each read checked against the
/// end of the buffer first, so a truncated file throws `GGUFError.truncated` (naming the field and the offset) instead
/// of reading past the end.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    let label: String
    /// The offset of the next byte to read.
    private(set) var offset: Int = 0

    init(_ bytes: UnsafeRawBufferPointer, label: String) {
        self.bytes = bytes
        self.label = label
    }

    /// Bytes left after `offset`.
    var remaining: Int { bytes.count - offset }

    /// Throws `truncated` unless `count` more bytes exist.
    func require(_ count: UInt64, for field: @autoclosure () -> String) throws {
        guard count <= UInt64(remaining) else {
            throw GGUFError.truncated(file: label, field: field(), offset: offset, needed: count, fileSize: bytes.count)
        }
    }

    /// Reads a little-endian fixed-width integer.
    mutating func read<T: FixedWidthInteger>(_: T.Type, _ field: @autoclosure () -> String) throws -> T {
        try require(UInt64(MemoryLayout<T>.size), for: field())
        let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += MemoryLayout<T>.size
        return value
    }

    /// Reads `count` raw bytes.
    mutating func readBytes(_ count: Int, _ field: @autoclosure () -> String) throws -> UnsafeRawBufferPointer {
        try require(UInt64(max(count, 0)), for: field())
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
        offset += count
        return slice
    }

    /// Reads a `gguf_string_t` (a `uint64` byte length, then that many bytes) and returns its bytes; the length is
    /// checked against the rest of the file before anything is read or allocated.
    mutating func readStringBytes(_ field: @autoclosure () -> String) throws -> UnsafeRawBufferPointer {
        let length = try read(UInt64.self, "\(field()) length")
        try require(length, for: field())
        return try readBytes(Int(length), field())
    }

    /// Moves to `target` (at most the end of the buffer).
    mutating func seek(to target: Int) {
        precondition(target >= offset && target <= bytes.count, "ByteCursor.seek out of range")
        offset = target
    }
}

extension String {
    /// The bytes as a `String` if they are valid UTF-8, else nil (never repaired).
    init?(validatingUTF8Bytes bytes: UnsafeRawBufferPointer) {
        guard let s = String(validating: bytes, as: UTF8.self) else { return nil }
        self = s
    }
}
