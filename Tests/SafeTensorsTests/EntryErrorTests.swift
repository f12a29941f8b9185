import Foundation
import XCTest
@testable import SafeTensors

/// Failures in a single tensor entry: fields, types, dtype, size and bounds.
final class EntryErrorTests: XCTestCase {
    private func load(_ header: String, dataBytes: Int = 8) throws -> SafeTensorsFile {
        try SafeTensorsFile(data: craftedFile(header: header, data: Array(repeating: 0, count: dataBytes)), label: "entry.st")
    }

    private func assertInvalidEntry(_ header: String, tensor: String = "w", reasonPart: String,
                                    file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try load(header)
            XCTFail("no error", file: file, line: line)
        } catch let error as SafeTensorsError {
            guard case let .invalidEntry(label, name, reason) = error else {
                return XCTFail("expected invalidEntry, got \(error)", file: file, line: line)
            }
            XCTAssertEqual(label, "entry.st", file: file, line: line)
            XCTAssertEqual(name, tensor, file: file, line: line)
            XCTAssertTrue(reason.contains(reasonPart), "reason \"\(reason)\" lacks \"\(reasonPart)\"", file: file, line: line)
            XCTAssertTrue(error.description.contains("'\(tensor)'") && error.description.contains("entry.st"), file: file, line: line)
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
    }

    func testMissingFields() {
        assertInvalidEntry(#"{"w":{"dtype":"F32","shape":[2]}}"#, reasonPart: "missing \"data_offsets\"")
        assertInvalidEntry(#"{"w":{"dtype":"F32","data_offsets":[0,8]}}"#, reasonPart: "missing \"shape\"")
        assertInvalidEntry(#"{"w":{"shape":[2],"data_offsets":[0,8]}}"#, reasonPart: "missing \"dtype\"")
    }

    func testWrongJSONTypes() {
        assertInvalidEntry(#"{"w":[1,2]}"#, reasonPart: "entry is an array, not an object")
        assertInvalidEntry(#"{"w":{"dtype":32,"shape":[2],"data_offsets":[0,8]}}"#, reasonPart: "\"dtype\" is a number")
        assertInvalidEntry(#"{"w":{"dtype":"F32","shape":"2","data_offsets":[0,8]}}"#, reasonPart: "\"shape\" is a string")
        assertInvalidEntry(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0]}}"#, reasonPart: "[begin, end] pair")
        assertInvalidEntry(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":{"0":8}}}"#, reasonPart: "[begin, end] pair")
        assertInvalidEntry(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,"8"]}}"#, reasonPart: "0, \"8\"")
    }

    func testNegativeFractionalAndHugeNumbers() {
        assertInvalidEntry(#"{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, reasonPart: "holds -2")
        assertInvalidEntry(#"{"w":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}"#, reasonPart: "holds 2.0")
        assertInvalidEntry(#"{"w":{"dtype":"F32","shape":[2e0],"data_offsets":[0,8]}}"#, reasonPart: "holds 2e0")
        assertInvalidEntry(#"{"w":{"dtype":"F32","shape":[null],"data_offsets":[0,8]}}"#, reasonPart: "holds null")
        assertInvalidEntry(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[-1,8]}}"#, reasonPart: "-1")
        assertInvalidEntry(#"{"w":{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,8]}}"#,
                           reasonPart: "99999999999999999999")
        assertInvalidEntry(#"{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#,
                           reasonPart: "overflows")
        assertInvalidEntry(#"{"w":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,8]}}"#,
                           reasonPart: "overflows")
        assertInvalidEntry(#"{"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}"#, reasonPart: "begin 8 is after end 0")
    }

    func testUnknownDType() {
        assertThrows(.unknownDType(file: "entry.st", tensor: "w", dtype: "float32"), mentions: ["entry.st", "'w'", "float32"]) {
            try load(#"{"w":{"dtype":"float32","shape":[2],"data_offsets":[0,8]}}"#)
        }
        assertThrows(.unknownDType(file: "entry.st", tensor: "w", dtype: "f32"), mentions: ["'w'"]) {
            try load(#"{"w":{"dtype":"f32","shape":[2],"data_offsets":[0,8]}}"#)
        }
    }

    func testShapeTimesDTypeSizeMustEqualByteRange() {
        assertThrows(.sizeMismatch(file: "entry.st", tensor: "w", expectedBytes: 12, actualBytes: 8),
                     mentions: ["entry.st", "'w'", "12", "8"]) {
            try load(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#)
        }
        assertThrows(.sizeMismatch(file: "entry.st", tensor: "w", expectedBytes: 16, actualBytes: 8), mentions: ["'w'"]) {
            try load(#"{"w":{"dtype":"I64","shape":[2],"data_offsets":[0,8]}}"#)
        }
    }

    func testOffsetsBeyondData() {
        assertThrows(.offsetsOutOfBounds(file: "entry.st", tensor: "w", end: 12, dataSize: 8),
                     mentions: ["entry.st", "'w'", "12", "8-byte"]) {
            try load(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}"#)
        }
    }

    func testFirstBadEntryInNameOrderIsReported() {
        let header = #"{"z":{"dtype":"X","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"Y","shape":[2],"data_offsets":[0,8]}}"#
        assertThrows(.unknownDType(file: "entry.st", tensor: "a", dtype: "Y"), mentions: ["'a'"]) { try load(header) }
    }
}
