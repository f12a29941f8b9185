import Foundation
import XCTest
@testable import SafeTensors

final class RoundTripTests: XCTestCase {
    private func sampleWriter() throws -> SafeTensorsWriter {
        var w = SafeTensorsWriter(metadata: ["format": "pt", "rank": "8", "note": "quote \" backslash \\ newline \n é"])
        // Added out of name order on purpose: the layout must not depend on insertion order.
        try w.add("layer.1.lora_B", shape: [4, 2], floats: (0..<8).map { Float($0) * 0.25 - 1 })
        try w.add("layer.0.lora_A", shape: [2, 3], floats: [1, -2, 0.5, .infinity, -0.0, .leastNonzeroMagnitude])
        try w.add("scalar", shape: [], floats: [42])
        try w.add("empty", shape: [0, 5], floats: [])
        try w.add("nan", shape: [2], floats: [.nan, Float(bitPattern: 0x7FC0_1234)])
        return w
    }

    func testWriteThenReadGivesSameTensorsAndMetadata() throws {
        let w = try sampleWriter()
        let file = try SafeTensorsFile(data: try w.encoded(), label: "roundtrip")
        XCTAssertEqual(file.metadata, w.metadata)
        XCTAssertEqual(file.tensors.map(\.name), ["empty", "layer.0.lora_A", "layer.1.lora_B", "nan", "scalar"])
        XCTAssertEqual(file.info("layer.1.lora_B")?.shape, [4, 2])
        XCTAssertEqual(file.info("layer.1.lora_B")?.dtype, .f32)
        XCTAssertEqual(file.info("scalar")?.shape, [])
        XCTAssertEqual(file.info("scalar")?.elementCount, 1)
        XCTAssertEqual(file.info("empty")?.elementCount, 0)
        XCTAssertEqual(try file.floats("layer.1.lora_B"), (0..<8).map { Float($0) * 0.25 - 1 })
        XCTAssertEqual(try file.floats("scalar"), [42])
        XCTAssertEqual(try file.floats("empty"), [])
        // Bit-exact, including -0, infinities, subnormals and NaN payloads.
        let a = try file.floats("layer.0.lora_A", shape: [2, 3])
        XCTAssertEqual(a.map(\.bitPattern),
                       ([1, -2, 0.5, .infinity, -0.0, .leastNonzeroMagnitude] as [Float]).map(\.bitPattern))
        XCTAssertEqual(try file.floats("nan").map(\.bitPattern), [Float.nan.bitPattern, 0x7FC0_1234])
        XCTAssertTrue(file.contains("scalar"))
        XCTAssertFalse(file.contains("missing"))
        XCTAssertNil(file.info("missing"))
    }

    func testLayoutIsContiguousInNameOrderAndHeaderIsPadded() throws {
        let data = try sampleWriter().encoded()
        let headerLength = data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        XCTAssertEqual(headerLength % 8, 0)
        let file = try SafeTensorsFile(data: data, label: "layout")
        var offset = 0
        for t in file.tensors {
            XCTAssertEqual(t.byteRange.lowerBound, offset, t.name)
            offset = t.byteRange.upperBound
        }
        XCTAssertEqual(8 + Int(headerLength) + offset, data.count)
    }

    func testHeaderTextIsExactlyAsDocumented() throws {
        var w = SafeTensorsWriter(metadata: ["b": "2", "a": "1"])
        try w.add("y", shape: [1], floats: [1])
        try w.add("x", shape: [2, 1], floats: [2, 3])
        let data = try w.encoded()
        let header = String(decoding: data[8..<(data.count - 12)], as: UTF8.self)
        let expected = #"{"__metadata__":{"a":"1","b":"2"},"x":{"dtype":"F32","shape":[2,1],"data_offsets":[0,8]},"#
            + #""y":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        XCTAssertEqual(header.utf8.count % 8, 0)
        XCTAssertEqual(header, expected + String(repeating: " ", count: (8 - expected.utf8.count % 8) % 8))
        XCTAssertEqual(Array(data.suffix(12)), bytes(ofFloats: [2, 3, 1]))
    }

    func testEmptyMetadataIsOmitted() throws {
        var w = SafeTensorsWriter()
        try w.add("t", shape: [1], floats: [1])
        let data = try w.encoded()
        XCTAssertFalse(String(decoding: data, as: UTF8.self).contains("__metadata__"))
        XCTAssertEqual(try SafeTensorsFile(data: data, label: "m").metadata, [:])
        XCTAssertEqual(try SafeTensorsFile(data: try SafeTensorsWriter().encoded(), label: "none").tensors, [])
    }

    func testSameInputGivesSameBytesRegardlessOfInsertionOrder() throws {
        let once = try sampleWriter().encoded()
        let twice = try sampleWriter().encoded()
        XCTAssertEqual(once, twice)
        var reversed = SafeTensorsWriter(metadata: try sampleWriter().metadata)
        let source = try SafeTensorsFile(data: once, label: "source")
        for t in source.tensors.reversed() { try reversed.add(t.name, shape: t.shape, floats: try source.floats(t.name)) }
        XCTAssertEqual(try reversed.encoded(), once)
    }

    func testWriteToDiskIsAtomicAndReadable() throws {
        let dir = try temporaryDirectory(self)
        let url = dir.appendingPathComponent("sub/adapter.safetensors")
        let w = try sampleWriter()
        try w.write(to: url)
        try w.write(to: url)  // overwriting goes through the same rename
        XCTAssertEqual(try Data(contentsOf: url), try w.encoded())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path), ["adapter.safetensors"])
        let file = try SafeTensorsFile(contentsOf: url)
        XCTAssertEqual(file.label, url.path)
        XCTAssertEqual(try file.floats("scalar"), [42])
    }

    func testReaderAcceptsDataSliceWithNonZeroStartIndex() throws {
        let inner = try sampleWriter().encoded()
        let padded = Data([0xAA, 0xBB, 0xCC]) + inner
        let slice = padded[3...]
        XCTAssertEqual(slice.startIndex, 3)
        let file = try SafeTensorsFile(data: slice, label: "slice")
        XCTAssertEqual(try file.floats("layer.1.lora_B"), (0..<8).map { Float($0) * 0.25 - 1 })
    }

    func testUnalignedDataSectionAndOtherDtypesAreReadable() throws {
        // Header of odd length (data starts at an odd offset) with an I64 and an F32 tensor.
        let header = #"{"ids":{"dtype":"I64","shape":[3],"data_offsets":[0,24]},"w":{"dtype":"F32","shape":[2],"data_offsets":[24,32]}} "#
        XCTAssertEqual(header.utf8.count % 2, 1)
        let ids: [Int64] = [0, -1, Int64.max]
        let data = ids.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } } + bytes(ofFloats: [3.5, -7])
        let file = try SafeTensorsFile(data: craftedFile(header: header, data: data), label: "odd")
        XCTAssertEqual(try file.int64s("ids"), ids)
        XCTAssertEqual(try file.floats("w"), [3.5, -7])
    }

    func testReaderToleratesWhitespaceAndIgnoresUnknownEntryKeys() throws {
        let header = "\n { \"__metadata__\" : { \"k\" : \"v\\u00e9\\ud83d\\ude00\" } , \"t\" : { \"extra\": [1, {\"x\": null}],"
            + " \"data_offsets\" : [0, 4], \"shape\" : [ ] , \"dtype\" : \"F32\" } }    "
        let file = try SafeTensorsFile(data: craftedFile(header: header, data: bytes(ofFloats: [1.5])), label: "ws")
        XCTAssertEqual(file.metadata, ["k": "vé😀"])
        XCTAssertEqual(try file.floats("t"), [1.5])
        // A null __metadata__ is accepted as empty (the reference treats it as absent).
        let nullMeta = try SafeTensorsFile(data: craftedFile(header: #"{"__metadata__":null}"#), label: "null")
        XCTAssertEqual(nullMeta.metadata, [:])
    }

    func testAllDTypeNamesAndSizesAreAccepted() throws {
        for dtype in SafeTensorsDType.allCases {
            let n = 3 * dtype.byteSize
            let header = #"{"t":{"dtype":"\#(dtype.rawValue)","shape":[3],"data_offsets":[0,\#(n)]}}"#
            let file = try SafeTensorsFile(data: craftedFile(header: header, data: Array(repeating: 0, count: n)), label: dtype.rawValue)
            XCTAssertEqual(file.info("t")?.dtype, dtype)
        }
        XCTAssertEqual(SafeTensorsDType.allCases.count, 15)
        XCTAssertEqual(SafeTensorsDType.bf16.byteSize, 2)
        XCTAssertEqual(SafeTensorsDType.f8e4m3.byteSize, 1)
        XCTAssertEqual(SafeTensorsDType.u64.byteSize, 8)
    }

    func testJSONStringEscaping() {
        XCTAssertEqual(SafeTensorsWriter.jsonString("a\"b\\c\n\u{01}\u{1F}é"), #""a\"b\\c\n\u0001\u001fé""#)
    }
}
