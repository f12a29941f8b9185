/// Header and metadata validation. The rules (ggml `docs/gguf.md`; llama.cpp's `gguf_init_from_file` refuses the same
/// or less), checked in file order so the error reported for a file with several problems is deterministic:
///
/// 1. The magic is `GGUF` — `badMagic`; the version is 2 or 3 — `unsupportedVersion` (1 had 32-bit counts; a
///    byte-swapped 2 or 3 is a big-endian file, which this little-endian reader refuses).
/// 2. Every read is bounded by the end of the file — `truncated`, naming the field and its offset. Counts (tensors,
///    key/value pairs, array lengths) are checked against the bytes left, at the smallest possible encoding of each
///    item, before anything is allocated — `countTooLarge`.
/// 3. Keys are 1 to 65,535 bytes of ASCII — `invalidKey` — and unique — `duplicateKey`.
/// 4. Value types are the 13 defined ones — `unknownValueType`; a bool is the byte 0 or 1, a string is UTF-8, arrays
///    nest at most `maxArrayDepth` deep — `invalidValue`.
/// 5. `general.alignment`, when present, is a `uint32` power of two and a multiple of 8 — `invalidAlignment`; absent,
///    the alignment is 32.
/// 6. Tensor infos and the data layout: see `GGUFFile+Layout.swift`.
extension GGUFFile {
    /// `GGUF` at the byte level.
    static let magic: [UInt8] = [0x47, 0x47, 0x55, 0x46]
    /// The alignment when `general.alignment` is absent.
    public static let defaultAlignment = 32
    /// The deepest nesting of arrays accepted (an array of arrays is depth 2).
    public static let maxArrayDepth = 8
    /// The longest metadata key, in bytes (the specification's limit).
    public static let maxKeyLength = 65_535

    struct Parsed {
        var version: UInt32
        var metadata: GGUFMetadata
        var tensors: [GGUFTensorInfo]
        var alignment: Int
        var dataOffset: Int
    }

    static func parse(_ bytes: UnsafeRawBufferPointer, label: String) throws -> Parsed {
        var cursor = ByteCursor(bytes, label: label)
        let version = try readVersion(&cursor)
        let tensorCount = try readCount(&cursor, field: "tensor_count", minimumItemSize: 25)
        let kvCount = try readCount(&cursor, field: "metadata_kv_count", minimumItemSize: 14)
        let metadata = try readMetadata(&cursor, count: kvCount)
        let alignment = try alignment(of: metadata)
        let infos = try (0..<tensorCount).map { _ in try readTensorInfo(&cursor) }
        // The data section begins at the end of the infos rounded up to the alignment. With no tensors llama.cpp
        // does not seek there, so the padding may be missing.
        let aligned = cursor.offset + (alignment - cursor.offset % alignment) % alignment
        guard aligned <= bytes.count || tensorCount == 0 else {
            throw GGUFError.truncated(file: label, field: "padding before the data section", offset: cursor.offset,
                                      needed: UInt64(aligned - cursor.offset), fileSize: bytes.count)
        }
        let dataOffset = min(aligned, bytes.count)
        let tensors = try layout(infos, dataSize: bytes.count - dataOffset, alignment: alignment, label: label)
        return Parsed(version: version, metadata: metadata, tensors: tensors, alignment: alignment, dataOffset: dataOffset)
    }

    private static func readVersion(_ cursor: inout ByteCursor) throws -> UInt32 {
        let magicBytes = try cursor.readBytes(4, "magic")
        guard Array(magicBytes) == magic else { throw GGUFError.badMagic(file: cursor.label, found: Array(magicBytes)) }
        let version = try cursor.read(UInt32.self, "version")
        switch version {
        case 2, 3:
            return version
        case 1:
            throw GGUFError.unsupportedVersion(file: cursor.label, version: version,
                                               reason: "version 1 (32-bit counts) is not supported; versions 2 and 3 are")
        case _ where [2, 3].contains(version.byteSwapped):
            throw GGUFError.unsupportedVersion(file: cursor.label, version: version,
                                               reason: "the bytes read big-endian are \(version.byteSwapped): big-endian files are not supported")
        default:
            throw GGUFError.unsupportedVersion(file: cursor.label, version: version, reason: "versions 2 and 3 are supported")
        }
    }

    /// Reads a `uint64` count and checks that `count` items of at least `minimumItemSize` bytes fit in the rest.
    static func readCount(_ cursor: inout ByteCursor, field: @autoclosure () -> String, minimumItemSize: Int) throws -> Int {
        let offset = cursor.offset
        let count = try cursor.read(UInt64.self, field())
        guard count <= UInt64(cursor.remaining / minimumItemSize) else {
            throw GGUFError.countTooLarge(file: cursor.label, field: field(), offset: offset, count: count,
                                          remainingBytes: cursor.remaining)
        }
        return Int(count)
    }

    private static func readMetadata(_ cursor: inout ByteCursor, count: Int) throws -> GGUFMetadata {
        var entries: [(key: String, value: GGUFValue)] = []
        entries.reserveCapacity(count)
        var seen = Set<String>()
        for _ in 0..<count {
            let keyOffset = cursor.offset
            let key = try readKey(&cursor)
            guard seen.insert(key).inserted else { throw GGUFError.duplicateKey(file: cursor.label, key: key, offset: keyOffset) }
            let typeOffset = cursor.offset
            let rawType = try cursor.read(UInt32.self, "value type of '\(key)'")
            guard let type = GGUFValueType(rawValue: rawType) else {
                throw GGUFError.unknownValueType(file: cursor.label, key: key, offset: typeOffset, type: rawType)
            }
            entries.append((key, try readValue(&cursor, type: type, key: key, depth: 0)))
        }
        return GGUFMetadata(orderedEntries: entries, label: cursor.label)
    }

    private static func readKey(_ cursor: inout ByteCursor) throws -> String {
        let offset = cursor.offset
        let bytes = try cursor.readStringBytes("metadata key")
        func invalid(_ reason: String) -> GGUFError { .invalidKey(file: cursor.label, offset: offset, reason: reason) }
        guard !bytes.isEmpty else { throw invalid("the key is empty") }
        guard bytes.count <= maxKeyLength else { throw invalid("the key is \(bytes.count) bytes, longer than \(maxKeyLength)") }
        if let i = bytes.firstIndex(where: { $0 >= 0x80 }) {
            throw invalid("byte \(i) of the key is 0x\(String(bytes[i], radix: 16)), not ASCII")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func alignment(of metadata: GGUFMetadata) throws -> Int {
        guard let value = metadata["general.alignment"] else { return defaultAlignment }
        guard case let .uint32(a) = value else {
            throw GGUFError.invalidAlignment(file: metadata.label, reason: "it is \(value.typeDescription), expected uint32")
        }
        guard a >= 8, a & (a - 1) == 0 else {
            throw GGUFError.invalidAlignment(file: metadata.label, reason: "\(a) is not a power of two that is a multiple of 8")
        }
        return Int(a)
    }
}
