import Foundation
import XCTest
@testable import Tasks

/// JSONL user datasets: label rules, every defect with its exact file:line:field, and `skipInvalid`.
final class JSONLDatasetTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try TestSupport.temporaryDirectory(self) }

    private func file(_ name: String, _ lines: [String]) throws -> URL {
        try TestSupport.write(lines.joined(separator: "\n") + "\n", name, in: dir)
    }

    private let validation = [#"{"text": "fine", "label": "pos"}"#]

    /// The error of loading `trainLines` (line numbers are 1-based in that file).
    private func trainError(_ trainLines: [String], file: StaticString = #filePath, line: UInt = #line) throws -> DataError? {
        let t = try self.file("train.jsonl", trainLines)
        let v = try self.file("dev.jsonl", validation)
        do {
            _ = try JSONLDataset.load(train: t, validation: v, test: nil, options: UserDatasetOptions())
            XCTFail("no error", file: file, line: line)
            return nil
        } catch let e as DataError { return e }
    }

    private var trainPath: String { dir.appendingPathComponent("train.jsonl").path }

    func testSingleTextsLabelsSortedAndIds() throws {
        let t = try file("train.jsonl", [#"{"text": "good film", "label": "pos", "id": "a1"}"#,
                                         #"{"text": "bad film", "label": "neg", "extra": [1, {"x": null}]}"#,
                                         #"{"idx": 7, "text": "so-so \"film\" \u00e9", "label": "pos"}"#, "", "  "])
        let v = try file("dev.jsonl", [#"{"text": "fine", "label": "pos"}"#])
        let (ds, skipped) = try JSONLDataset.load(train: t, validation: v, test: nil, options: UserDatasetOptions())
        XCTAssertEqual(skipped, 0)
        XCTAssertEqual(ds.name, "jsonl")
        XCTAssertEqual(ds.labels, ["neg", "pos"])   // lexicographic, not first appearance
        XCTAssertEqual(ds.train, [TextExample(id: "a1", text: "good film", label: 1),
                                  TextExample(id: "\(trainPath):2", text: "bad film", label: 0),
                                  TextExample(id: "7", text: "so-so \"film\" é", label: 1)])
        XCTAssertEqual(ds.validation.map(\.label), [1])
        XCTAssertEqual(ds.test, [])
    }

    func testIntegerLabelsNumericAndPairs() throws {
        let t = try file("train.jsonl", [#"{"text_a": "a", "text_b": "b", "label": 10}"#,
                                         #"{"text_a": "c", "text_b": "d", "label": 2}"#,
                                         #"{"text_a": "e", "text_b": "f", "label": "0"}"#,
                                         #"{"text_a": "g", "text_b": "h", "label": 1}"#])
        let v = try file("dev.jsonl", [#"{"text_a": "x", "text_b": "y", "label": "1"}"#])
        let te = try file("test.jsonl", [#"{"text_a": "x", "text_b": "y", "label": 0}"#])
        let (ds, _) = try JSONLDataset.load(train: t, validation: v, test: te, options: UserDatasetOptions())
        XCTAssertEqual(ds.labels, ["0", "1", "2", "10"])
        XCTAssertEqual(ds.train.map(\.label), [3, 2, 0, 1])
        XCTAssertEqual(ds.train[0].textPair, "b")
        XCTAssertEqual(ds.validation.map(\.label), [1])   // "1" and 1 are the same label
        XCTAssertEqual(ds.test.map(\.label), [0])
    }

    func testNLILabelOrderAndCRLFAndBOM() throws {
        let t = try TestSupport.write([0xEF, 0xBB, 0xBF] + Array((#"{"text_a": "a", "text_b": "b", "label": "neutral"}"# + "\r\n"
            + #"{"text_a": "a", "text_b": "b", "label": "contradiction"}"# + "\r\n"
            + #"{"text_a": "a", "text_b": "b", "label": "entailment"}"# + "\r\n").utf8), "train.jsonl", in: dir)
        let v = try file("dev.jsonl", [#"{"text_a": "x", "text_b": "y", "label": "entailment"}"#])
        let (ds, _) = try JSONLDataset.load(train: t, validation: v, test: nil, options: UserDatasetOptions())
        XCTAssertEqual(ds.labels, ["entailment", "neutral", "contradiction"])
        XCTAssertEqual(ds.train.map(\.label), [1, 2, 0])
    }

    func testEveryDefectNamesFileLineField() throws {
        let ok = #"{"text": "ok", "label": "pos"}"#
        let f = trainPath
        let cases: [(String, DataError)] = [
            (#"{"text": "a", "label": "pos""#, .badJSON(file: f, line: 2, reason: "unexpected end of line, expected ',' or '}'")),
            (#"[1, 2]"#, .badJSON(file: f, line: 2, reason: "expected a JSON object, got an array")),
            (#"{"text": "a", "text": "b", "label": "pos"}"#, .badJSON(file: f, line: 2, reason: "duplicate key \"text\" at column 15")),
            (#"{"text": "a", "label": "pos"} x"#, .badJSON(file: f, line: 2, reason: "unexpected 'x' at column 31 after the JSON value")),
            (#"{"text": 'a', "label": "pos"}"#, .badJSON(file: f, line: 2, reason: "unexpected ''' at column 10, expected a value")),
            (#"{"label": "pos"}"#, .missingField(file: f, line: 2, field: "text")),
            (#"{"text_a": "x", "label": "pos"}"#, .missingField(file: f, line: 2, field: "text_b")),
            (#"{"text_b": "x", "label": "pos"}"#, .missingField(file: f, line: 2, field: "text_a")),
            (#"{"text": "x"}"#, .missingField(file: f, line: 2, field: "label")),
            (#"{"text": 5, "label": "pos"}"#, .wrongType(file: f, line: 2, field: "text", expected: "a string", found: "an integer")),
            (#"{"text_a": "x", "text_b": ["y"], "label": "pos"}"#,
             .wrongType(file: f, line: 2, field: "text_b", expected: "a string", found: "an array")),
            (#"{"text": "x", "label": 1.5}"#,
             .wrongType(file: f, line: 2, field: "label", expected: "a string or an integer", found: "a non-integer number")),
            (#"{"text": "x", "label": true}"#,
             .wrongType(file: f, line: 2, field: "label", expected: "a string or an integer", found: "a boolean")),
            (#"{"text": "x", "label": null}"#,
             .wrongType(file: f, line: 2, field: "label", expected: "a string or an integer", found: "null")),
            (#"{"text": "x", "label": "pos", "id": 1.0}"#,
             .wrongType(file: f, line: 2, field: "id", expected: "a string or an integer", found: "a non-integer number")),
            (#"{"text": " \t ", "label": "pos"}"#, .emptyText(file: f, line: 2, field: "text")),
            (#"{"text_a": "x", "text_b": "", "label": "pos"}"#, .emptyText(file: f, line: 2, field: "text_b")),
            (#"{"text": "x", "label": ""}"#, .emptyText(file: f, line: 2, field: "label")),
            (#"{"text": "x", "text_a": "y", "label": "pos"}"#,
             .malformedLine(file: f, line: 2, reason: "both 'text' and 'text_a'/'text_b' given; use one form")),
        ]
        for (bad, expected) in cases {
            XCTAssertEqual(try trainError([ok, bad, ok]), expected, bad)
        }
        XCTAssertEqual(try trainError([ok, "", ok]),
                       .badJSON(file: f, line: 2, reason: "empty line (only empty lines at the end of the file are allowed)"))
        XCTAssertEqual(DataError.missingField(file: f, line: 2, field: "text").description, "\(f):2: field 'text': missing")
    }

    func testInvalidUTF8() throws {
        var bytes = Array((#"{"text": "ok", "label": "pos"}"# + "\n").utf8)
        bytes += Array(#"{"text": "caf"#.utf8) + [0xC3, 0x28] + Array(#"", "label": "pos"}"#.utf8) + [0x0A]
        let t = try TestSupport.write(bytes, "train.jsonl", in: dir)
        let v = try file("dev.jsonl", validation)
        XCTAssertThrowsDataError(try JSONLDataset.load(train: t, validation: v, test: nil, options: UserDatasetOptions()),
                                 .invalidUTF8(file: t.path, line: 2))
    }

    func testUnseenLabelNamesValidationFile() throws {
        let t = try file("train.jsonl", [#"{"text": "a", "label": "pos"}"#, #"{"text": "b", "label": "neg"}"#])
        let v = try file("dev.jsonl", [#"{"text": "c", "label": "pos"}"#, #"{"text": "d", "label": "meh"}"#])
        XCTAssertThrowsDataError(try JSONLDataset.load(train: t, validation: v, test: nil, options: UserDatasetOptions()),
                                 .unseenLabel(file: v.path, line: 2, label: "meh"))
        let te = try file("test.jsonl", [#"{"text": "e", "label": 3}"#])
        let v2 = try file("dev2.jsonl", [#"{"text": "c", "label": "pos"}"#])
        XCTAssertThrowsDataError(try JSONLDataset.load(train: t, validation: v2, test: te, options: UserDatasetOptions()),
                                 .unseenLabel(file: te.path, line: 1, label: "3"))
    }

    func testSkipInvalidCounts() throws {
        let t = try file("train.jsonl", [#"{"text": "a", "label": "pos"}"#, "not json", #"{"text": ""  , "label": "neg"}"#,
                                         "", #"{"text": "b", "label": "neg"}"#, #"{"label": "neg"}"#])
        let v = try file("dev.jsonl", [#"{"text": "c", "label": "pos"}"#, #"{"text": "d", "label": "meh"}"#, "[]"])
        let (ds, skipped) = try JSONLDataset.load(train: t, validation: v, test: nil, options: UserDatasetOptions(skipInvalid: true))
        XCTAssertEqual(skipped, 4 + 2)
        XCTAssertEqual(ds.train.map(\.text), ["a", "b"])
        XCTAssertEqual(ds.validation.map(\.text), ["c"])
        // A split left empty is still an error.
        let bad = try file("bad.jsonl", ["x", "y"])
        XCTAssertThrowsDataError(try JSONLDataset.load(train: bad, validation: v, test: nil, options: UserDatasetOptions(skipInvalid: true)),
                                 .noExamples(file: bad.path))
    }

    func testMissingFile() throws {
        let v = try file("dev.jsonl", validation)
        let missing = dir.appendingPathComponent("nope.jsonl")
        XCTAssertThrowsDataError(try JSONLDataset.load(train: missing, validation: v, test: nil, options: UserDatasetOptions()),
                                 .missingFile(path: missing.path))
    }

    func testJSONValueParser() throws {
        func parse(_ s: String) throws -> JSONValue { try JSONValue.parse(Array(s.utf8)) }
        XCTAssertEqual(try parse(#" "a\"b\\c\/\n\t\u00e9\ud83d\ude00" "#), .string("a\"b\\c/\n\té😀"))
        XCTAssertEqual(try parse("-0"), .integer("-0"))
        XCTAssertEqual(try parse("12e3"), .number("12e3"))
        XCTAssertEqual(try parse("[true, false, null, {}]"), .array([.bool(true), .bool(false), .null, .object([:])]))
        for bad in ["01", "[1,]", "{\"a\" 1}", "\"\\ud83d\"", "\"\\x\"", "\"a\tb\"", "tru", "1.", "-", "", "{\"a\":1,}"] {
            XCTAssertThrowsError(try parse(bad), bad)
        }
    }
}
