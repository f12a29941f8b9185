/// The metadata key/value pairs of a GGUF file, in file order, with typed accessors that throw `GGUFError`
/// naming the file and the key.
///
/// The accessors widen but never convert: `int` reads any of the eight integer types (the specification asks readers to
/// accept `uint32` where `uint64` is documented, and vice versa), `float` reads `float32` or `float64`, and a string is
/// never parsed as a number.
public struct GGUFMetadata: Equatable, Sendable {
    /// The file path or label, for error messages.
    public let label: String
    /// The keys in the order the file stores them.
    public let keys: [String]
    private let values: [String: GGUFValue]

    /// Metadata built in memory (keys in byte-wise UTF-8 order); `label` names it in error messages.
    public init(_ values: [String: GGUFValue], label: String) {
        self.label = label
        self.values = values
        self.keys = values.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Metadata read from a file: `entries` in file order, keys already checked to be unique.
    init(orderedEntries entries: [(key: String, value: GGUFValue)], label: String) {
        self.label = label
        self.keys = entries.map(\.key)
        var values: [String: GGUFValue] = [:]
        values.reserveCapacity(entries.count)
        for entry in entries { values[entry.key] = entry.value }
        self.values = values
    }

    /// The number of key/value pairs.
    public var count: Int { keys.count }

    /// The value of `key`, or nil.
    public subscript(key: String) -> GGUFValue? { values[key] }

    /// Whether the metadata holds `key`.
    public func contains(_ key: String) -> Bool { values[key] != nil }

    /// The value of `key`; throws `missingKey`.
    public func value(_ key: String) throws -> GGUFValue {
        guard let value = values[key] else { throw GGUFError.missingKey(file: label, key: key) }
        return value
    }

    /// A `string` value.
    public func string(_ key: String) throws -> String {
        let v = try value(key)
        guard case let .string(s) = v else { throw wrongType(key, v, expected: "string") }
        return s
    }

    /// A `bool` value.
    public func bool(_ key: String) throws -> Bool {
        let v = try value(key)
        guard case let .bool(b) = v else { throw wrongType(key, v, expected: "bool") }
        return b
    }

    /// A value of any integer type as `Int`; throws `valueOutOfRange` for a `uint64` above `Int.max`.
    public func int(_ key: String) throws -> Int {
        let v = try value(key)
        return try integer(v, key: key)
    }

    /// A `float32` or `float64` value (a `float32` is widened exactly).
    public func float(_ key: String) throws -> Double {
        let v = try value(key)
        switch v {
        case let .float32(f): return Double(f)
        case let .float64(d): return d
        default: throw wrongType(key, v, expected: "float32 or float64")
        }
    }

    /// An array of `string`.
    public func strings(_ key: String) throws -> [String] {
        let v = try value(key)
        guard case let .array(.string, elements) = v else { throw wrongType(key, v, expected: "array of string") }
        return try elements.map { element -> String in
            // Only metadata built in memory can hold a mistyped element; a file's arrays are homogeneous.
            guard case let .string(s) = element else { throw wrongType(key, element, expected: "string elements") }
            return s
        }
    }

    /// An array of any one integer type, as `Int`s.
    public func ints(_ key: String) throws -> [Int] {
        let v = try value(key)
        guard case let .array(elementType, elements) = v, GGUFValue.isIntegerType(elementType) else {
            throw wrongType(key, v, expected: "array of an integer type")
        }
        return try elements.map { try integer($0, key: key) }
    }

    private func integer(_ v: GGUFValue, key: String) throws -> Int {
        guard v.isInteger else { throw wrongType(key, v, expected: "an integer type") }
        guard let wide = v.integerValue, let n = Int(exactly: wide) else {
            let shown: String
            if case let .uint64(u) = v { shown = "uint64 \(u)" } else { shown = "\(v)" }
            throw GGUFError.valueOutOfRange(file: label, key: key, value: shown, range: "\(Int.min)...\(Int.max)")
        }
        return n
    }

    private func wrongType(_ key: String, _ v: GGUFValue, expected: String) -> GGUFError {
        .wrongValueType(file: label, key: key, found: v.typeDescription, expected: expected)
    }
}

extension GGUFValue {
    static func isIntegerType(_ type: GGUFValueType) -> Bool {
        switch type {
        case .uint8, .int8, .uint16, .int16, .uint32, .int32, .uint64, .int64: return true
        default: return false
        }
    }
}
