/// Reading one metadata value of a known type (`gguf_metadata_value_t`): fixed-size scalars little-endian, strings
/// as a `uint64` length and UTF-8 bytes, arrays as a `uint32` element type, a `uint64` count and the elements.
extension GGUFFile {
    static func readValue(_ cursor: inout ByteCursor, type: GGUFValueType, key: String, depth: Int) throws -> GGUFValue {
        let offset = cursor.offset
        func field() -> String { "\(type.name) value of '\(key)'" }
        switch type {
        case .uint8: return .uint8(try cursor.read(UInt8.self, field()))
        case .int8: return .int8(try cursor.read(Int8.self, field()))
        case .uint16: return .uint16(try cursor.read(UInt16.self, field()))
        case .int16: return .int16(try cursor.read(Int16.self, field()))
        case .uint32: return .uint32(try cursor.read(UInt32.self, field()))
        case .int32: return .int32(try cursor.read(Int32.self, field()))
        case .uint64: return .uint64(try cursor.read(UInt64.self, field()))
        case .int64: return .int64(try cursor.read(Int64.self, field()))
        case .float32: return .float32(Float(bitPattern: try cursor.read(UInt32.self, field())))
        case .float64: return .float64(Double(bitPattern: try cursor.read(UInt64.self, field())))
        case .bool:
            let byte = try cursor.read(UInt8.self, field())
            guard byte <= 1 else {
                throw GGUFError.invalidValue(file: cursor.label, key: key, offset: offset, reason: "bool byte \(byte), expected 0 or 1")
            }
            return .bool(byte == 1)
        case .string:
            let bytes = try cursor.readStringBytes(field())
            guard let s = String(validatingUTF8Bytes: bytes) else {
                throw GGUFError.invalidValue(file: cursor.label, key: key, offset: offset, reason: "the string is not valid UTF-8")
            }
            return .string(s)
        case .array:
            return try readArray(&cursor, key: key, depth: depth + 1)
        }
    }

    private static func readArray(_ cursor: inout ByteCursor, key: String, depth: Int) throws -> GGUFValue {
        let offset = cursor.offset
        guard depth <= maxArrayDepth else {
            throw GGUFError.invalidValue(file: cursor.label, key: key, offset: offset,
                                         reason: "arrays nested deeper than \(maxArrayDepth)")
        }
        let rawType = try cursor.read(UInt32.self, "array element type of '\(key)'")
        guard let elementType = GGUFValueType(rawValue: rawType) else {
            throw GGUFError.unknownValueType(file: cursor.label, key: key, offset: offset, type: rawType)
        }
        let count = try readCount(&cursor, field: "array length of '\(key)'", minimumItemSize: elementType.minimumEncodedSize)
        var values: [GGUFValue] = []
        values.reserveCapacity(count)
        for _ in 0..<count {
            values.append(try readValue(&cursor, type: elementType, key: key, depth: depth))
        }
        return .array(elementType: elementType, values: values)
    }
}
