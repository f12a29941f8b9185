import Support

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
}
