import Foundation
import Support

/// The safetensors header is parsed by the project's strict parser (`Support.JSONParser`) rather than
/// `JSONSerialization` so that the reader can (a) reject duplicate keys, which `JSONSerialization` silently
/// collapses (a duplicated tensor name would otherwise make one tensor invisible), and (b) see numbers as written,
/// so `2.0`, `1e3` or `-1` are never accepted where the format wants a non-negative integer.
enum HeaderJSON {
    /// The header's rules: arrays/objects nested at most 64 deep (a real header nests 3; scalars do not count),
    /// no byte-order mark, leading zeros rejected, any number literal kept (only integers are ever read), a
    /// duplicate key reported as soon as it is read. The caller checks UTF-8 over the whole header first.
    static let options = JSONParser.Options(nestingLimit: .containers(64), skipsByteOrderMark: false,
                                            literalsEndAtWordBoundary: false, rejectsLeadingZeros: true,
                                            rejectsOutOfRangeNumbers: false, duplicateKeyCheck: .atKey)

    /// Parses the header bytes: first the whole header must be UTF-8 (`header is not valid UTF-8`), then strict
    /// JSON; a syntax error's reason is `"<what> at byte <n> of the header"`, `n` being where the parser stopped.
    static func parse(_ header: UnsafeRawBufferPointer, label: String) throws(SafeTensorsError) -> JSONValue {
        guard String(validating: header, as: UTF8.self) != nil else {
            throw .invalidHeaderJSON(file: label, reason: "header is not valid UTF-8")
        }
        do throws(JSONSyntaxError) {
            return try JSONParser.parse(header, options: options)
        } catch {
            throw .invalidHeaderJSON(file: label, reason: "\(what(error, header)) at byte \(error.stop) of the header")
        }
    }

    /// The syntax error in words; "header" in them is the document's name (`what(_:_:document:)` names another).
    static func what(_ e: JSONSyntaxError, _ header: UnsafeRawBufferPointer, document: String) -> String {
        what(e, header).replacingOccurrences(of: "end of header", with: "end of \(document)")
    }

    private static func what(_ e: JSONSyntaxError, _ header: UnsafeRawBufferPointer) -> String {
        let atEnd = e.offset >= header.count
        switch e.kind {
        case .emptyInput: return "unexpected end of header"
        case .expectedValue: return atEnd ? "unexpected end of header" : "unexpected character"
        case .invalidLiteral: return "invalid literal"
        case .trailingComma: return header[e.offset] == UInt8(ascii: "}") ? "expected a string key" : "unexpected character"
        case .expectedKey: return "expected a string key"
        case .expectedColon: return "expected ':'"
        case .expectedCommaOrObjectEnd: return atEnd ? "unterminated object" : "expected ',' or '}'"
        case .expectedCommaOrArrayEnd: return atEnd ? "unterminated array" : "expected ',' or ']'"
        case .unexpectedDataAfterValue: return "unexpected data after the top-level value"
        case .nestingTooDeep: return "nesting deeper than 64"
        case .expectedDigit: return "invalid number"
        case .leadingZero: return "number with a leading zero"
        case .numberOutOfRange: return "number out of range"  // not raised with these options
        case .unterminatedString: return "unterminated string"
        case .unterminatedEscape: return "unterminated escape"
        case .controlCharacterInString: return "unescaped control character in string"
        case .invalidEscape: return "invalid escape"
        case .truncatedUnicodeEscape: return "truncated \\u escape"
        case .invalidHexDigit: return "invalid hex digit in \\u escape"
        case .unpairedSurrogate: return "unpaired surrogate in \\u escape"
        case .invalidUTF8: return "string is not valid UTF-8"  // not raised: the caller validates the header first
        case .duplicateKey(let key, _): return "duplicate key \"\(key)\""
        }
    }
}

/// The header's wording for JSON values in error messages.
extension JSONValue {
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
        case let .number(n): return n.literal
        case let .string(s): return "\"\(s)\""
        case let .bool(b): return b ? "true" : "false"
        default: return typeName
        }
    }

    /// The value as a non-negative integer that fits `Int`, or nil (negative, fractional, exponent, too large,
    /// or not a number).
    var nonNegativeInt: Int? {
        guard case let .number(n) = self, !n.literal.isEmpty,
              n.literal.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        return Int(n.literal)
    }
}
