import Support

/// A JSONL line's value as the dataset reader sees it: parsed by the project's strict parser
/// (`Support.JSONParser`), then classified so that integers, non-integer numbers, booleans and null stay distinct
/// (`1` is a label, `1.0` is not), with objects as dictionaries (keys are unique: duplicates are rejected).
/// Errors say exactly what is wrong and where (1-based byte column).
enum JSONValue: Equatable {
    case string(String)
    /// An integer literal (no fraction or exponent), as written.
    case integer(String)
    /// Any other number literal, as written.
    case number(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    /// The JSON type name used in error messages.
    var typeName: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .number: return "a non-integer number"
        case .bool: return "a boolean"
        case .null: return "null"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    struct ParseError: Error { let reason: String }

    /// A line's rules: values nested at most 256 deep (scalars count), no byte-order mark (the file's is removed
    /// by `UserDataset.lines`), a literal ends after its last letter and a number after a leading `0` (the next
    /// byte is then unexpected), any number literal kept, a duplicate key reported after its value.
    static let options = JSONParser.Options(nestingLimit: .values(256), skipsByteOrderMark: false,
                                            literalsEndAtWordBoundary: false, rejectsLeadingZeros: false,
                                            rejectsOutOfRangeNumbers: false, duplicateKeyCheck: .afterValue)

    /// Parses exactly one value surrounded by optional whitespace. `bytes` must be valid UTF-8 (the reader checks
    /// each line first and reports `invalidUTF8`).
    static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws -> JSONValue {
        do throws(JSONSyntaxError) {
            return JSONValue(try JSONParser.parse(bytes, options: options))
        } catch {
            let reason = bytes.withContiguousStorageIfAvailable { reasonText(error, $0) } ?? reasonText(error, Array(bytes))
            throw ParseError(reason: reason)
        }
    }

    /// The classification of a parsed value.
    init(_ value: Support.JSONValue) {
        switch value {
        case .string(let s): self = .string(s)
        case .number(let n): self = n.isIntegerLiteral ? .integer(n.literal) : .number(n.literal)
        case .bool(let b): self = .bool(b)
        case .null: self = .null
        case .array(let elements): self = .array(elements.map(JSONValue.init))
        case .object(let members):
            self = .object(Dictionary(uniqueKeysWithValues: members.lazy.map { ($0.key, JSONValue($0.value)) }))
        }
    }

    private static func reasonText(_ e: JSONSyntaxError, _ bytes: some RandomAccessCollection<UInt8>) -> String {
        /// The byte at `at` (0-based) and its 1-based column, or the end of the line.
        func describe(_ at: Int) -> String {
            guard at < bytes.count else { return "end of line" }
            let b = bytes[bytes.index(bytes.startIndex, offsetBy: at)]
            let ch = b >= 0x20 && b < 0x7F ? "'\(Character(UnicodeScalar(b)))'" : "byte 0x" + (b < 0x10 ? "0" : "") + String(b, radix: 16, uppercase: true)
            return "\(ch) at column \(at + 1)"
        }
        let unexpected = "unexpected \(describe(e.offset))"
        switch e.kind {
        case .emptyInput, .expectedValue, .invalidLiteral: return "\(unexpected), expected a value"
        case .trailingComma:
            let bracket = bytes[bytes.index(bytes.startIndex, offsetBy: e.offset)]
            return bracket == UInt8(ascii: "}") ? "\(unexpected), expected a quoted key" : "\(unexpected), expected a value"
        case .expectedKey: return "\(unexpected), expected a quoted key"
        case .expectedColon: return "\(unexpected), expected ':'"
        case .expectedCommaOrObjectEnd: return "\(unexpected), expected ',' or '}'"
        case .expectedCommaOrArrayEnd: return "\(unexpected), expected ',' or ']'"
        case .unexpectedDataAfterValue: return "\(unexpected) after the JSON value"
        case .nestingTooDeep: return "nesting deeper than 256 at column \(e.offset + 1)"
        case .expectedDigit, .leadingZero, .numberOutOfRange: return "invalid number: \(describe(e.offset))"  // the last two are not raised
        case .unterminatedString, .unterminatedEscape: return "unterminated string starting at column \(e.offset + 1)"
        case .controlCharacterInString: return "unescaped control character \(describe(e.offset)) in a string"
        case .invalidEscape: return "invalid escape \(describe(e.offset + 1))"
        case .truncatedUnicodeEscape: return "truncated \\u escape at column \(e.stop - 1)"
        case .invalidHexDigit: return "invalid \\u escape: \(describe(e.stop))"
        case .unpairedSurrogate(let unit): return "unpaired surrogate \\u\(String(unit, radix: 16)) at column \(e.offset + 1)"
        case .invalidUTF8: return "invalid UTF-8 in the string starting at column \(e.offset + 1)"  // not raised: lines are checked first
        case .duplicateKey(let key, _): return "duplicate key \"\(key)\" at column \(e.offset + 1)"
        }
    }
}
