import Foundation
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

final class StrictJSONTests: XCTestCase {
    func parse(_ s: String) throws -> JSONValue { try StrictJSON.parse(s, file: "t.json") }

    func testKeepsKeyOrderAndNumberLiterals() throws {
        let v = try parse(#"{"b": 32, "a": 32.0, "c": true, "d": 1e-3, "e": null, "f": [1, "x"]}"#)
        guard case .object(let m) = v else { return XCTFail("not an object") }
        XCTAssertEqual(m.map(\.key), ["b", "a", "c", "d", "e", "f"])
        XCTAssertEqual(m[0].value, .number(JSONNumber(literal: "32", value: 32)))
        XCTAssertEqual(m[1].value, .number(JSONNumber(literal: "32.0", value: 32)))
        XCTAssertNotEqual(m[0].value, m[1].value)
        XCTAssertEqual(m[2].value, .bool(true))
        XCTAssertEqual(m[3].value, .number(JSONNumber(literal: "1e-3", value: 0.001)))
        XCTAssertEqual(m[4].value, .null)
        XCTAssertEqual(m[5].value, .array([.number(JSONNumber(literal: "1", value: 1)), .string("x")]))
    }

    func testStringsAndEscapes() throws {
        XCTAssertEqual(try parse(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#), .string("a\"b\\c/d\n\té😀"))
        XCTAssertEqual(try parse("\"Figs 3–4\""), .string("Figs 3–4"))
        XCTAssertEqual(try parse("\u{FEFF}{}"), .object([]), "a UTF-8 byte-order mark is skipped")
    }

    func testSyntaxErrorsAreLocatedByByte() {
        let cases: [(String, String)] = [
            ("{\"a\": 1,}", "t.json: byte 8 (line 1, column 9): trailing comma before '}' is not allowed in JSON"),
            ("[1, 2,]", "t.json: byte 6 (line 1, column 7): trailing comma before ']' is not allowed in JSON"),
            ("{\"a\" 1}", "t.json: byte 5 (line 1, column 6): expected ':' after the key 'a', found '1'"),
            ("{a: 1}", "t.json: byte 1 (line 1, column 2): expected a key in double quotes, found 'a'"),
            ("{\"a\": 01}", "t.json: byte 6 (line 1, column 7): numbers must not have leading zeros"),
            ("{\"a\": 1.}", "t.json: byte 8 (line 1, column 9): expected a digit after the decimal point"),
            ("{\"a\": 1e999}", "t.json: byte 6 (line 1, column 7): the number 1e999 is out of range"),
            ("{\"a\": NaN}", "t.json: byte 6 (line 1, column 7): unexpected word 'NaN' (strings must be in double quotes; the literals are true, false and null)"),
            ("{\"a\": True}", "t.json: byte 6 (line 1, column 7): unexpected word 'True' (strings must be in double quotes; the literals are true, false and null)"),
            ("{\"a\": 'x'}", "t.json: byte 6 (line 1, column 7): strings must use double quotes"),
            ("{\"a\": \"x\n\"}", "t.json: byte 8 (line 1, column 9): control character 0xA in a string (write it as an escape such as \\n)"),
            ("{\"a\": \"\\x\"}", "t.json: byte 7 (line 1, column 8): invalid escape '\\x' in a string"),
            ("{\"a\": \"\\ud83d\"}", "t.json: byte 7 (line 1, column 8): unpaired surrogate in a \\u escape"),
            ("{\"a\": \"abc", "t.json: byte 6 (line 1, column 7): unterminated string (missing closing '\"')"),
            ("{\"a\": 1} x", "t.json: byte 9 (line 1, column 10): unexpected 'x' after the end of the JSON value"),
            ("{\n  \"a\": 1\n  \"b\": 2\n}", "t.json: byte 13 (line 3, column 3): expected ',' or '}' after the value of 'a', found '\"'"),
            ("   ", "t.json: byte 3 (line 1, column 4): expected a JSON value, found the end of the file (the file is empty)"),
        ]
        for (text, message) in cases {
            XCTAssertEqual(specError { _ = try parse(text) }?.description, message, text)
        }
    }

    func testInvalidUTF8IsRejected() {
        let data = Data([0x22, 0xFF, 0x22])
        XCTAssertEqual(specError { _ = try StrictJSON.parse(data, file: "t.json") }?.description,
                       "t.json: byte 0 (line 1, column 1): the string is not valid UTF-8")
    }

    func testDuplicateKeysAreRejectedWithTheirPath() {
        XCTAssertEqual(specError { _ = try parse(#"{"a": {"b": [{"c": 1, "c": 2}]}}"#) }?.description,
                       "t.json: a.b[0]: duplicate key 'c' (at bytes 14 and 22)")
    }

    func testNestingIsBounded() {
        let deep = String(repeating: "[", count: StrictJSON.maximumDepth + 1) + String(repeating: "]", count: StrictJSON.maximumDepth + 1)
        XCTAssertEqual(specError { _ = try parse(deep) }?.reason, "nesting deeper than 512 levels")
    }

    func testReaderTypesAreNotCoerced() throws {
        let r = JSONReader(root: try parse(#"{"i": 32, "f": 32.0, "e": 1e3, "b": true, "one": 1, "big": 18446744073709551615}"#), file: "t.json")
        let o = try r.anyObject()
        XCTAssertEqual(try o.required("i").int(), 32)
        XCTAssertEqual(try o.required("f").double(), 32)
        XCTAssertEqual(try o.required("i").double(), 32, "integer literals are numbers too")
        XCTAssertEqual(specError { _ = try o.required("f").int() }?.description, "t.json: f: expected an integer, got 32.0")
        XCTAssertEqual(specError { _ = try o.required("e").int() }?.description, "t.json: e: expected an integer, got 1e3")
        XCTAssertEqual(specError { _ = try o.required("b").int() }?.description, "t.json: b: expected an integer, got true")
        XCTAssertEqual(specError { _ = try o.required("one").bool() }?.description, "t.json: one: expected true or false, got 1")
        XCTAssertEqual(try o.required("big").uint64(), UInt64.max)
        XCTAssertEqual(specError { _ = try o.required("big").int() }?.reason, "the integer 18446744073709551615 is out of range")
    }

    func testUnknownKeySuggestions() throws {
        let allowed = ["steps", "epochs", "batchSize", "learningRate", "warmupFraction"]
        func reason(_ key: String) throws -> String? {
            let r = JSONReader(root: try parse("{\"\(key)\": 1}"), file: "t.json")
            return specError { _ = try r.object(allowed: allowed) }?.reason
        }
        XCTAssertEqual(try reason("learningrate"), "unknown key 'learningrate' — did you mean 'learningRate'?")
        XCTAssertEqual(try reason("learning_rate"), "unknown key 'learning_rate' — did you mean 'learningRate'?")
        XCTAssertEqual(try reason("step"), "unknown key 'step' — did you mean 'steps'?")
        XCTAssertEqual(try reason("warmup"), "unknown key 'warmup' — did you mean 'warmupFraction'?")
        XCTAssertEqual(try reason("batchSzie"), "unknown key 'batchSzie' — did you mean 'batchSize'?")
        XCTAssertEqual(try reason("optimizer"),
                       "unknown key 'optimizer' (allowed: steps, epochs, batchSize, learningRate, warmupFraction)")
    }

    func testPathsPrintLikeCode() {
        XCTAssertEqual(JSONPath().description, "(top level)")
        XCTAssertEqual(JSONPath([.key("adapters"), .index(0), .key("ranks"), .index(2)]).description, "adapters[0].ranks[2]")
        XCTAssertEqual(JSONPath([.key("task"), .key("max tokens")]).description, "task[\"max tokens\"]")
        XCTAssertEqual(JSONPath([.index(1)]).description, "[1]")
    }

    func testCanonicalFormIsSortedCompactAndNormalised() throws {
        let a = try parse(#"{"z": [1.0, 1e0, 0.001, -0, 18446744073709551615], "a": {"y": "q\"\n", "b": false}, "m": null}"#)
        XCTAssertEqual(CanonicalJSON.canonical(a),
                       #"{"a":{"b":false,"y":"q\"\n"},"m":null,"z":[1,1,0.001,0,18446744073709551615]}"#)
        let b = try parse(#"{"m": null, "a": {"b": false, "y": "q\"\n"}, "z": [1, 1, 1e-3, 0, 18446744073709551615]}"#)
        XCTAssertEqual(CanonicalJSON.canonical(a), CanonicalJSON.canonical(b), "key order and number spelling do not matter")
    }

    func testPrettyFormIsStable() throws {
        let v = try parse(#"{"b": [1, 2], "a": {"c": [{"x": 1.5}], "d": []}, "e": {}}"#)
        XCTAssertEqual(CanonicalJSON.pretty(v), """
        {
          "a": {
            "c": [
              {
                "x": 1.5
              }
            ],
            "d": []
          },
          "b": [1, 2],
          "e": {}
        }

        """)
    }

    func testCodableBridgeRoundTrips() throws {
        let v = try parse(#"{"a": [1, 2.5, true, null, "s"], "b": {"c": 18446744073709551615}}"#)
        let back = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(v))
        XCTAssertEqual(CanonicalJSON.canonical(back), CanonicalJSON.canonical(v))
    }
}
