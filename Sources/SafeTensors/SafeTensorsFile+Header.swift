import Support

/// Header validation. The rules, and why:
///
/// 1. At least 8 bytes (the length prefix) — `fileTooSmall`.
/// 2. The header length `N` satisfies `8 + N ≤ file size` and `N ≤ 100_000_000` (the reference limit; a larger
///    value is a corrupt prefix) — `headerLengthOutOfBounds`.
/// 3. The header is UTF-8 and strict JSON (no duplicate keys anywhere, so no tensor can be shadowed), surrounded
///    only by JSON whitespace (writers pad with spaces to align the data), and its top level is an object —
///    `invalidHeaderJSON`. `__metadata__`, if present and not null, is an object of string values.
/// 4. Every other key is a tensor whose value is an object with a known `dtype` string, a `shape` array of
///    non-negative integers and a `data_offsets` pair `[begin, end]` of non-negative integers with
///    `begin ≤ end` — `invalidEntry` / `unknownDType`. Other keys in an entry are ignored, as the reference does.
/// 5. `product(shape) × dtype.byteSize == end − begin` (checked without overflow) — `sizeMismatch`, and
///    `end ≤ data size` — `offsetsOutOfBounds`.
/// 6. Sorted by offsets, the tensors tile the data section exactly: the first begins at 0, each begins where the
///    previous ends, the last ends at the end of the file — `overlappingTensors`, `gapBeforeTensor`,
///    `trailingBytes`. The reference implementation rejects any other layout (its `InvalidOffset` and
///    `MetadataIncompleteBuffer`), so a file accepted here is accepted there, and no byte is unaccounted for.
///
/// Entries are checked in name order, so the error reported for a file with several problems is deterministic.
extension SafeTensorsFile {
    /// The reference implementation's limit on the header length.
    static let maxHeaderLength: UInt64 = 100_000_000

    struct Header {
        var metadata: [String: String]
        var tensors: [TensorInfo]
        var dataStart: Int
    }

    static func parseHeader(of file: UnsafeRawBufferPointer, label: String) throws -> Header {
        let dataStart = try dataStart(prefix: file, fileSize: file.count, label: label)
        return try parseHeader(json: UnsafeRawBufferPointer(rebasing: file[8..<dataStart]), dataStart: dataStart,
                               fileSize: file.count, label: label)
    }

    /// Rules 1–2 from the file's first bytes (`prefix`, at least 8 of them when the file has 8) and its size: where the
    /// data section starts, 8 + N.
    static func dataStart(prefix: UnsafeRawBufferPointer, fileSize: Int, label: String) throws -> Int {
        guard fileSize >= 8, prefix.count >= 8 else { throw SafeTensorsError.fileTooSmall(file: label, size: fileSize) }
        let headerLength = UInt64(littleEndian: prefix.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        guard headerLength <= maxHeaderLength, headerLength <= UInt64(fileSize - 8) else {
            throw SafeTensorsError.headerLengthOutOfBounds(file: label, headerLength: headerLength, fileSize: fileSize)
        }
        return 8 + Int(headerLength)
    }

    /// Rules 3–6 on the header's N bytes alone (`json`); the data section is the rest of a file of `fileSize` bytes,
    /// from `dataStart` = 8 + N on. The bytes of the data are never needed to validate the layout.
    static func parseHeader(json: UnsafeRawBufferPointer, dataStart: Int, fileSize: Int, label: String) throws -> Header {
        let dataSize = fileSize - dataStart
        let root = try HeaderJSON.parse(json, label: label)
        guard case let .object(members) = root else {
            throw SafeTensorsError.invalidHeaderJSON(file: label, reason: "header is a JSON \(root.typeName), not an object")
        }

        var metadata: [String: String] = [:]
        var entries: [(name: String, value: JSONValue)] = []
        for member in members {
            if member.key == "__metadata__" {
                metadata = try parseMetadata(member.value, label: label)
            } else {
                entries.append((member.key, member.value))
            }
        }
        entries.sort { tensorNameOrder($0.name, $1.name) }

        let tensors = try entries.map { try tensorInfo(name: $0.name, entry: $0.value, dataSize: dataSize, label: label) }
        try checkLayout(tensors, dataSize: dataSize, label: label)
        return Header(metadata: metadata, tensors: tensors, dataStart: dataStart)
    }

    private static func parseMetadata(_ value: JSONValue, label: String) throws -> [String: String] {
        switch value {
        case .null:
            return [:]
        case let .object(members):
            var metadata: [String: String] = [:]
            for member in members {
                guard case let .string(s) = member.value else {
                    throw SafeTensorsError.invalidHeaderJSON(
                        file: label,
                        reason: "__metadata__ value for \"\(member.key)\" is \(member.value.typeWithArticle), not a string")
                }
                metadata[member.key] = s
            }
            return metadata
        default:
            throw SafeTensorsError.invalidHeaderJSON(file: label, reason: "__metadata__ is \(value.typeWithArticle), not an object")
        }
    }

    private static func tensorInfo(name: String, entry: JSONValue, dataSize: Int, label: String) throws -> TensorInfo {
        func invalid(_ reason: String) -> SafeTensorsError {
            .invalidEntry(file: label, tensor: name, reason: reason)
        }
        guard case let .object(members) = entry else { throw invalid("entry is \(entry.typeWithArticle), not an object") }
        var fields: [String: JSONValue] = [:]
        for member in members { fields[member.key] = member.value }

        guard let dtypeValue = fields["dtype"] else { throw invalid("missing \"dtype\"") }
        guard case let .string(dtypeName) = dtypeValue else { throw invalid("\"dtype\" is \(dtypeValue.typeWithArticle), not a string") }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw SafeTensorsError.unknownDType(file: label, tensor: name, dtype: dtypeName)
        }

        guard let shapeValue = fields["shape"] else { throw invalid("missing \"shape\"") }
        guard case let .array(dims) = shapeValue else { throw invalid("\"shape\" is \(shapeValue.typeWithArticle), not an array") }
        var shape: [Int] = []
        shape.reserveCapacity(dims.count)
        for dim in dims {
            guard let n = dim.nonNegativeInt else {
                throw invalid("\"shape\" holds \(dim.summary), not a non-negative integer")
            }
            shape.append(n)
        }

        guard let offsetsValue = fields["data_offsets"] else { throw invalid("missing \"data_offsets\"") }
        guard case let .array(offsets) = offsetsValue, offsets.count == 2 else {
            throw invalid("\"data_offsets\" is not a [begin, end] pair")
        }
        guard let begin = offsets[0].nonNegativeInt, let end = offsets[1].nonNegativeInt else {
            throw invalid("\"data_offsets\" holds \(offsets[0].summary), \(offsets[1].summary), not non-negative integers")
        }
        guard begin <= end else { throw invalid("\"data_offsets\" begin \(begin) is after end \(end)") }

        var elements = 1
        for n in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: n)
            guard !overflow else { throw invalid("element count of shape \(shape) overflows") }
            elements = product
        }
        let (expectedBytes, overflow) = elements.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow else { throw invalid("byte size of shape \(shape) overflows") }
        guard expectedBytes == end - begin else {
            throw SafeTensorsError.sizeMismatch(file: label, tensor: name, expectedBytes: expectedBytes, actualBytes: end - begin)
        }
        guard end <= dataSize else {
            throw SafeTensorsError.offsetsOutOfBounds(file: label, tensor: name, end: end, dataSize: dataSize)
        }
        return TensorInfo(name: name, dtype: dtype, shape: shape, byteRange: begin..<end)
    }

    /// Rule 6: the tensors, sorted by `(begin, end, name)`, tile `0..<dataSize` exactly.
    private static func checkLayout(_ tensors: [TensorInfo], dataSize: Int, label: String) throws {
        let byOffset = tensors.sorted {
            if $0.byteRange.lowerBound != $1.byteRange.lowerBound { return $0.byteRange.lowerBound < $1.byteRange.lowerBound }
            if $0.byteRange.upperBound != $1.byteRange.upperBound { return $0.byteRange.upperBound < $1.byteRange.upperBound }
            return tensorNameOrder($0.name, $1.name)
        }
        var cursor = 0
        var previous: String?
        for t in byOffset {
            if t.byteRange.lowerBound < cursor, let previous {
                throw SafeTensorsError.overlappingTensors(file: label, first: previous, second: t.name)
            }
            if t.byteRange.lowerBound > cursor {
                throw SafeTensorsError.gapBeforeTensor(file: label, tensor: t.name, expectedOffset: cursor,
                                                       actualOffset: t.byteRange.lowerBound)
            }
            cursor = t.byteRange.upperBound
            previous = t.name
        }
        guard cursor == dataSize else {
            throw SafeTensorsError.trailingBytes(file: label, usedBytes: cursor, dataSize: dataSize)
        }
    }
}
