/// A parsed JSON document that keeps everything a strict reader needs and `JSONSerialization` loses:
/// object key order (members are an array, in document order), the literal text of numbers (so `32`, `32.0` and
/// `1e3` stay distinguishable, and `true` is never `1`), and `true`/`false`/`null` as their own cases.
///
/// `JSONParser` produces it and never merges duplicate keys (it rejects them), so a parsed object's keys are unique.
public enum JSONValue: Equatable, Sendable {
    case object([JSONMember])
    case array([JSONValue])
    case string(String)
    case number(JSONNumber)
    case bool(Bool)
    case null

    /// The member `key` of an object (the first, if a hand-built object repeats it); nil for an absent key or a
    /// value that is not an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }
}

/// One `"key": value` of an object, in document order.
public struct JSONMember: Equatable, Sendable {
    public var key: String
    public var value: JSONValue
    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// A JSON number, kept as its literal text.
///
/// Two numbers are equal when their literals are equal: `32` and `32.0` differ. `value` is derived from the
/// literal, so the parser never converts a number nobody reads as a `Double`.
public struct JSONNumber: Equatable, Sendable {
    /// The text as it appeared in the document (`32`, `-0`, `32.0`, `1e-3`).
    public var literal: String

    /// A number with the given literal, which must follow the JSON number grammar
    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` (not checked).
    public init(literal: String) { self.literal = literal }

    /// A number with its literal and its value, which must agree (`Double(literal) == value`; checked).
    public init(literal: String, value: Double) {
        precondition(Double(literal) == value, "JSONNumber: literal \(literal) does not have the value \(value)")
        self.init(literal: literal)
    }

    public init(_ int: Int) { self.init(literal: String(int)) }
    public init(_ int: UInt64) { self.init(literal: String(int)) }
    /// A finite double, written in Swift's shortest round-trip form (`1.0`, `0.001`, `1e-05`).
    public init(_ double: Double) {
        precondition(double.isFinite, "JSON numbers are finite")
        self.init(literal: double.description)
    }

    /// The value as the nearest `Double` (±infinity when the literal's magnitude is too large for a `Double`).
    public var value: Double { Double(literal) ?? .nan }

    /// True when the literal has no fraction and no exponent: `32`, `-4`, `-0`, but not `32.0` or `1e3`.
    public var isIntegerLiteral: Bool {
        !literal.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }
}

extension JSONValue {
    /// `string` as a JSON string literal: in double quotes, with `"` and `\` escaped, U+0008, U+0009, U+000A,
    /// U+000C and U+000D written `\b`, `\t`, `\n`, `\f`, `\r`, the other control characters below U+0020 written
    /// `\u00XX` (lowercase hex), and everything else, `/` and non-ASCII included, as is (UTF-8 when encoded).
    /// These are the Hugging Face safetensors writer's choices; the result parses back to `string`.
    public static func quoted(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
