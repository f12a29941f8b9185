/// `JSONValue` through Swift's `Codable`, so a type holding JSON values can be nested in synthesized `Codable`
/// types (Experiments' `RunConfig`, `ResolvedSpec`) and still be written and read in its own JSON shape.
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
