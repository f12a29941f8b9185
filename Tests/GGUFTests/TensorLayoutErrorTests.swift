import Foundation
import XCTest
@testable import GGUF

/// Malformed tensor infos and data layouts, each refused with the documented error; the accepted edge cases too.
final class TensorLayoutErrorTests: XCTestCase {
    private func f32(_ name: String, _ count: Int, offset: UInt64? = nil) -> TestTensor {
        TestTensor(name, type: .f32, dimensions: [UInt64(count)], data: bytes(ofFloats: (0..<count).map(Float.init)),
                   offset: offset)
    }

    /// The offset of the first tensor info in a file without metadata.
    private let firstInfo = 24

    func testValidLayoutReadsBack() throws {
        let g = TestGGUF(tensors: [f32("a", 3), f32("b", 8), TestTensor("empty", type: .f32, dimensions: [0, 4], data: []),
                                   f32("c", 1)])
        let file = try g.open()
        XCTAssertEqual(file.tensors.map(\.name), ["a", "b", "empty", "c"])
        XCTAssertEqual(file.tensors.map(\.byteRange), [0..<12, 32..<64, 64..<64, 64..<68])
        XCTAssertEqual(file.info("empty")?.shape, [4, 0])
        XCTAssertEqual(file.info("empty")?.elementCount, 0)
        XCTAssertEqual(try file.floats("empty"), [])
        XCTAssertEqual(try file.floats("b"), (0..<8).map(Float.init))
        XCTAssertEqual(file.dataOffset, g.padded(g.headerBytes.count))
        XCTAssertTrue(file.contains("c"))
        XCTAssertNil(file.info("d"))
    }

    func testScalarTensor() throws {
        let file = try TestGGUF(tensors: [TestTensor("s", type: .f32, dimensions: [], data: bytes(ofFloats: [2.5]))]).open()
        XCTAssertEqual(file.info("s")?.shape, [])
        XCTAssertEqual(try file.floats("s"), [2.5])
    }

    func testUnknownAndRemovedTypes() {
        let typeOffset = firstInfo + 8 + 1 + 4 + 8
        for raw: UInt32 in [4, 5, 31, 36, 99, .max] {
            assertThrows(.unknownTensorType(file: "f", tensor: "w", offset: typeOffset, type: raw), mentions: ["'w'", "\(raw)"]) {
                try TestGGUF(tensors: [TestTensor("w", rawType: raw, dimensions: [32], data: [])]).open(label: "f")
            }
        }
    }

    func testInvalidDimensions() {
        func check(_ dims: [UInt64], type: GGMLType = .f32, _ reason: String) {
            assertThrows(.invalidTensorInfo(file: "f", tensor: "w", offset: firstInfo, reason: reason), mentions: ["'w'"]) {
                try TestGGUF(tensors: [TestTensor("w", type: type, dimensions: dims, data: [])]).open(label: "f")
            }
        }
        check([1, 1, 1, 1, 1], "5 dimensions, more than 4")
        check([2, 1 << 63], "dimension 1 is 9223372036854775808, above 2^63 - 1")
        check([1 << 32, 1 << 32], "the element count of dimensions [4294967296, 4294967296] overflows")
        check([1 << 62], "the byte size of dimensions [4611686018427387904] overflows")
        check([33, 2], type: .q4_1, "row length 33 is not a multiple of Q4_1's block size 32")
        check([], type: .q8_0, "row length 1 is not a multiple of Q8_0's block size 32")
    }

    func testInvalidNames() {
        let long = String(repeating: "n", count: GGUFFile.maxTensorNameLength + 1)
        for name in ["", long] {
            assertThrows(.invalidTensorInfo(file: "f", tensor: name, offset: firstInfo,
                                            reason: "the name is \(name.utf8.count) bytes; 1 to 64 are allowed")) {
                try TestGGUF(tensors: [f32(name, 1)]).open(label: "f")
            }
        }
        XCTAssertNoThrow(try TestGGUF(tensors: [f32(String(long.dropLast()), 1)]).open())
        var w = ByteWriter()
        w.bytes += Array("GGUF".utf8)
        w.int(UInt32(3))
        w.int(UInt64(1))
        w.int(UInt64(0))
        w.rawString([0x77, 0xC0])
        w.bytes += [UInt8](repeating: 0, count: 32)  // room for the rest of an info, so the count is plausible
        assertThrows(.invalidTensorInfo(file: "f", tensor: "w\u{FFFD}", offset: firstInfo, reason: "the name is not valid UTF-8")) {
            try GGUFFile(data: Data(w.bytes), label: "f")
        }
    }

    func testDuplicateTensorNames() {
        assertThrows(.duplicateTensor(file: "f", tensor: "a"), mentions: ["'a'", "twice"]) {
            try TestGGUF(tensors: [f32("a", 1), f32("a", 1)]).open(label: "f")
        }
    }

    func testMisalignedTensor() {
        assertThrows(.misalignedTensor(file: "f", tensor: "b", offset: 16, alignment: 32), mentions: ["16", "32"]) {
            try TestGGUF(tensors: [f32("a", 4), f32("b", 4, offset: 16)]).open(label: "f")
        }
    }

    func testTensorOutOfRange() {
        assertThrows(.tensorOutOfRange(file: "f", tensor: "b", end: 1024 + 16, dataSize: 48), mentions: ["1040", "48"]) {
            var g = TestGGUF(tensors: [f32("a", 4), f32("b", 4, offset: 1024)])
            g.padLastTensor = false
            return try g.open(label: "f")
        }
        let huge = UInt64.max - 31  // aligned, and offset + size overflows
        assertThrows(.tensorOutOfRange(file: "f", tensor: "a", end: .max, dataSize: 64)) {
            try TestGGUF(tensors: [f32("a", 16, offset: huge)]).open(label: "f")
        }
    }

    func testOverlappingTensors() {
        assertThrows(.overlappingTensors(file: "f", first: "a", second: "b"), mentions: ["'a'", "'b'", "overlap"]) {
            try TestGGUF(tensors: [f32("a", 16), f32("b", 8, offset: 32)]).open(label: "f")
        }
        assertThrows(.overlappingTensors(file: "f", first: "a", second: "b")) {
            try TestGGUF(tensors: [f32("a", 8), f32("b", 8, offset: 0)]).open(label: "f")
        }
    }

    func testTensorsMustFollowEachOtherInInfoOrder() {
        // A gap of one alignment unit.
        assertThrows(.unexpectedTensorOffset(file: "f", tensor: "b", offset: 64, expected: 32), mentions: ["64", "32"]) {
            var g = TestGGUF(tensors: [f32("a", 4), f32("b", 4, offset: 64)])
            g.trailing = [UInt8](repeating: 0, count: 32)
            return try g.open(label: "f")
        }
        // Data in the other order than the infos.
        assertThrows(.unexpectedTensorOffset(file: "f", tensor: "a", offset: 32, expected: 0)) {
            try TestGGUF(tensors: [f32("a", 4, offset: 32), f32("b", 4, offset: 0)]).open(label: "f")
        }
    }

    func testTrailingBytes() throws {
        assertThrows(.trailingBytes(file: "f", usedBytes: 64, dataSize: 96), mentions: ["64", "96"]) {
            var g = TestGGUF(tensors: [f32("a", 4), f32("b", 4)])
            g.trailing = [UInt8](repeating: 0, count: 32)
            return try g.open(label: "f")
        }
        // The last tensor's padding may be present or absent.
        var g = TestGGUF(tensors: [f32("a", 4), f32("b", 4)])
        XCTAssertEqual(try g.open().tensors.count, 2)
        g.padLastTensor = false
        XCTAssertEqual(try g.open().tensors.count, 2)
    }

    func testNoTensorsNeedsNoPadding() throws {
        var w = ByteWriter()
        w.bytes += Array("GGUF".utf8)
        w.int(UInt32(3))
        w.int(UInt64(0))
        w.int(UInt64(1))
        w.pair("general.architecture", .string("llama"))
        let file = try GGUFFile(data: Data(w.bytes), label: "f")
        XCTAssertTrue(file.tensors.isEmpty)
        XCTAssertEqual(file.dataOffset, w.bytes.count)
    }

    func testPaddingBeforeTheDataSectionIsRequiredWithTensors() {
        let g = TestGGUF(tensors: [f32("a", 0)])
        let header = g.headerBytes
        XCTAssertNotEqual(header.count % 32, 0, "the test needs a header that is not already aligned")
        assertThrows(.truncated(file: "f", field: "padding before the data section", offset: header.count,
                                needed: UInt64(g.padded(header.count) - header.count), fileSize: header.count)) {
            try GGUFFile(data: Data(header), label: "f")
        }
    }

    func testAccessorErrors() throws {
        var g = TestGGUF(tensors: [f32("a", 4)])
        g.tensors.append(TestTensor("q", type: .q4_0, dimensions: [32], data: [UInt8](repeating: 0, count: 18)))
        let file = try g.open(label: "f")
        assertThrows(.tensorNotFound(file: "f", tensor: "zz"), mentions: ["'zz'"]) { try file.floats("zz") }
        assertThrows(.unsupportedTensorType(file: "f", tensor: "q", type: .q4_0, supported: "F32, F16, Q8_0, Q4_1"),
                     mentions: ["Q4_0", "F32, F16, Q8_0, Q4_1"]) { try file.floats("q") }
        assertThrows(.shapeMismatch(file: "f", tensor: "a", shape: [4], expected: [2, 2]), mentions: ["[4]", "[2, 2]"]) {
            try file.floats("a", shape: [2, 2])
        }
        XCTAssertEqual(try file.floats("a", shape: [4]), [0, 1, 2, 3])
    }
}
