import Foundation
import XCTest
@testable import GGUF

/// Every value type written by the test writer reads back exactly; the typed accessors widen and refuse as documented.
final class MetadataTests: XCTestCase {
    static let everyType: [(String, GGUFValue)] = [
        ("t.uint8", .uint8(255)),
        ("t.int8", .int8(-128)),
        ("t.uint16", .uint16(65535)),
        ("t.int16", .int16(-32768)),
        ("t.uint32", .uint32(4_294_967_295)),
        ("t.int32", .int32(-2_147_483_648)),
        ("t.float32", .float32(-0x1.fffffep127)),
        ("t.float32_subnormal", .float32(0x1p-149)),
        ("t.float32_negative_zero", .float32(-0.0)),
        ("t.bool_true", .bool(true)),
        ("t.bool_false", .bool(false)),
        ("t.string", .string("héllo 世界 🐶")),
        ("t.string_empty", .string("")),
        ("t.uint64", .uint64(.max)),
        ("t.int64", .int64(.min)),
        ("t.float64", .float64(.infinity)),
        ("t.array_empty", .array(elementType: .float64, values: [])),
        ("t.array_uint8", .array(elementType: .uint8, values: [.uint8(0), .uint8(7), .uint8(255)])),
        ("t.array_int32", .array(elementType: .int32, values: [.int32(-1), .int32(3)])),
        ("t.array_string", .array(elementType: .string, values: [.string("a b"), .string(""), .string("Ġthe")])),
        ("t.array_bool", .array(elementType: .bool, values: [.bool(true), .bool(false)])),
        ("t.array_nested", .array(elementType: .array, values: [
            .array(elementType: .int16, values: [.int16(1), .int16(-2)]),
            .array(elementType: .string, values: [.string("x")]),
            .array(elementType: .uint64, values: []),
        ])),
    ]

    func testEveryValueTypeReadsBack() throws {
        let file = try TestGGUF(metadata: Self.everyType).open()
        XCTAssertEqual(file.version, 3)
        XCTAssertEqual(file.metadata.keys, Self.everyType.map(\.0), "keys keep file order")
        XCTAssertEqual(file.metadata.count, Self.everyType.count)
        for (key, value) in Self.everyType {
            XCTAssertEqual(file.metadata[key], value, key)
            XCTAssertEqual(file.metadata[key]?.type, value.type, key)
        }
        // -0.0 == 0.0 for Equatable; the sign bit must survive too.
        guard case let .float32(z)? = file.metadata["t.float32_negative_zero"] else { return XCTFail("not float32") }
        XCTAssertEqual(z.bitPattern, 0x8000_0000)
        XCTAssertEqual(Set(Self.everyType.map { $0.1.type }), Set(GGUFValueType.allCases), "every value type is covered")
        XCTAssertTrue(file.tensors.isEmpty)
        XCTAssertEqual(file.alignment, 32)
    }

    func testVersionTwoIsRead() throws {
        let file = try TestGGUF(version: 2, metadata: [("general.architecture", .string("llama"))]).open()
        XCTAssertEqual(file.version, 2)
        XCTAssertEqual(try file.metadata.string("general.architecture"), "llama")
    }

    func testTypedAccessors() throws {
        let m = try TestGGUF(metadata: Self.everyType).open().metadata
        XCTAssertEqual(try m.int("t.uint8"), 255)
        XCTAssertEqual(try m.int("t.int32"), -2_147_483_648)
        XCTAssertEqual(try m.int("t.int64"), Int.min)
        XCTAssertEqual(try m.float("t.float32_subnormal"), 0x1p-149)
        XCTAssertEqual(try m.float("t.float64"), .infinity)
        XCTAssertEqual(try m.bool("t.bool_true"), true)
        XCTAssertEqual(try m.string("t.string"), "héllo 世界 🐶")
        XCTAssertEqual(try m.strings("t.array_string"), ["a b", "", "Ġthe"])
        XCTAssertEqual(try m.ints("t.array_int32"), [-1, 3])
        XCTAssertEqual(try m.ints("t.array_uint8"), [0, 7, 255])
        XCTAssertTrue(m.contains("t.uint16"))
        XCTAssertFalse(m.contains("t.absent"))
    }

    func testAccessorErrorsNameFileKeyAndTypes() throws {
        let m = try TestGGUF(metadata: Self.everyType).open(label: "m.gguf").metadata
        assertThrows(.missingKey(file: "m.gguf", key: "llama.block_count"), mentions: ["m.gguf", "llama.block_count"]) {
            try m.int("llama.block_count")
        }
        assertThrows(.wrongValueType(file: "m.gguf", key: "t.string", found: "string", expected: "an integer type"),
                     mentions: ["t.string", "string"]) { try m.int("t.string") }
        assertThrows(.wrongValueType(file: "m.gguf", key: "t.uint32", found: "uint32", expected: "string")) {
            try m.string("t.uint32")
        }
        assertThrows(.wrongValueType(file: "m.gguf", key: "t.int8", found: "int8", expected: "float32 or float64")) {
            try m.float("t.int8")
        }
        assertThrows(.wrongValueType(file: "m.gguf", key: "t.uint8", found: "uint8", expected: "bool")) { try m.bool("t.uint8") }
        assertThrows(.wrongValueType(file: "m.gguf", key: "t.array_int32", found: "array of int32", expected: "array of string"),
                     mentions: ["array of int32"]) { try m.strings("t.array_int32") }
        assertThrows(.wrongValueType(file: "m.gguf", key: "t.array_string", found: "array of string",
                                     expected: "array of an integer type")) { try m.ints("t.array_string") }
        assertThrows(.valueOutOfRange(file: "m.gguf", key: "t.uint64", value: "uint64 18446744073709551615",
                                      range: "\(Int.min)...\(Int.max)"), mentions: ["18446744073709551615"]) {
            try m.int("t.uint64")
        }
    }

    func testInMemoryMetadataSortsKeys() throws {
        let m = GGUFMetadata(["b": .uint8(1), "a": .string("x")], label: "memory")
        XCTAssertEqual(m.keys, ["a", "b"])
        XCTAssertEqual(try m.string("a"), "x")
        assertThrows(.missingKey(file: "memory", key: "c")) { try m.value("c") }
        let mistyped = GGUFMetadata(["s": .array(elementType: .string, values: [.string("x"), .uint8(1)])], label: "memory")
        assertThrows(.wrongValueType(file: "memory", key: "s", found: "uint8", expected: "string elements")) {
            try mistyped.strings("s")
        }
    }

    func testAlignmentFromMetadataMovesTheDataSection() throws {
        var g = TestGGUF(metadata: [("general.alignment", .uint32(64))])
        g.alignment = 64
        g.tensors = [TestTensor("w", type: .f32, dimensions: [2], data: bytes(ofFloats: [1, 2]))]
        let file = try g.open()
        XCTAssertEqual(file.alignment, 64)
        XCTAssertEqual(file.dataOffset % 64, 0)
        XCTAssertEqual(file.dataOffset, g.padded(g.headerBytes.count))
        XCTAssertEqual(try file.floats("w"), [1, 2])
    }
}
