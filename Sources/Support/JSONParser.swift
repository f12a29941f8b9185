/// The project's one strict JSON parser (RFC 8259, nothing more): no comments, no trailing commas, no single
/// quotes, no NaN/Infinity, no duplicate keys, nesting bounded, strings valid UTF-8. It reads bytes, not
/// `Character`s, and returns a `JSONValue` that keeps key order and number literals.
///
/// The grammar, exactly:
/// - whitespace is space, tab, LF and CR, allowed around every token; the input is one value and whitespace
///   (with `Options.skipsByteOrderMark`, a leading UTF-8 byte-order mark `EF BB BF` is skipped first);
/// - numbers are `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, kept as written;
/// - strings are `"…"`; bytes below 0x20 must be escaped; the escapes are `\" \\ \/ \b \f \n \r \t \uXXXX`
///   (hex in either case); a `\uD800`–`\uDBFF` escape must be followed by a `\uDC00`–`\uDFFF` escape, and the
///   pair is one scalar; a lone surrogate escape is an error; the decoded bytes must be valid UTF-8 (checked when
///   the closing quote is reached);
/// - the literals are `true`, `false`, `null`;
/// - object keys are unique, compared as Swift `String`s (so canonically equivalent spellings such as `"é"` and
///   `"e\u0301"` are the same key).
///
/// The first error stops the parse and is thrown as a `JSONSyntaxError` (kind, byte offset, line, column,
/// path). Callers turn it into their own error type and wording.
public enum JSONParser {
    /// The rules on which the project's readers differ. Each reader states all of them (see the callers:
    /// `SafeTensorsFile` header, Tasks' JSONL lines, Experiments' spec files).
    public struct Options: Equatable, Sendable {
        /// How deep values may nest.
        public enum NestingLimit: Equatable, Sendable {
            /// At most `n` arrays/objects nested in one another; scalars do not count (`[[1]]` and `[[]]` are
            /// both 2 deep). The error is at the first array/object too deep.
            case containers(Int)
            /// Every value, scalars included, at most `n` deep, the top-level value being 1 deep (`[[1]]` is 3
            /// deep, `[[]]` is 2). The error is at the first value too deep, or at the end of the input when a
            /// value would start there too deep.
            case values(Int)
        }

        /// When a repeated key is reported.
        public enum DuplicateKeyCheck: Equatable, Sendable {
            /// As soon as the key has been read (an error in its value is never reached).
            case atKey
            /// After its value has been read (an error in the value is reported instead).
            case afterValue
        }

        public var nestingLimit: NestingLimit
        /// Skip a leading UTF-8 byte-order mark; otherwise it is an unexpected byte (`expectedValue` at 0).
        public var skipsByteOrderMark: Bool
        /// A literal followed directly by an ASCII letter (`truex`, `nullable`) is an `invalidLiteral` at the
        /// literal's start; otherwise the literal ends after its last letter and the next byte is judged on its own.
        public var literalsEndAtWordBoundary: Bool
        /// A `0` followed by a digit (`01`, `-012`) is a `leadingZero` error; otherwise the number ends after the
        /// `0` and the digit is judged on its own (it is then unexpected, so the input is rejected either way).
        public var rejectsLeadingZeros: Bool
        /// A number whose magnitude is too large for a finite `Double` (`1e999`) is a `numberOutOfRange` error;
        /// otherwise any literal that follows the grammar is kept.
        public var rejectsOutOfRangeNumbers: Bool
        public var duplicateKeyCheck: DuplicateKeyCheck

        public init(nestingLimit: NestingLimit = .values(512), skipsByteOrderMark: Bool = false,
                    literalsEndAtWordBoundary: Bool = true, rejectsLeadingZeros: Bool = true,
                    rejectsOutOfRangeNumbers: Bool = false, duplicateKeyCheck: DuplicateKeyCheck = .atKey) {
            self.nestingLimit = nestingLimit
            self.skipsByteOrderMark = skipsByteOrderMark
            self.literalsEndAtWordBoundary = literalsEndAtWordBoundary
            self.rejectsLeadingZeros = rejectsLeadingZeros
            self.rejectsOutOfRangeNumbers = rejectsOutOfRangeNumbers
            self.duplicateKeyCheck = duplicateKeyCheck
        }
    }

    /// Parses one complete document from `bytes`. Offsets in errors count from `bytes`' first byte.
    public static func parse(_ bytes: UnsafeRawBufferPointer, options: Options = Options()) throws(JSONSyntaxError) -> JSONValue {
        var parser = Parser(bytes: bytes.bindMemory(to: UInt8.self), options: options)
        return try parser.document()
    }

    /// Parses one complete document from `bytes` (an array, a slice, `Data`…). Offsets in errors count from
    /// `bytes`' first element (0), whatever its index.
    public static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes, options: Options = Options()) throws(JSONSyntaxError) -> JSONValue {
        let result = bytes.withContiguousStorageIfAvailable { buffer -> Result<JSONValue, JSONSyntaxError> in
            var parser = Parser(bytes: buffer, options: options)
            do throws(JSONSyntaxError) { return .success(try parser.document()) } catch { return .failure(error) }
        }
        if let result { return try result.get() }
        return try parse(Array(bytes), options: options)
    }
}

/// Why and where `JSONParser` rejected its input.
///
/// `offset` is the 0-based byte offset of the offending token (documented per `Kind`), `line` and `column` its
/// 1-based position (lines end at LF; the column counts bytes). `stop` is where the parser stopped reading (equal
/// to `offset` unless the kind says otherwise). `path` is the innermost value being read (for errors between
/// the members of an object, and for duplicate keys, the object itself).
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The number part in which a digit was expected.
    public enum NumberPart: Equatable, Sendable {
        /// After a leading `-`.
        case integer
        /// After the decimal point.
        case fraction
        /// After `e`/`E` and its optional sign.
        case exponent
    }

    public enum Kind: Equatable, Sendable {
        /// Nothing but whitespace (after a skipped byte-order mark); `offset` is the end of the input.
        case emptyInput
        /// A value was expected at `offset`: a byte that cannot start one, or the end of the input.
        case expectedValue
        /// A word starting with `t`, `f` or `n` that is not `true`, `false` or `null` (or, with
        /// `literalsEndAtWordBoundary`, runs on into a letter); `offset` is its first byte.
        case invalidLiteral
        /// A `]` or `}` right after a `,`; `offset` is that bracket.
        case trailingComma
        /// An object key (a string) was expected at `offset`.
        case expectedKey
        /// `:` was expected at `offset`, after the key `key`.
        case expectedColon(key: String)
        /// `,` or `}` was expected at `offset`, after the value of `key`.
        case expectedCommaOrObjectEnd(key: String)
        /// `,` or `]` was expected at `offset`, after an array element.
        case expectedCommaOrArrayEnd
        /// Something other than whitespace at `offset`, after the top-level value.
        case unexpectedDataAfterValue
        /// The value starting at `offset` (or due at the end of the input) is nested deeper than the limit.
        case nestingTooDeep
        /// A digit was expected at `offset`, in `part` of a number.
        case expectedDigit(NumberPart)
        /// A number with a leading zero; `offset` is the number's first byte, `stop` the digit after the `0`.
        case leadingZero
        /// A number too large for a finite `Double`; the literal is `offset..<stop`.
        case numberOutOfRange
        /// No closing quote; `offset` is the opening quote, `stop` the end of the input.
        case unterminatedString
        /// The input ends right after a backslash in a string; `offset` is the opening quote, `stop` the end.
        case unterminatedEscape
        /// An unescaped byte below 0x20 at `offset`, inside a string.
        case controlCharacterInString
        /// A backslash at `offset` followed by a byte that does not make an escape; `stop` is after that byte.
        case invalidEscape
        /// Fewer than four bytes after a `\u`; `offset` is the backslash starting the escape (the first of a
        /// surrogate pair), `stop` the byte after this `\u`.
        case truncatedUnicodeEscape
        /// A byte that is not a hex digit at `stop`, in the four after a `\u`; `offset` as for the truncated case.
        case invalidHexDigit
        /// A `\u` surrogate without its partner; `codeUnit` is the first unit of the escape, `offset` its
        /// backslash, `stop` the byte after the hex digits read last.
        case unpairedSurrogate(codeUnit: UInt16)
        /// The string opened at `offset` does not decode to valid UTF-8; `stop` is after its closing quote.
        case invalidUTF8
        /// The key at `offset` repeats the key at `firstOffset` of the same object (offsets of the opening
        /// quotes); `stop` is after the key (`atKey`) or after its value (`afterValue`).
        case duplicateKey(key: String, firstOffset: Int)
    }

    public var kind: Kind
    public var offset: Int
    public var line: Int
    public var column: Int
    public var stop: Int
    public var path: JSONPath

    public init(kind: Kind, offset: Int, line: Int, column: Int, stop: Int, path: JSONPath = JSONPath()) {
        self.kind = kind
        self.offset = offset
        self.line = line
        self.column = column
        self.stop = stop
        self.path = path
    }

    /// `byte <offset> (line <l>, column <c>): <kind>`, for logs; readers phrase their own messages.
    public var description: String { "byte \(offset) (line \(line), column \(column)): \(kind)" }
}

/// The recursive descent over the bytes.
private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    let options: JSONParser.Options
    /// The nesting limit, and whether scalars count toward it.
    let depthLimit: Int
    let limitsScalars: Bool
    var i = 0
    /// Decoded bytes of the string being read when it has escapes (reused).
    var scratch: [UInt8] = []
    /// Offsets of the keys of the objects being read, innermost object last (for duplicate-key errors).
    var keyOffsets: [Int] = []

    init(bytes: UnsafeBufferPointer<UInt8>, options: JSONParser.Options) {
        self.bytes = bytes
        self.options = options
        switch options.nestingLimit {
        case .containers(let n): (depthLimit, limitsScalars) = (n, false)
        case .values(let n): (depthLimit, limitsScalars) = (n, true)
        }
    }

    mutating func document() throws(JSONSyntaxError) -> JSONValue {
        if options.skipsByteOrderMark, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        skipWhitespace()
        if i == bytes.count { throw error(.emptyInput) }
        let root = try value(depth: 0)
        skipWhitespace()
        if i < bytes.count { throw error(.unexpectedDataAfterValue) }
        return root
    }

    // MARK: errors

    /// An error at `offset` (default: the current byte), having stopped at `stop` (default: the current byte).
    func error(_ kind: JSONSyntaxError.Kind, at offset: Int? = nil, stop: Int? = nil) -> JSONSyntaxError {
        let o = min(offset ?? i, bytes.count)
        var line = 1
        var lineStart = 0
        for k in 0..<o where bytes[k] == 0x0A {
            line += 1
            lineStart = k + 1
        }
        return JSONSyntaxError(kind: kind, offset: o, line: line, column: o - lineStart + 1, stop: stop ?? i)
    }

    // MARK: values

    /// A value that sits inside `depth` arrays/objects.
    mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        if limitsScalars, depth >= depthLimit { throw error(.nestingTooDeep) }
        guard i < bytes.count else { throw error(.expectedValue) }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error(.expectedValue)
        }
    }

    mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        if depth >= depthLimit { throw error(.nestingTooDeep) }
        i += 1  // {
        skipWhitespace()
        if peek(UInt8(ascii: "}")) { i += 1; return .object([]) }
        var members: [JSONMember] = []
        let keyBase = keyOffsets.count
        /// Key → member index, built once the object is large enough for hashing to beat a linear scan.
        var index: [String: Int]?
        func firstIndex(of key: String) -> Int? {
            if let index { return index[key] }
            return members.firstIndex { $0.key == key }
        }
        func checkDuplicate(_ key: String, keyStart: Int) throws(JSONSyntaxError) {
            if let first = firstIndex(of: key) {
                throw error(.duplicateKey(key: key, firstOffset: keyOffsets[keyBase + first]), at: keyStart)
            }
        }
        while true {
            skipWhitespace()
            guard i < bytes.count else { throw error(.expectedKey) }
            if bytes[i] == UInt8(ascii: "}") { throw error(.trailingComma) }  // `{}` was handled above
            guard bytes[i] == UInt8(ascii: "\"") else { throw error(.expectedKey) }
            let keyStart = i
            let key = try string()
            if options.duplicateKeyCheck == .atKey { try checkDuplicate(key, keyStart: keyStart) }
            skipWhitespace()
            guard peek(UInt8(ascii: ":")) else { throw error(.expectedColon(key: key)) }
            i += 1
            skipWhitespace()
            let member: JSONValue
            do throws(JSONSyntaxError) {
                member = try value(depth: depth + 1)
            } catch {
                var e = error
                e.path.prepend(.key(key))
                throw e
            }
            if options.duplicateKeyCheck == .afterValue { try checkDuplicate(key, keyStart: keyStart) }
            members.append(JSONMember(key, member))
            keyOffsets.append(keyStart)
            if index != nil {
                index![key] = members.count - 1
            } else if members.count == 16 {
                index = Dictionary(uniqueKeysWithValues: members.enumerated().map { ($1.key, $0) })
            }
            skipWhitespace()
            guard i < bytes.count else { throw error(.expectedCommaOrObjectEnd(key: key)) }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") {
                i += 1
                keyOffsets.removeSubrange(keyBase...)
                return .object(members)
            }
            throw error(.expectedCommaOrObjectEnd(key: key))
        }
    }

    mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        if depth >= depthLimit { throw error(.nestingTooDeep) }
        i += 1  // [
        skipWhitespace()
        if peek(UInt8(ascii: "]")) { i += 1; return .array([]) }
        var elements: [JSONValue] = []
        while true {
            skipWhitespace()
            if peek(UInt8(ascii: "]")) { throw error(.trailingComma) }  // `[]` was handled above
            do throws(JSONSyntaxError) {
                elements.append(try value(depth: depth + 1))
            } catch {
                var e = error
                e.path.prepend(.index(elements.count))
                throw e
            }
            skipWhitespace()
            guard i < bytes.count else { throw error(.expectedCommaOrArrayEnd) }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(elements) }
            throw error(.expectedCommaOrArrayEnd)
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let n = word.utf8CodeUnitCount
        guard bytes.count - i >= n else { throw error(.invalidLiteral) }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw error(.invalidLiteral) }
        if options.literalsEndAtWordBoundary, i + n < bytes.count, bytes[i + n].isASCIILetter { throw error(.invalidLiteral) }
        i += n
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    mutating func number() throws(JSONSyntaxError) -> JSONNumber {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count, bytes[i].isDigit else { throw error(.expectedDigit(.integer)) }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if options.rejectsLeadingZeros, i < bytes.count, bytes[i].isDigit { throw error(.leadingZero, at: start) }
        } else {
            skipDigits()
        }
        if peek(UInt8(ascii: ".")) {
            i += 1
            guard i < bytes.count, bytes[i].isDigit else { throw error(.expectedDigit(.fraction)) }
            skipDigits()
        }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            i += 1
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { i += 1 }
            guard i < bytes.count, bytes[i].isDigit else { throw error(.expectedDigit(.exponent)) }
            skipDigits()
        }
        let literal = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        if options.rejectsOutOfRangeNumbers, !(Double(literal)?.isFinite ?? false) { throw error(.numberOutOfRange, at: start) }
        return JSONNumber(literal: literal)
    }

    /// A string starting at the current `"`.
    mutating func string() throws(JSONSyntaxError) -> String {
        let start = i
        i += 1
        // Fast path: no escape before the closing quote, so the string is a slice of the input.
        var k = i
        while k < bytes.count, !bytes[k].endsPlainRun { k += 1 }
        if k < bytes.count, bytes[k] == UInt8(ascii: "\"") {
            let s = String(validating: UnsafeBufferPointer(rebasing: bytes[i..<k]), as: UTF8.self)
            i = k + 1
            guard let s else { throw error(.invalidUTF8, at: start) }
            return s
        }
        scratch.removeAll(keepingCapacity: true)
        while true {
            let runStart = i
            while i < bytes.count, !bytes[i].endsPlainRun { i += 1 }
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
            guard i < bytes.count else { throw error(.unterminatedString, at: start) }
            switch bytes[i] {
            case UInt8(ascii: "\""):
                i += 1
                guard let s = String(validating: scratch, as: UTF8.self) else { throw error(.invalidUTF8, at: start) }
                return s
            case UInt8(ascii: "\\"):
                try escape(stringStart: start)
            default:
                throw error(.controlCharacterInString)
            }
        }
    }

    /// The escape at the current backslash, decoded into `scratch`.
    mutating func escape(stringStart: Int) throws(JSONSyntaxError) {
        let backslash = i
        guard i + 1 < bytes.count else { i += 1; throw error(.unterminatedEscape, at: stringStart) }
        let e = bytes[i + 1]
        i += 2
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"): try unicodeEscape(backslash: backslash)
        default: throw error(.invalidEscape, at: backslash)
        }
    }

    /// After `\u`: four hex digits, or a surrogate pair `\uD83D\uDE00`; appends the scalar's UTF-8 to `scratch`.
    mutating func unicodeEscape(backslash: Int) throws(JSONSyntaxError) {
        let first = try hex4(backslash: backslash)
        var scalar = UInt32(first)
        if (0xD800..<0xDC00).contains(first) {
            guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                throw error(.unpairedSurrogate(codeUnit: first), at: backslash)
            }
            i += 2
            let low = try hex4(backslash: backslash)
            guard (0xDC00..<0xE000).contains(low) else { throw error(.unpairedSurrogate(codeUnit: first), at: backslash) }
            scalar = 0x10000 + ((UInt32(first) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
        } else if (0xDC00..<0xE000).contains(first) {
            throw error(.unpairedSurrogate(codeUnit: first), at: backslash)
        }
        switch scalar {
        case ..<0x80:
            scratch.append(UInt8(scalar))
        case ..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Four hex digits at the current byte; errors are located at `backslash`, the start of the whole escape.
    mutating func hex4(backslash: Int) throws(JSONSyntaxError) -> UInt16 {
        guard bytes.count - i >= 4 else { throw error(.truncatedUnicodeEscape, at: backslash) }
        var v: UInt16 = 0
        for k in 0..<4 {
            guard let d = bytes[i + k].hexValue else { throw error(.invalidHexDigit, at: backslash, stop: i + k) }
            v = v << 4 | d
        }
        i += 4
        return v
    }

    // MARK: helpers

    mutating func skipWhitespace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
    }

    mutating func skipDigits() {
        while i < bytes.count, bytes[i].isDigit { i += 1 }
    }

    func peek(_ b: UInt8) -> Bool { i < bytes.count && bytes[i] == b }
}

private extension UInt8 {
    var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    var isASCIILetter: Bool { (self | 0x20) >= UInt8(ascii: "a") && (self | 0x20) <= UInt8(ascii: "z") }
    /// A byte that a string's plain run stops at: the closing quote, a backslash, or a control character.
    var endsPlainRun: Bool { self == UInt8(ascii: "\"") || self == UInt8(ascii: "\\") || self < 0x20 }
    var hexValue: UInt16? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt16(self - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt16(self - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt16(self - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }
}
