import Foundation
import XCTest
@testable import GGUF

/// Malformed headers and metadata: each refused with the documented error, naming the file, the key or the offset.
final class HeaderErrorTests: XCTestCase {
    /// Offset of the first metadata pair: magic 4 + version 4 + two counts of 8.
    let firstPair = 24

    func testBadMagic() {
        assertThrows(.badMagic(file: "f", found: Array("GGML".utf8)), mentions: ["47 47 4d 4c"]) {
            try TestGGUF(magic: Array("GGML".utf8)).open(label: "f")
        }
    }

    func testUnsupportedVersions() {
        assertThrows(.unsupportedVersion(file: "f", version: 1,
                                         reason: "version 1 (32-bit counts) is not supported; versions 2 and 3 are")) {
            try TestGGUF(version: 1).open(label: "f")
        }
        assertThrows(.unsupportedVersion(file: "f", version: 4, reason: "versions 2 and 3 are supported")) {
            try TestGGUF(version: 4).open(label: "f")
        }
        assertThrows(.unsupportedVersion(file: "f", version: 0x0300_0000,
                                         reason: "the bytes read big-endian are 3: big-endian files are not supported"),
                     mentions: ["big-endian"]) { try TestGGUF(version: 0x0300_0000).open(label: "f") }
    }

    /// Every proper prefix of a valid file (whose last tensor is not padded) is refused: truncated header fields, strings, values and tensor infos, or
    /// tensor data missing at the end. Nothing crashes, nothing is read past the end.
    func testEveryTruncationIsRefused() throws {
        var g = TestGGUF(metadata: MetadataTests.everyType)
        g.tensors = [TestTensor("a", type: .f32, dimensions: [3], data: bytes(ofFloats: [1, 2, 3])),
                     TestTensor("b", type: .q8_0, dimensions: [32, 2], data: [UInt8](repeating: 1, count: 68))]
        g.padLastTensor = false  // so that no proper prefix is a whole file
        let full = g.bytes
        let file = try GGUFFile(data: Data(full), label: "t")
        for length in 0..<full.count {
            do {
                _ = try GGUFFile(data: Data(full[0..<length]), label: "t")
                XCTFail("prefix of \(length) bytes was accepted")
            } catch let error as GGUFError {
                switch error {
                case .truncated, .countTooLarge:
                    XCTAssertLessThan(length, file.dataOffset, "\(length): \(error)")
                case .tensorOutOfRange:
                    XCTAssertGreaterThanOrEqual(length, file.dataOffset, "\(length): \(error)")
                default:
                    XCTFail("prefix of \(length) bytes: unexpected \(error)")
                }
                XCTAssertTrue(error.description.contains("'t'"), error.description)
            }
        }
    }

    func testTruncatedFieldNamesFieldAndOffset() {
        var w = ByteWriter()
        w.bytes += Array("GGUF".utf8)
        w.int(UInt32(3))
        w.int(UInt64(0))
        w.int(UInt64(1))
        w.string("general.name")
        w.int(GGUFValueType.string.rawValue)
        w.int(UInt64(1000))  // a string of 1000 bytes, 3 present
        w.bytes += Array("abc".utf8)
        assertThrows(.truncated(file: "f", field: "string value of 'general.name'", offset: 56, needed: 1000, fileSize: 59),
                     mentions: ["general.name", "offset 56", "1000"]) { try GGUFFile(data: Data(w.bytes), label: "f") }
    }

    func testCountsAreBoundedBeforeAllocation() {
        assertThrows(.countTooLarge(file: "f", field: "metadata_kv_count", offset: 16, count: .max, remainingBytes: 8)) {
            try TestGGUF(metadataCount: .max).open(label: "f")
        }
        assertThrows(.countTooLarge(file: "f", field: "tensor_count", offset: 8, count: 1 << 40, remainingBytes: 16)) {
            try TestGGUF(tensorCount: 1 << 40).open(label: "f")
        }
        // An array claiming 2^61 uint64 elements: refused from its length alone.
        var w = ByteWriter()
        w.string("big")
        w.int(GGUFValueType.array.rawValue)
        w.int(GGUFValueType.uint64.rawValue)
        w.int(UInt64(1) << 61)
        let file = header(pairs: 1) + w.bytes + [UInt8](repeating: 0, count: 16)
        let lengthOffset = firstPair + 8 + 3 + 4 + 4
        assertThrows(.countTooLarge(file: "f", field: "array length of 'big'", offset: lengthOffset, count: 1 << 61,
                                    remainingBytes: 16)) { try GGUFFile(data: Data(file), label: "f") }
    }

    func testInvalidKeys() {
        assertThrows(.invalidKey(file: "f", offset: firstPair, reason: "the key is empty")) {
            try TestGGUF(metadata: [("", .uint8(1))]).open(label: "f")
        }
        assertThrows(.invalidKey(file: "f", offset: firstPair, reason: "byte 8 of the key is 0xc3, not ASCII")) {
            try TestGGUF(metadata: [("general.é", .uint8(1))]).open(label: "f")
        }
        let long = String(repeating: "k", count: GGUFFile.maxKeyLength + 1)
        assertThrows(.invalidKey(file: "f", offset: firstPair, reason: "the key is 65536 bytes, longer than 65535")) {
            try TestGGUF(metadata: [(long, .uint8(1))]).open(label: "f")
        }
        XCTAssertNoThrow(try TestGGUF(metadata: [(String(long.dropLast()), .uint8(1))]).open())
    }

    func testDuplicateKey() {
        let second = firstPair + 8 + 1 + 4 + 1
        assertThrows(.duplicateKey(file: "f", key: "k", offset: second), mentions: ["'k'", "twice"]) {
            try TestGGUF(metadata: [("k", .uint8(1)), ("k", .uint8(2))]).open(label: "f")
        }
    }

    func testUnknownValueTypes() {
        var w = ByteWriter()
        w.string("k")
        w.int(UInt32(13))
        w.int(UInt32(0))
        assertThrows(.unknownValueType(file: "f", key: "k", offset: firstPair + 9, type: 13)) {
            try GGUFFile(data: Data(header(pairs: 1) + w.bytes), label: "f")
        }
        w = ByteWriter()
        w.string("k")
        w.int(GGUFValueType.array.rawValue)
        w.int(UInt32.max)
        w.int(UInt64(0))
        assertThrows(.unknownValueType(file: "f", key: "k", offset: firstPair + 13, type: .max)) {
            try GGUFFile(data: Data(header(pairs: 1) + w.bytes), label: "f")
        }
    }

    func testInvalidValues() {
        var w = ByteWriter()
        w.string("flag")
        w.int(GGUFValueType.bool.rawValue)
        w.int(UInt8(2))
        assertThrows(.invalidValue(file: "f", key: "flag", offset: firstPair + 16, reason: "bool byte 2, expected 0 or 1")) {
            try GGUFFile(data: Data(header(pairs: 1) + w.bytes), label: "f")
        }
        w = ByteWriter()
        w.string("s")
        w.int(GGUFValueType.string.rawValue)
        w.rawString([0x61, 0xFF, 0x62])
        assertThrows(.invalidValue(file: "f", key: "s", offset: firstPair + 13, reason: "the string is not valid UTF-8")) {
            try GGUFFile(data: Data(header(pairs: 1) + w.bytes), label: "f")
        }
    }

    func testArrayNestingIsBounded() {
        func nested(_ depth: Int) -> GGUFValue {
            depth == 1 ? .array(elementType: .uint8, values: [.uint8(1)])
                : .array(elementType: .array, values: [nested(depth - 1)])
        }
        XCTAssertNoThrow(try TestGGUF(metadata: [("deep", nested(GGUFFile.maxArrayDepth))]).open())
        XCTAssertEqual(try TestGGUF(metadata: [("deep", nested(8))]).open().metadata["deep"], nested(8))
        do {
            _ = try TestGGUF(metadata: [("deep", nested(GGUFFile.maxArrayDepth + 1))]).open(label: "f")
            XCTFail("9 nested arrays accepted")
        } catch let GGUFError.invalidValue(file, key, _, reason) {
            XCTAssertEqual([file, key, reason], ["f", "deep", "arrays nested deeper than 8"])
        } catch {
            XCTFail("unexpected \(error)")
        }
    }

    func testAlignmentRules() {
        for (value, reason) in [(GGUFValue.uint64(32), "it is uint64, expected uint32"),
                                (.uint32(0), "0 is not a power of two that is a multiple of 8"),
                                (.uint32(4), "4 is not a power of two that is a multiple of 8"),
                                (.uint32(48), "48 is not a power of two that is a multiple of 8")] {
            assertThrows(.invalidAlignment(file: "f", reason: reason), mentions: ["general.alignment"]) {
                try TestGGUF(metadata: [("general.alignment", value)]).open(label: "f")
            }
        }
        XCTAssertEqual(try TestGGUF(metadata: [("general.alignment", .uint32(8))]).open().alignment, 8)
    }

    /// Magic, version 3, no tensors, `pairs` metadata pairs (to be appended by the caller).
    private func header(pairs: UInt64) -> [UInt8] {
        var w = ByteWriter()
        w.bytes += Array("GGUF".utf8)
        w.int(UInt32(3))
        w.int(UInt64(0))
        w.int(pairs)
        return w.bytes
    }
}
