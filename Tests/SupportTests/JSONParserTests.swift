import XCTest
@testable import Support

/// The shared strict parser: grammar, value fidelity, each option, and where errors are located.
final class JSONParserTests: XCTestCase {
    func parse(_ s: String, _ options: JSONParser.Options = JSONParser.Options()) throws -> JSONValue {
        try JSONParser.parse(Array(s.utf8), options: options)
    }

    /// The error for `s`, or nil when it parses.
    func error(_ s: String, _ options: JSONParser.Options = JSONParser.Options()) -> JSONSyntaxError? {
        error(Array(s.utf8), options)
    }

    func error(_ bytes: [UInt8], _ options: JSONParser.Options = JSONParser.Options()) -> JSONSyntaxError? {
        do throws(JSONSyntaxError) {
            _ = try JSONParser.parse(bytes, options: options)
            return nil
        } catch {
            return error
        }
    }

    func number(_ literal: String) -> JSONValue { .number(JSONNumber(literal: literal)) }

    // MARK: values

    func testKeepsKeyOrderNumberLiteralsAndScalarKinds() throws {
        let v = try parse(#"{"b": 32, "a": 32.0, "c": 1e3, "d": -0, "e": true, "f": null, "g": [1, "1"]}"#)
        XCTAssertEqual(v, .object([
            JSONMember("b", number("32")), JSONMember("a", number("32.0")), JSONMember("c", number("1e3")),
            JSONMember("d", number("-0")), JSONMember("e", .bool(true)), JSONMember("f", .null),
            JSONMember("g", .array([number("1"), .string("1")])),
        ]))
        XCTAssertNotEqual(number("32"), number("32.0"), "1 and 1.0 stay distinguishable")
        XCTAssertNotEqual(number("1"), .bool(true))
        XCTAssertEqual(v["c"], number("1e3"))
        XCTAssertNil(v["zz"])
        XCTAssertTrue(JSONNumber(literal: "-0").isIntegerLiteral)
        XCTAssertFalse(JSONNumber(literal: "32.0").isIntegerLiteral)
        XCTAssertFalse(JSONNumber(literal: "1E3").isIntegerLiteral)
        XCTAssertEqual(JSONNumber(literal: "1e-3").value, 0.001)
        XCTAssertEqual(JSONNumber(literal: "1e-3", value: 0.001), JSONNumber(literal: "1e-3"))
        XCTAssertEqual(JSONNumber(0.001).literal, "0.001")
        XCTAssertEqual(JSONNumber(UInt64.max).literal, "18446744073709551615")
        XCTAssertEqual(try parse("123456789012345678901234567890"), number("123456789012345678901234567890"), "kept as written")
    }

    func testStringEscapesAndSurrogatePairs() throws {
        XCTAssertEqual(try parse(#""a\"b\\c\/d\b\f\n\r\t""#), .string("a\"b\\c/d\u{08}\u{0C}\n\r\t"))
        XCTAssertEqual(try parse(#""\u00e9\u00C9\u0000\u20AC""#), .string("éÉ\u{0}€"))
        XCTAssertEqual(try parse(#""\ud83d\ude00 \uD83D\uDE00""#), .string("😀 😀"))
        XCTAssertEqual(try parse("\"raw é 😀 \u{7F}\""), .string("raw é 😀 \u{7F}"), "non-ASCII and DEL need no escape")
        XCTAssertEqual(try parse(#""x\u0041y""#), .string("xAy"), "an escape in the middle of a plain run")
        for (text, kind) in [(#""\ud83d""#, JSONSyntaxError.Kind.unpairedSurrogate(codeUnit: 0xD83D)),
                             (#""\ude00""#, .unpairedSurrogate(codeUnit: 0xDE00)),
                             (#""\ud83d\u0041""#, .unpairedSurrogate(codeUnit: 0xD83D)),
                             (#""\ud83dx""#, .unpairedSurrogate(codeUnit: 0xD83D)),
                             (#""\x""#, .invalidEscape), (#""\u12G4""#, .invalidHexDigit), (#""\u12"#, .truncatedUnicodeEscape),
                             ("\"a\tb\"", .controlCharacterInString), (#""abc"#, .unterminatedString), (#""abc\"#, .unterminatedEscape)] {
            XCTAssertEqual(error(text)?.kind, kind, text)
        }
    }

    func testUTF8IsValidatedInsideStrings() {
        let e = error([0x20, 0x22, 0x61, 0xFF, 0x22])
        XCTAssertEqual(e?.kind, .invalidUTF8)
        XCTAssertEqual(e?.offset, 1, "at the opening quote")
        XCTAssertEqual(e?.stop, 5, "after the closing quote")
        XCTAssertEqual(error([0x22, 0xC3, 0x5C, 0x6E, 0x22])?.kind, .invalidUTF8, "a sequence cut by an escape")
        XCTAssertEqual(error([0xFF])?.kind, .expectedValue, "outside strings a non-ASCII byte is simply unexpected")
    }

    // MARK: options

    func testByteOrderMark() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        XCTAssertEqual(try JSONParser.parse(bom + Array("{}".utf8), options: JSONParser.Options(skipsByteOrderMark: true)), .object([]))
        let rejected = error(bom + Array("{}".utf8))
        XCTAssertEqual(rejected?.kind, .expectedValue)
        XCTAssertEqual(rejected?.offset, 0)
        let skipped = error(bom + Array(" x".utf8), JSONParser.Options(skipsByteOrderMark: true))
        XCTAssertEqual(skipped?.kind, .expectedValue)
        XCTAssertEqual(skipped?.offset, 4, "offsets still count the mark")
        XCTAssertEqual(skipped?.column, 5)
        XCTAssertEqual(error(bom + Array(" ".utf8), JSONParser.Options(skipsByteOrderMark: true))?.kind, .emptyInput)
        XCTAssertEqual(error(bom + bom + Array("1".utf8), JSONParser.Options(skipsByteOrderMark: true))?.offset, 3, "only one mark")
    }

    func testDuplicateKeys() {
        let e = error(#"{"a": {"b": [{"c": 1, "c": 2}]}}"#)
        XCTAssertEqual(e?.kind, .duplicateKey(key: "c", firstOffset: 14))
        XCTAssertEqual(e?.offset, 22)
        XCTAssertEqual(e?.path, JSONPath([.key("a"), .key("b"), .index(0)]), "the path of the object holding the keys")
        XCTAssertEqual(error(#"{"é": 1, "e\u0301": 2}"#)?.kind, .duplicateKey(key: "e\u{301}", firstOffset: 1),
                       "keys compare as Swift strings: canonically equivalent spellings are the same key")
        // Objects past 16 members switch to a hash lookup; the result is the same.
        let many = (0..<40).map { "\"k\($0)\": \($0)" }.joined(separator: ", ")
        XCTAssertNil(error("{\(many)}"))
        for repeated in ["k0", "k15", "k16", "k39"] {
            let first = 1 + Array(many.utf8).firstRange(of: Array("\"\(repeated)\"".utf8))!.lowerBound
            XCTAssertEqual(error("{\(many), \"\(repeated)\": 0}")?.kind, .duplicateKey(key: repeated, firstOffset: first), repeated)
        }
        // When: at the key, or after its value.
        let text = #"{"a": 1, "a": tru}"#
        XCTAssertEqual(error(text, JSONParser.Options(duplicateKeyCheck: .atKey))?.kind, .duplicateKey(key: "a", firstOffset: 1))
        XCTAssertEqual(error(text, JSONParser.Options(duplicateKeyCheck: .afterValue))?.kind, .invalidLiteral)
        let after = error(#"{"a": 1, "a": 2}"#, JSONParser.Options(duplicateKeyCheck: .afterValue))
        XCTAssertEqual(after?.kind, .duplicateKey(key: "a", firstOffset: 1))
        XCTAssertEqual(after?.offset, 9)
        XCTAssertEqual(after?.stop, 15)
    }

    func testNestingLimits() {
        func nested(_ n: Int, _ inner: String) -> String { String(repeating: "[", count: n) + inner + String(repeating: "]", count: n) }
        // Values: the top level is 1 deep and scalars count.
        let values = JSONParser.Options(nestingLimit: .values(8))
        XCTAssertNil(error(nested(7, "1"), values))
        XCTAssertEqual(error(nested(8, "1"), values)?.kind, .nestingTooDeep)
        XCTAssertEqual(error(nested(8, "1"), values)?.offset, 8, "at the scalar")
        XCTAssertNil(error(nested(8, ""), values))
        XCTAssertEqual(error(nested(9, ""), values)?.offset, 8)
        XCTAssertEqual(error(String(repeating: "[", count: 8), values)?.kind, .nestingTooDeep, "even at the end of the input")
        // Containers: scalars do not count.
        let containers = JSONParser.Options(nestingLimit: .containers(8))
        XCTAssertNil(error(nested(8, "1"), containers))
        XCTAssertNil(error(nested(8, ""), containers))
        XCTAssertEqual(error(nested(9, ""), containers)?.kind, .nestingTooDeep)
        XCTAssertEqual(error(nested(9, ""), containers)?.offset, 8)
        XCTAssertEqual(error(String(repeating: "[", count: 8), containers)?.kind, .expectedValue)
        XCTAssertEqual(error(String(repeating: #"{"a":"#, count: 9) + "1" + String(repeating: "}", count: 9), containers)?.offset, 40)
        // The default bound keeps a hostile document from exhausting the stack.
        XCTAssertEqual(error(String(repeating: "[", count: 100_000))?.kind, .nestingTooDeep)
    }

    func testLiteralsAtWordBoundary() {
        XCTAssertEqual(error("truex")?.kind, .invalidLiteral)
        XCTAssertEqual(error("[nullable]")?.offset, 1)
        let loose = JSONParser.Options(literalsEndAtWordBoundary: false)
        XCTAssertEqual(error("truex", loose)?.kind, .unexpectedDataAfterValue)
        XCTAssertEqual(error("[nullable]", loose)?.kind, .expectedCommaOrArrayEnd)
        XCTAssertEqual(error("[nullable]", loose)?.offset, 5)
        XCTAssertEqual(error("tru")?.kind, .invalidLiteral)
        XCTAssertEqual(error("True")?.kind, .expectedValue, "not a literal's first letter")
        XCTAssertNil(error("[true,false,null]"))
    }

    func testNumbers() {
        XCTAssertEqual(error("01")?.kind, .leadingZero)
        XCTAssertEqual(error("[-012]")?.offset, 1, "at the number")
        XCTAssertEqual(error("[-012]")?.stop, 3, "stopped at the digit after the 0")
        XCTAssertEqual(error("01", JSONParser.Options(rejectsLeadingZeros: false))?.kind, .unexpectedDataAfterValue)
        XCTAssertEqual(error("[01]", JSONParser.Options(rejectsLeadingZeros: false))?.kind, .expectedCommaOrArrayEnd)
        XCTAssertEqual(error("-")?.kind, .expectedDigit(.integer))
        XCTAssertEqual(error("1.")?.kind, .expectedDigit(.fraction))
        XCTAssertEqual(error("1.5e+")?.kind, .expectedDigit(.exponent))
        XCTAssertEqual(error("1e-x")?.offset, 3)
        for bad in [".5", "+1", "0x10", "NaN", "Infinity", "-Infinity"] { XCTAssertNotNil(error(bad), bad) }
        XCTAssertNil(error("1e999"), "kept as written by default")
        let finite = JSONParser.Options(rejectsOutOfRangeNumbers: true)
        let e = error("[1e999]", finite)
        XCTAssertEqual(e?.kind, .numberOutOfRange)
        XCTAssertEqual(e.map { [$0.offset, $0.stop] }, [1, 6])
        XCTAssertNil(error("1e-999", finite), "underflow to 0 is finite")
    }

    // MARK: locations

    func testSyntaxErrorsCarryByteLineAndColumn() {
        let e = error("{\n  \"a\": 1\n  \"b\": 2\n}")
        XCTAssertEqual(e?.kind, .expectedCommaOrObjectEnd(key: "a"))
        XCTAssertEqual(e.map { [$0.offset, $0.line, $0.column] }, [13, 3, 3])
        XCTAssertEqual(e?.path, JSONPath())
        XCTAssertEqual(e?.description, #"byte 13 (line 3, column 3): expectedCommaOrObjectEnd(key: "a")"#)
        // Columns count bytes, not characters.
        let wide = error("[\"é😀\",\n \"é\" x]")
        XCTAssertEqual(wide.map { [$0.offset, $0.line, $0.column] }, [17, 2, 7])
        // Each kind's offset: the offending byte, or the token it belongs to.
        let cases: [(String, JSONSyntaxError.Kind, Int, Int)] = [  // text, kind, offset, stop
            ("", .emptyInput, 0, 0),
            (" \n ", .emptyInput, 3, 3),
            ("{\"a\":", .expectedValue, 5, 5),
            ("[1,]", .trailingComma, 3, 3),
            ("{\"a\":1,}", .trailingComma, 7, 7),
            ("{1:2}", .expectedKey, 1, 1),
            ("{\"a\" 1}", .expectedColon(key: "a"), 5, 5),
            ("[1 2]", .expectedCommaOrArrayEnd, 3, 3),
            ("{} x", .unexpectedDataAfterValue, 3, 3),
            ("[\"ab", .unterminatedString, 1, 4),
            ("[\"a\\", .unterminatedEscape, 1, 4),
            ("[\"a\\q\"]", .invalidEscape, 3, 5),
            ("\"\\ud800\\u12", .truncatedUnicodeEscape, 1, 9),
            ("\"\\ud800\\udG00\"", .invalidHexDigit, 1, 10),
            ("\"\\ud800\\u0041\"", .unpairedSurrogate(codeUnit: 0xD800), 1, 13),
            ("\"a\nb\"", .controlCharacterInString, 2, 2),
        ]
        for (text, kind, offset, stop) in cases {
            let e = error(text)
            XCTAssertEqual(e?.kind, kind, text.debugDescription)
            XCTAssertEqual(e?.offset, offset, text.debugDescription)
            XCTAssertEqual(e?.stop, stop, text.debugDescription)
        }
        XCTAssertEqual(error(#"{"a": [0, {"b": tru}]}"#)?.path, JSONPath([.key("a"), .index(1), .key("b")]))
    }

    func testSlicesAndRawBuffersCountFromTheirFirstByte() throws {
        let bytes = Array("xx[1, }".utf8)
        XCTAssertEqual(error(Array(bytes[2...]))?.offset, 4)
        do throws(JSONSyntaxError) {
            _ = try JSONParser.parse(bytes[2...])
            XCTFail("no error")
        } catch {
            XCTAssertEqual(error.offset, 4)
        }
        let value = try Array("  [true]".utf8).withUnsafeBytes { raw throws(JSONSyntaxError) in try JSONParser.parse(raw) }
        XCTAssertEqual(value, .array([.bool(true)]))
    }

    // MARK: quoting

    func testQuoted() throws {
        XCTAssertEqual(JSONValue.quoted("a\"b\\c\n\r\t\u{08}\u{0C}\u{01}\u{1F}/é😀"), #""a\"b\\c\n\r\t\b\f\u0001\u001f/é😀""#)
        let all = String(decoding: (0..<0x80).map(UInt8.init), as: UTF8.self) + "é😀"
        XCTAssertEqual(try parse(JSONValue.quoted(all)), .string(all), "round-trips through the parser")
    }
}
