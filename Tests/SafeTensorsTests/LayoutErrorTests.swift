import Foundation
import XCTest
@testable import SafeTensors

/// The tensors must tile the data section exactly (the reference implementation's rule).
final class LayoutErrorTests: XCTestCase {
    private func load(_ header: String, dataBytes: Int) throws -> SafeTensorsFile {
        try SafeTensorsFile(data: craftedFile(header: header, data: Array(repeating: 0, count: dataBytes)), label: "layout.st")
    }

    func testOverlappingTensors() {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        assertThrows(.overlappingTensors(file: "layout.st", first: "a", second: "b"), mentions: ["layout.st", "'a'", "'b'"]) {
            try load(header, dataBytes: 12)
        }
    }

    func testSameRangeTwiceIsAnOverlap() {
        let header = #"{"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}"#
        assertThrows(.overlappingTensors(file: "layout.st", first: "a", second: "b"), mentions: ["'a'", "'b'"]) {
            try load(header, dataBytes: 8)
        }
    }

    func testEmptyTensorInsideAnotherIsAnOverlap() {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}"#
        assertThrows(.overlappingTensors(file: "layout.st", first: "a", second: "e"), mentions: ["'a'", "'e'"]) {
            try load(header, dataBytes: 8)
        }
    }

    func testEmptyTensorsAtBoundariesAreFine() throws {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"e":{"dtype":"F32","shape":[0],"data_offsets":[8,8]},"#
            + #""s":{"dtype":"F32","shape":[3,0],"data_offsets":[0,0]}}"#
        let file = try load(header, dataBytes: 8)
        XCTAssertEqual(file.tensors.map(\.name), ["a", "e", "s"])
        XCTAssertEqual(try file.floats("s"), [])
    }

    func testGapBetweenTensors() {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        assertThrows(.gapBeforeTensor(file: "layout.st", tensor: "b", expectedOffset: 4, actualOffset: 8),
                     mentions: ["layout.st", "'b'", "4", "8"]) {
            try load(header, dataBytes: 12)
        }
    }

    func testGapAtStart() {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        assertThrows(.gapBeforeTensor(file: "layout.st", tensor: "a", expectedOffset: 0, actualOffset: 4), mentions: ["'a'"]) {
            try load(header, dataBytes: 8)
        }
    }

    func testTrailingBytesAfterLastTensor() {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        assertThrows(.trailingBytes(file: "layout.st", usedBytes: 4, dataSize: 5), mentions: ["layout.st", "4", "5-byte"]) {
            try load(header, dataBytes: 5)
        }
        assertThrows(.trailingBytes(file: "layout.st", usedBytes: 0, dataSize: 3), mentions: ["layout.st"]) {
            try load("{}", dataBytes: 3)
        }
    }

    func testOffsetsNeedNotFollowNameOrder() throws {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        let file = try SafeTensorsFile(data: craftedFile(header: header, data: bytes(ofFloats: [2, 1])), label: "order")
        XCTAssertEqual(file.tensors.map(\.name), ["a", "b"])
        XCTAssertEqual(try file.floats("a"), [1])
        XCTAssertEqual(try file.floats("b"), [2])
    }
}
