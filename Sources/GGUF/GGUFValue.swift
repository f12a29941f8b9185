/// The 13 metadata value types of GGUF (`enum gguf_metadata_value_type`, ggml `docs/gguf.md`), by their stored value.
public enum GGUFValueType: UInt32, CaseIterable, Sendable {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, bool = 7, string = 8,
         array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// Bytes of one value of a fixed-size type; nil for `string` and `array`.
    public var fixedSize: Int? {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .float32: return 4
        case .uint64, .int64, .float64: return 8
        case .string, .array: return nil
        }
    }

    /// The fewest bytes a value of this type can take: its fixed size, a string's 8-byte length, an array's 4-byte
    /// element type and 8-byte count. Used to bound counts before anything is allocated.
    var minimumEncodedSize: Int { fixedSize ?? (self == .string ? 8 : 12) }

    /// The type's name as the specification spells it (`uint32`, `string`, …).
    public var name: String {
        switch self {
        case .uint8: return "uint8"
        case .int8: return "int8"
        case .uint16: return "uint16"
        case .int16: return "int16"
        case .uint32: return "uint32"
        case .int32: return "int32"
        case .float32: return "float32"
        case .bool: return "bool"
        case .string: return "string"
        case .array: return "array"
        case .uint64: return "uint64"
        case .int64: return "int64"
        case .float64: return "float64"
        }
    }
}

/// One metadata value, exactly as stored (no widening: a `uint32` stays a `uint32`, so a file's types can be
/// reported). Arrays keep their element type, so an empty array is still typed; nested arrays are arrays of
/// `.array` values. Every element of an array read from a file has the array's element type.
public enum GGUFValue: Equatable, Sendable {
    case uint8(UInt8)
    case int8(Int8)
    case uint16(UInt16)
    case int16(Int16)
    case uint32(UInt32)
    case int32(Int32)
    case float32(Float)
    case bool(Bool)
    case string(String)
    case array(elementType: GGUFValueType, values: [GGUFValue])
    case uint64(UInt64)
    case int64(Int64)
    case float64(Double)

    /// The stored type.
    public var type: GGUFValueType {
        switch self {
        case .uint8: return .uint8
        case .int8: return .int8
        case .uint16: return .uint16
        case .int16: return .int16
        case .uint32: return .uint32
        case .int32: return .int32
        case .float32: return .float32
        case .bool: return .bool
        case .string: return .string
        case .array: return .array
        case .uint64: return .uint64
        case .int64: return .int64
        case .float64: return .float64
        }
    }

    /// The type in words for messages: `uint32`, or `array of string` for arrays.
    public var typeDescription: String {
        if case let .array(elementType, _) = self { return "array of \(elementType.name)" }
        return type.name
    }

    /// The value of any of the eight integer types, widened to `Int64` when it fits; nil for other types and for a
    /// `uint64` above `Int64.max`.
    public var integerValue: Int64? {
        switch self {
        case let .uint8(v): return Int64(v)
        case let .int8(v): return Int64(v)
        case let .uint16(v): return Int64(v)
        case let .int16(v): return Int64(v)
        case let .uint32(v): return Int64(v)
        case let .int32(v): return Int64(v)
        case let .uint64(v): return v <= UInt64(Int64.max) ? Int64(v) : nil
        case let .int64(v): return v
        default: return nil
        }
    }

    /// Whether this is one of the eight integer types.
    var isInteger: Bool { Self.isIntegerType(type) }
}
