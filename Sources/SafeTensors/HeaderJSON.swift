/// A JSON value as it appears in a safetensors header.
///
/// The header is parsed by this small strict RFC 8259 parser rather than `JSONSerialization` so that the reader
/// can (a) reject duplicate keys, which `JSONSerialization` silently collapses (a duplicated tensor name would
/// otherwise make one tensor invisible), and (b) see numbers as written, so `2.0`, `1e3` or `-1` are never
/// accepted where the format wants a non-negative integer.
enum HeaderJSON {
    /// One key-value pair of an object.
    struct Member {
        let key: String
        let value: HeaderJSON
    }

    /// Members in the order written (keys are unique: the parser rejects duplicates).
    case object([Member])
    case array([HeaderJSON])
    case string(String)
    /// The number's literal text, already checked against the JSON number grammar.
    case number(String)
    case bool(Bool)
    case null

    /// A short name of the value's JSON type, for error messages.
    var typeName: String {
        switch self {
        case .object: return "object"
        case .array: return "array"
        case .string: return "string"
        case .number: return "number"
        case .bool: return "boolean"
        case .null: return "null"
        }
    }

    /// The type name with its article ("an object", "a number", "null"), for error messages.
    var typeWithArticle: String {
        switch self {
        case .object, .array: return "an \(typeName)"
        case .null: return "null"
        default: return "a \(typeName)"
        }
    }

    /// The value for an error message: a number or string as written, otherwise its type.
    var summary: String {
        switch self {
        case let .number(text): return text
        case let .string(s): return "\"\(s)\""
        case let .bool(b): return b ? "true" : "false"
        default: return typeName
        }
    }

    /// The value as a non-negative integer that fits `Int`, or nil (negative, fractional, exponent, too large,
    /// or not a number).
    var nonNegativeInt: Int? {
        guard case let .number(text) = self, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        return Int(text)
    }
}

/// Why the header text is not acceptable JSON.
struct HeaderJSONSyntaxError: Error {
    let reason: String
}

/// Recursive-descent parser over the header's bytes (already validated as UTF-8 by the caller).
struct HeaderJSONParser {
    /// Deeper nesting than this is rejected (a real header nests 3 levels); bounds the recursion.
    static let maxDepth = 64

    private let bytes: [UInt8]
    private var pos = 0
    private var depth = 0

    /// Parses a complete document: one value surrounded only by JSON whitespace (the format pads headers with
    /// trailing spaces).
    static func parse(_ text: String) throws -> HeaderJSON {
        var parser = HeaderJSONParser(text: text)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        if parser.pos != parser.bytes.count {
            throw parser.failure("unexpected data after the top-level value")
        }
        return value
    }

    private init(text: String) {
        self.bytes = Array(text.utf8)
    }

    private func failure(_ reason: String) -> HeaderJSONSyntaxError {
        HeaderJSONSyntaxError(reason: "\(reason) at byte \(pos) of the header")
    }

    private mutating func skipWhitespace() {
        while pos < bytes.count, bytes[pos] == 0x20 || bytes[pos] == 0x09 || bytes[pos] == 0x0A || bytes[pos] == 0x0D {
            pos += 1
        }
    }

    private mutating func parseValue() throws -> HeaderJSON {
        guard pos < bytes.count else { throw failure("unexpected end of header") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw failure("unexpected character")
        }
    }

    private mutating func enter() throws {
        depth += 1
        if depth > Self.maxDepth { throw failure("nesting deeper than \(Self.maxDepth)") }
    }

    private mutating func parseObject() throws -> HeaderJSON {
        try enter()
        defer { depth -= 1 }
        pos += 1  // {
        var members: [HeaderJSON.Member] = []
        var seen = Set<String>()
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw failure("expected a string key") }
            let key = try parseString()
            guard seen.insert(key).inserted else { throw failure("duplicate key \"\(key)\"") }
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw failure("expected ':'") }
            pos += 1
            skipWhitespace()
            members.append(HeaderJSON.Member(key: key, value: try parseValue()))
            skipWhitespace()
            guard pos < bytes.count else { throw failure("unterminated object") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
            throw failure("expected ',' or '}'")
        }
    }

    private mutating func parseArray() throws -> HeaderJSON {
        try enter()
        defer { depth -= 1 }
        pos += 1  // [
        var elements: [HeaderJSON] = []
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard pos < bytes.count else { throw failure("unterminated array") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(elements) }
            throw failure("expected ',' or ']'")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws {
        let count = literal.utf8CodeUnitCount
        guard pos + count <= bytes.count else { throw failure("invalid literal") }
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        for k in 0..<count where bytes[pos + k] != expected[k] { throw failure("invalid literal") }
        pos += count
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func parseNumber() throws -> HeaderJSON {
        let start = pos
        func digits() -> Int {
            let from = pos
            while pos < bytes.count, bytes[pos] >= 0x30, bytes[pos] <= 0x39 { pos += 1 }
            return pos - from
        }
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < bytes.count, bytes[pos] >= 0x30, bytes[pos] <= 0x39 else { throw failure("invalid number") }
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
            if pos < bytes.count, bytes[pos] >= 0x30, bytes[pos] <= 0x39 { throw failure("number with a leading zero") }
        } else {
            _ = digits()
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            guard digits() > 0 else { throw failure("invalid number") }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard digits() > 0 else { throw failure("invalid number") }
        }
        return .number(String(decoding: bytes[start..<pos], as: UTF8.self))
    }

    private mutating func parseString() throws -> String {
        pos += 1  // opening quote
        var out: [UInt8] = []
        while true {
            guard pos < bytes.count else { throw failure("unterminated string") }
            let b = bytes[pos]
            switch b {
            case UInt8(ascii: "\""):
                pos += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                pos += 1
                guard pos < bytes.count else { throw failure("unterminated escape") }
                let e = bytes[pos]
                pos += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"): out.append(contentsOf: try parseUnicodeEscape())
                default: throw failure("invalid escape")
                }
            case 0x00..<0x20:
                throw failure("unescaped control character in string")
            default:
                out.append(b)
                pos += 1
            }
        }
    }

    /// After `\u`: four hex digits, combined with a following `\uDC00-\uDFFF` when they are a high surrogate.
    /// Lone surrogates are rejected (they have no UTF-8 encoding).
    private mutating func parseUnicodeEscape() throws -> [UInt8] {
        var scalarValue = try hex4()
        if (0xD800..<0xDC00).contains(scalarValue) {
            guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                throw failure("unpaired surrogate in \\u escape")
            }
            pos += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate in \\u escape") }
            scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00..<0xE000).contains(scalarValue) {
            throw failure("unpaired surrogate in \\u escape")
        }
        guard let scalar = Unicode.Scalar(scalarValue) else { throw failure("invalid \\u escape") }
        return Array(String(Character(scalar)).utf8)
    }

    private mutating func hex4() throws -> UInt32 {
        guard pos + 4 <= bytes.count else { throw failure("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[pos]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: throw failure("invalid hex digit in \\u escape")
            }
            v = v << 4 | UInt32(d)
            pos += 1
        }
        return v
    }
}
