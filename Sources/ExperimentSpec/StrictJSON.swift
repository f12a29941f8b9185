import Foundation
import Support

// The JSON value types are `Support`'s (one parser for the whole project); these names keep them in
// Experiments' public API.
public typealias JSONValue = Support.JSONValue
public typealias JSONMember = Support.JSONMember
public typealias JSONNumber = Support.JSONNumber
public typealias JSONPath = Support.JSONPath

/// Spec files through the project's strict parser (`Support.JSONParser`, RFC 8259 and nothing more: no
/// comments, no trailing commas, no duplicate keys, valid UTF-8 only), with the spec's own rules on top: a
/// leading UTF-8 byte-order mark is skipped; NaN/Infinity are not literals and a number too large for a finite
/// `Double` (`1e999`) is rejected; a literal running on into letters (`nullable`, `True`) is an unexpected word;
/// values nest at most 512 deep (scalars count).
///
/// Syntax errors are reported as a `SpecError` located by byte: `specs/x.json: byte 231 (line 12, column 5):
/// expected ',' or '}' after the value of 'steps', found '"'`. Bytes are counted from 0 (a byte-order mark
/// counts); lines and columns from 1 (columns in bytes). The location is the offending token's first byte: the
/// opening quote of a bad string, the backslash of a bad escape (the first of a surrogate pair), the first byte
/// of a bad number. A duplicate key is reported at the JSON path of the object that holds it.
public enum StrictJSON {
    /// Deepest nesting accepted (guards the recursive descent against stack exhaustion).
    public static let maximumDepth = 512

    static let options = JSONParser.Options(nestingLimit: .values(maximumDepth), skipsByteOrderMark: true,
                                            literalsEndAtWordBoundary: true, rejectsLeadingZeros: true,
                                            rejectsOutOfRangeNumbers: true, duplicateKeyCheck: .atKey)

    /// Parses a whole document; `file` only labels errors.
    public static func parse(_ data: Data, file: String) throws -> JSONValue {
        try data.withUnsafeBytes { bytes throws(SpecError) -> JSONValue in
            do throws(JSONSyntaxError) {
                return try JSONParser.parse(bytes, options: options)
            } catch {
                throw specError(error, bytes.bindMemory(to: UInt8.self), file: file)
            }
        }
    }

    /// Parses a whole document given as text.
    public static func parse(_ text: String, file: String) throws -> JSONValue {
        try parse(Data(text.utf8), file: file)
    }

    /// The spec's wording for a syntax error.
    static func specError(_ e: JSONSyntaxError, _ bytes: UnsafeBufferPointer<UInt8>, file: String) -> SpecError {
        /// The byte at `k` as a message shows it.
        func describe(_ k: Int) -> String {
            guard k < bytes.count else { return "the end of the file" }
            let b = bytes[k]
            if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
            return "byte 0x\(String(b, radix: 16, uppercase: true))"
        }
        /// The word (letters, digits, `_`; at most 40 bytes, at least 1) starting at `k`.
        func word(_ k: Int) -> String {
            var e = k
            while e < bytes.count, e - k < 40, bytes[e].isASCIILetter || bytes[e].isDigit || bytes[e] == UInt8(ascii: "_") { e += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[k..<max(e, k + 1)]), as: UTF8.self)
        }
        let found = e.offset < bytes.count ? bytes[e.offset] : nil
        /// Only for a letter at `offset`.
        func unexpectedWord() -> String {
            "unexpected word '\(word(e.offset))' (strings must be in double quotes; the literals are true, false and null)"
        }
        let comments = "comments are not allowed in JSON"
        let reason: String
        switch e.kind {
        case .emptyInput:
            reason = "expected a JSON value, found the end of the file (the file is empty)"
        case .expectedValue:
            switch found {
            case UInt8(ascii: "/"): reason = comments
            case UInt8(ascii: "'"): reason = "strings must use double quotes"
            case let b? where b.isASCIILetter: reason = unexpectedWord()
            default: reason = "expected a JSON value, found \(describe(e.offset))"
            }
        case .invalidLiteral: reason = unexpectedWord()
        case .trailingComma: reason = "trailing comma before '\(Character(Unicode.Scalar(found ?? 0)))' is not allowed in JSON"
        case .expectedKey:
            reason = found == UInt8(ascii: "/") ? comments : "expected a key in double quotes, found \(describe(e.offset))"
        case .expectedColon(let key): reason = "expected ':' after the key '\(key)', found \(describe(e.offset))"
        case .expectedCommaOrObjectEnd(let key): reason = "expected ',' or '}' after the value of '\(key)', found \(describe(e.offset))"
        case .expectedCommaOrArrayEnd: reason = "expected ',' or ']' after an array element, found \(describe(e.offset))"
        case .unexpectedDataAfterValue: reason = "unexpected \(describe(e.offset)) after the end of the JSON value"
        case .nestingTooDeep: reason = "nesting deeper than \(maximumDepth) levels"
        case .expectedDigit(.integer): reason = "expected a digit after '-'"
        case .expectedDigit(.fraction): reason = "expected a digit after the decimal point"
        case .expectedDigit(.exponent): reason = "expected a digit in the exponent"
        case .leadingZero: reason = "numbers must not have leading zeros"
        case .numberOutOfRange:
            let literal = String(decoding: UnsafeBufferPointer(rebasing: bytes[e.offset..<e.stop]), as: UTF8.self)
            reason = "the number \(literal) is out of range"
        case .unterminatedString, .unterminatedEscape: reason = "unterminated string (missing closing '\"')"
        case .controlCharacterInString:
            reason = "control character 0x\(String(found ?? 0, radix: 16, uppercase: true)) in a string (write it as an escape such as \\n)"
        case .invalidEscape: reason = "invalid escape '\\\(Character(Unicode.Scalar(bytes[e.offset + 1])))' in a string"
        case .truncatedUnicodeEscape, .invalidHexDigit: reason = "expected four hex digits after \\u"
        case .unpairedSurrogate: reason = "unpaired surrogate in a \\u escape"
        case .invalidUTF8: reason = "the string is not valid UTF-8"
        case .duplicateKey(let key, let first):
            return SpecError(file: file, path: e.path, reason: "duplicate key '\(key)' (at bytes \(first) and \(e.offset))")
        }
        return SpecError(file: file, byteOffset: e.offset, line: e.line, column: e.column, reason: reason)
    }
}

private extension UInt8 {
    var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    var isASCIILetter: Bool { (self | 0x20) >= UInt8(ascii: "a") && (self | 0x20) <= UInt8(ascii: "z") }
}
