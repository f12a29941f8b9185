import Foundation

/// `JSONValue` through Swift's `Codable`, so spec types can be nested in synthesized `Codable` types
/// (`RunConfig`, `ResolvedSpec`) and still be written and read in the spec's own JSON shape.
///
/// Decoding through a `Decoder` cannot see literal text: a number that decodes as a 64-bit integer becomes an
/// integer literal, anything else a double. Key order of objects read this way is sorted, not document order.
extension JSONValue: Codable {
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        if let keyed = try? decoder.container(keyedBy: Key.self) {
            var members: [JSONMember] = []
            for k in keyed.allKeys.sorted(by: { $0.stringValue.utf8.lexicographicallyPrecedes($1.stringValue.utf8) }) {
                members.append(JSONMember(k.stringValue, try keyed.decode(JSONValue.self, forKey: k)))
            }
            self = .object(members)
            return
        }
        if var unkeyed = try? decoder.unkeyedContainer() {
            var elements: [JSONValue] = []
            while !unkeyed.isAtEnd { elements.append(try unkeyed.decode(JSONValue.self)) }
            self = .array(elements)
            return
        }
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .number(JSONNumber(Int(i))) }
        else if let u = try? c.decode(UInt64.self) { self = .number(JSONNumber(u)) }
        else if let d = try? c.decode(Double.self) { self = .number(JSONNumber(d)) }
        else { self = .string(try c.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .object(let members):
            var c = encoder.container(keyedBy: Key.self)
            for m in members { try c.encode(m.value, forKey: Key(m.key)) }
        case .array(let elements):
            var c = encoder.unkeyedContainer()
            for e in elements { try c.encode(e) }
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .number(let n):
            var c = encoder.singleValueContainer()
            if n.isIntegerLiteral, let i = Int64(n.literal) { try c.encode(i) }
            else if n.isIntegerLiteral, let u = UInt64(n.literal) { try c.encode(u) }
            else { try c.encode(n.value) }
        }
    }
}

/// A spec section that reads itself strictly from a `JSONReader` and writes itself as a `JSONValue` in the
/// spec's JSON shape (every default explicit). Its `Codable` conformance goes through those two, so
/// `JSONEncoder` output of any spec section is valid spec JSON and decodes back to an equal value.
public protocol SpecSection: Codable, Equatable, Sendable {
    /// Reads the section strictly; throws `SpecError`.
    init(reading reader: JSONReader) throws
    /// The section in spec JSON, with every default written out.
    var json: JSONValue { get }
}

extension SpecSection {
    public init(from decoder: Decoder) throws {
        let value = try JSONValue(from: decoder)
        do {
            self = try Self(reading: JSONReader(root: value, file: "(decoded \(Self.self))"))
        } catch let e as SpecError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: e.description, underlyingError: e))
        }
    }

    public func encode(to encoder: Encoder) throws { try json.encode(to: encoder) }
}

/// Builders for spec JSON.
extension JSONValue {
    static func int(_ i: Int) -> JSONValue { .number(JSONNumber(i)) }
    static func uint(_ u: UInt64) -> JSONValue { .number(JSONNumber(u)) }
    static func double(_ d: Double) -> JSONValue { .number(JSONNumber(d)) }
    static func optional<T>(_ v: T?, _ make: (T) -> JSONValue) -> JSONValue { v.map(make) ?? .null }
    static func strings<S: Sequence>(_ s: S) -> JSONValue where S.Element == String { .array(s.map { .string($0) }) }
    static func ints(_ s: [Int]) -> JSONValue { .array(s.map { .int($0) }) }

    /// The member `key` of an object, if any.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }
}
