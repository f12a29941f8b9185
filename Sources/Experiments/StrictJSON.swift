import Foundation

/// A parsed JSON document that keeps everything a strict spec reader needs and `JSONSerialization` loses:
/// object key order, the literal text of numbers (so `32` and `32.0` differ, and `true` is never `1`),
/// and no silently merged duplicate keys (the parser rejects them).
public enum JSONValue: Equatable, Sendable {
    case object([JSONMember])
    case array([JSONValue])
    case string(String)
    case number(JSONNumber)
    case bool(Bool)
    case null
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

/// A JSON number: its literal text as written, and its value.
public struct JSONNumber: Equatable, Sendable {
    /// The text as it appeared in the document (`32`, `32.0`, `1e-3`).
    public var literal: String
    /// The value as a (finite) double.
    public var value: Double

    /// A number read from a document; `literal` must follow the JSON number grammar.
    public init(literal: String, value: Double) {
        self.literal = literal
        self.value = value
    }

    public init(_ int: Int) { self.init(literal: String(int), value: Double(int)) }
    public init(_ int: UInt64) { self.init(literal: String(int), value: Double(int)) }
    /// A finite double, written in Swift's shortest round-trip form (`1.0`, `0.001`, `1e-05`).
    public init(_ double: Double) {
        precondition(double.isFinite, "JSON numbers are finite")
        self.init(literal: double.description, value: double)
    }

    /// True when the literal has no fraction and no exponent: `32`, `-4`, but not `32.0` or `1e3`.
    public var isIntegerLiteral: Bool { !literal.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) }
}

/// The project's strict JSON parser (RFC 8259, nothing more): no comments, no trailing commas, no
/// duplicate keys, no NaN/Infinity, valid UTF-8 only. A leading UTF-8 byte-order mark is skipped.
///
/// Syntax errors are reported as a `SpecError` located by byte: `specs/x.json: byte 231 (line 12, column 5):
/// expected ',' or '}' after the value of 'steps', found '"'`. Bytes are counted from 0; lines and columns
/// from 1 (columns in bytes). A duplicate key is reported at the JSON path of the object that holds it.
public enum StrictJSON {
    /// Deepest nesting accepted (guards the recursive descent against stack exhaustion).
    public static let maximumDepth = 512

    /// Parses a whole document; `file` only labels errors.
    public static func parse(_ data: Data, file: String) throws -> JSONValue {
        var parser = StrictJSONParser(bytes: [UInt8](data), file: file)
        return try parser.parseDocument()
    }

    /// Parses a whole document given as text.
    public static func parse(_ text: String, file: String) throws -> JSONValue {
        try parse(Data(text.utf8), file: file)
    }
}

/// Recursive-descent parser over UTF-8 bytes; tracks the JSON path of the value being read.
struct StrictJSONParser {
    let bytes: [UInt8]
    let file: String
    var i = 0
    var path = JSONPath()

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    mutating func parseDocument() throws -> JSONValue {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        skipWhitespace()
        if i == bytes.count { throw syntax("expected a JSON value, found the end of the file (the file is empty)") }
        let value = try parseValue(depth: 0)
        skipWhitespace()
        if i < bytes.count { throw syntax("unexpected \(describe(at: i)) after the end of the JSON value") }
        return value
    }

    // MARK: values

    mutating func parseValue(depth: Int) throws -> JSONValue {
        guard depth < StrictJSON.maximumDepth else { throw syntax("nesting deeper than \(StrictJSON.maximumDepth) levels") }
        guard i < bytes.count else { throw syntax("expected a JSON value, found the end of the file") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case UInt8(ascii: "/"): throw syntax("comments are not allowed in JSON")
        case UInt8(ascii: "'"): throw syntax("strings must use double quotes")
        default:
            if bytes[i].isASCIILetter {
                throw syntax("unexpected word '\(wordAt(i))' (strings must be in double quotes; the literals are true, false and null)")
            }
            throw syntax("expected a JSON value, found \(describe(at: i))")
        }
    }

    mutating func parseObject(depth: Int) throws -> JSONValue {
        i += 1  // {
        var members: [JSONMember] = []
        var firstOffset: [String: Int] = [:]
        skipWhitespace()
        if peek(UInt8(ascii: "}")) { i += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard i < bytes.count else { throw syntax("expected a key in double quotes, found the end of the file") }
            if bytes[i] == UInt8(ascii: "}") && !members.isEmpty { throw syntax("trailing comma before '}' is not allowed in JSON") }
            guard bytes[i] == UInt8(ascii: "\"") else {
                if bytes[i] == UInt8(ascii: "/") { throw syntax("comments are not allowed in JSON") }
                throw syntax("expected a key in double quotes, found \(describe(at: i))")
            }
            let keyOffset = i
            let key = try parseString()
            if let first = firstOffset[key] {
                throw SpecError(file: file, path: path, reason: "duplicate key '\(key)' (at bytes \(first) and \(keyOffset))")
            }
            firstOffset[key] = keyOffset
            skipWhitespace()
            guard peek(UInt8(ascii: ":")) else { throw syntax("expected ':' after the key '\(key)', found \(describe(at: i))") }
            i += 1
            skipWhitespace()
            path.append(.key(key))
            let value = try parseValue(depth: depth + 1)
            path.removeLast()
            members.append(JSONMember(key, value))
            skipWhitespace()
            if peek(UInt8(ascii: ",")) { i += 1; continue }
            if peek(UInt8(ascii: "}")) { i += 1; return .object(members) }
            throw syntax("expected ',' or '}' after the value of '\(key)', found \(describe(at: i))")
        }
    }

    mutating func parseArray(depth: Int) throws -> JSONValue {
        i += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek(UInt8(ascii: "]")) { i += 1; return .array(elements) }
        while true {
            skipWhitespace()
            if peek(UInt8(ascii: "]")) && !elements.isEmpty { throw syntax("trailing comma before ']' is not allowed in JSON") }
            path.append(.index(elements.count))
            elements.append(try parseValue(depth: depth + 1))
            path.removeLast()
            skipWhitespace()
            if peek(UInt8(ascii: ",")) { i += 1; continue }
            if peek(UInt8(ascii: "]")) { i += 1; return .array(elements) }
            throw syntax("expected ',' or ']' after an array element, found \(describe(at: i))")
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, finite.
    mutating func parseNumber() throws -> JSONNumber {
        let start = i
        if peek(UInt8(ascii: "-")) { i += 1 }
        guard i < bytes.count, bytes[i].isDigit else { throw syntax("expected a digit after '-'") }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if i < bytes.count, bytes[i].isDigit { throw syntax("numbers must not have leading zeros", at: start) }
        } else {
            while i < bytes.count, bytes[i].isDigit { i += 1 }
        }
        if peek(UInt8(ascii: ".")) {
            i += 1
            guard i < bytes.count, bytes[i].isDigit else { throw syntax("expected a digit after the decimal point") }
            while i < bytes.count, bytes[i].isDigit { i += 1 }
        }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            i += 1
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { i += 1 }
            guard i < bytes.count, bytes[i].isDigit else { throw syntax("expected a digit in the exponent") }
            while i < bytes.count, bytes[i].isDigit { i += 1 }
        }
        let literal = String(decoding: bytes[start..<i], as: UTF8.self)
        guard let value = Double(literal), value.isFinite else {
            throw syntax("the number \(literal) is out of range", at: start)
        }
        return JSONNumber(literal: literal, value: value)
    }

    mutating func parseString() throws -> String {
        let start = i
        i += 1  // "
        var out: [UInt8] = []
        while true {
            guard i < bytes.count else { throw syntax("unterminated string (missing closing '\"')", at: start) }
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "\""):
                i += 1
                guard let s = String(validating: out, as: UTF8.self) else {
                    throw syntax("the string is not valid UTF-8", at: start)
                }
                return s
            case UInt8(ascii: "\\"):
                i += 1
                guard i < bytes.count else { throw syntax("unterminated string (missing closing '\"')", at: start) }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"): out.append(contentsOf: try parseUnicodeEscape())
                default: throw syntax("invalid escape '\\\(Character(Unicode.Scalar(e)))' in a string", at: i - 2)
                }
            case 0..<0x20:
                throw syntax("control character 0x\(String(b, radix: 16, uppercase: true)) in a string (write it as an escape such as \\n)")
            default:
                out.append(b)
                i += 1
            }
        }
    }

    /// After `\u`: four hex digits, or a surrogate pair `\uD83D\uDE00`; returns the UTF-8 bytes.
    mutating func parseUnicodeEscape() throws -> [UInt8] {
        let escapeStart = i - 2
        func hex4() throws -> UInt32 {
            guard i + 4 <= bytes.count else { throw syntax("expected four hex digits after \\u", at: escapeStart) }
            var v: UInt32 = 0
            for k in 0..<4 {
                guard let d = bytes[i + k].hexValue else { throw syntax("expected four hex digits after \\u", at: escapeStart) }
                v = v << 4 | d
            }
            i += 4
            return v
        }
        var scalar = try hex4()
        if (0xD800..<0xDC00).contains(scalar) {
            guard i + 2 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                throw syntax("unpaired surrogate in a \\u escape", at: escapeStart)
            }
            i += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw syntax("unpaired surrogate in a \\u escape", at: escapeStart) }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00..<0xE000).contains(scalar) {
            throw syntax("unpaired surrogate in a \\u escape", at: escapeStart)
        }
        return Array(String(Character(Unicode.Scalar(scalar)!)).utf8)
    }

    // MARK: helpers

    mutating func expectWord(_ word: String) throws {
        let w = Array(word.utf8)
        guard bytes.count - i >= w.count, Array(bytes[i..<(i + w.count)]) == w,
              i + w.count == bytes.count || !bytes[i + w.count].isASCIILetter else {
            throw syntax("unexpected word '\(wordAt(i))' (strings must be in double quotes; the literals are true, false and null)")
        }
        i += w.count
    }

    mutating func skipWhitespace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
    }

    func peek(_ b: UInt8) -> Bool { i < bytes.count && bytes[i] == b }

    func wordAt(_ k: Int) -> String {
        var e = k
        while e < bytes.count, e - k < 40, bytes[e].isASCIILetter || bytes[e].isDigit || bytes[e] == UInt8(ascii: "_") { e += 1 }
        return String(decoding: bytes[k..<max(e, k + 1)], as: UTF8.self)
    }

    func describe(at k: Int) -> String {
        guard k < bytes.count else { return "the end of the file" }
        let b = bytes[k]
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(String(b, radix: 16, uppercase: true))"
    }

    func syntax(_ reason: String, at offset: Int? = nil) -> SpecError {
        let o = min(offset ?? i, bytes.count)
        var line = 1
        var lineStart = 0
        for k in 0..<o where bytes[k] == 0x0A { line += 1; lineStart = k + 1 }
        return SpecError(file: file, byteOffset: o, line: line, column: o - lineStart + 1, reason: reason)
    }
}

private extension UInt8 {
    var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    var isASCIILetter: Bool { (self | 0x20) >= UInt8(ascii: "a") && (self | 0x20) <= UInt8(ascii: "z") }
    var hexValue: UInt32? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(self - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(self - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(self - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }
}
