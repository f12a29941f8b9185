import Foundation
import XCTest
@testable import SafeTensors

/// Failures detected before any tensor entry is looked at: the length prefix and the JSON itself.
final class HeaderErrorTests: XCTestCase {
    func testFileShorterThanLengthPrefix() {
        for size in 0..<8 {
            assertThrows(.fileTooSmall(file: "tiny.st", size: size), mentions: ["tiny.st", "\(size) bytes"]) {
                try SafeTensorsFile(data: Data(repeating: 0, count: size), label: "tiny.st")
            }
        }
    }

    func testHeaderLengthBeyondFile() {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        let data = craftedFile(header: header, data: [0, 0, 0, 0], headerLength: 1000)
        assertThrows(.headerLengthOutOfBounds(file: "cut.st", headerLength: 1000, fileSize: data.count),
                     mentions: ["cut.st", "1000"]) {
            try SafeTensorsFile(data: data, label: "cut.st")
        }
        // A length that would overflow Int when 8 is added is reported, not trapped on.
        let huge = craftedFile(header: "{}", headerLength: UInt64.max)
        assertThrows(.headerLengthOutOfBounds(file: "huge.st", headerLength: UInt64.max, fileSize: huge.count),
                     mentions: ["huge.st"]) {
            try SafeTensorsFile(data: huge, label: "huge.st")
        }
    }

    func testHeaderLengthAboveReferenceLimit() {
        let data = craftedFile(header: "{}", headerLength: 100_000_001)
        assertThrows(.headerLengthOutOfBounds(file: "big.st", headerLength: 100_000_001, fileSize: data.count),
                     mentions: ["big.st", "100000001"]) {
            try SafeTensorsFile(data: data, label: "big.st")
        }
    }

    /// Asserts an `invalidHeaderJSON` whose reason contains `reasonPart`.
    private func assertInvalidJSON(_ header: String, reasonPart: String, file: StaticString = #filePath, line: UInt = #line) {
        assertInvalidJSON(craftedFile(header: header), reasonPart: reasonPart, file: file, line: line)
    }

    private func assertInvalidJSON(_ data: Data, reasonPart: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try SafeTensorsFile(data: data, label: "bad.st")
            XCTFail("no error", file: file, line: line)
        } catch let SafeTensorsError.invalidHeaderJSON(label, reason) {
            XCTAssertEqual(label, "bad.st", file: file, line: line)
            XCTAssertTrue(reason.contains(reasonPart), "reason \"\(reason)\" lacks \"\(reasonPart)\"", file: file, line: line)
            let description = SafeTensorsError.invalidHeaderJSON(file: label, reason: reason).description
            XCTAssertTrue(description.contains("bad.st"), file: file, line: line)
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
    }

    func testMalformedJSON() {
        assertInvalidJSON(#"{"a": {"dtype": "F32""#, reasonPart: "unterminated")
        assertInvalidJSON(#"{"a": }"#, reasonPart: "unexpected character")
        assertInvalidJSON(#"{"a": 1,}"#, reasonPart: "expected a string key")
        assertInvalidJSON(#"{'a': 1}"#, reasonPart: "expected a string key")
        assertInvalidJSON(#"{"a": 01}"#, reasonPart: "leading zero")
        assertInvalidJSON(#"{"a": tru}"#, reasonPart: "invalid literal")
        assertInvalidJSON(#"{"a": "\x"}"#, reasonPart: "invalid escape")
        assertInvalidJSON(#"{"a": "\ud800"}"#, reasonPart: "unpaired surrogate")
        assertInvalidJSON("{\"a\": \"tab\there\"}", reasonPart: "control character")
        assertInvalidJSON(#"{} x"#, reasonPart: "after the top-level value")
        assertInvalidJSON("", reasonPart: "unexpected end")
        assertInvalidJSON(String(repeating: "[", count: 100), reasonPart: "nesting")
        // Invalid UTF-8 in the header bytes.
        var bytes = Data()
        withUnsafeBytes(of: UInt64(4).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [0x7B, 0xFF, 0xFE, 0x7D])
        assertInvalidJSON(bytes, reasonPart: "UTF-8")
    }

    func testDuplicateKeysAreRejected() {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        assertInvalidJSON(craftedFile(header: header, data: [0, 0, 0, 0]), reasonPart: "duplicate key \"a\"")
    }

    func testHeaderNotAnObject() {
        assertInvalidJSON(#"[1, 2]"#, reasonPart: "array, not an object")
        assertInvalidJSON(#""text""#, reasonPart: "string, not an object")
        assertInvalidJSON("   ", reasonPart: "unexpected end")
    }

    func testMetadataMustMapStringsToStrings() {
        assertInvalidJSON(#"{"__metadata__": {"epochs": 3}}"#, reasonPart: "\"epochs\" is a number")
        assertInvalidJSON(#"{"__metadata__": ["x"]}"#, reasonPart: "__metadata__ is an array")
    }
}
