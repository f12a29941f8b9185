import Foundation
import XCTest
@testable import GGUF

/// Little-endian bytes, appended field by field: the low level of the test-only GGUF writer, also used to spell
/// malformed files byte by byte.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func int<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    /// A `gguf_string_t`: `uint64` length, then the bytes.
    mutating func string(_ s: String) { rawString(Array(s.utf8)) }

    mutating func rawString(_ b: [UInt8]) {
        int(UInt64(b.count))
        bytes += b
    }

    /// A value without its type tag (arrays carry their element type and count).
    mutating func value(_ v: GGUFValue) {
        switch v {
        case let .uint8(x): int(x)
        case let .int8(x): int(x)
        case let .uint16(x): int(x)
        case let .int16(x): int(x)
        case let .uint32(x): int(x)
        case let .int32(x): int(x)
        case let .uint64(x): int(x)
        case let .int64(x): int(x)
        case let .float32(x): int(x.bitPattern)
        case let .float64(x): int(x.bitPattern)
        case let .bool(x): int(UInt8(x ? 1 : 0))
        case let .string(s): string(s)
        case let .array(elementType, values):
            int(elementType.rawValue)
            int(UInt64(values.count))
            for e in values { value(e) }
        }
    }

    /// A metadata pair: key, type tag, value.
    mutating func pair(_ key: String, _ v: GGUFValue) {
        string(key)
        int(v.type.rawValue)
        value(v)
    }
}

/// One tensor of a test file: its info fields, with the data offset computed from the layout unless overridden.
struct TestTensor {
    var name: String
    var type: UInt32
    var dimensions: [UInt64]
    var data: [UInt8]
    var offset: UInt64? = nil

    init(_ name: String, type: GGMLType, dimensions: [UInt64], data: [UInt8], offset: UInt64? = nil) {
        self.init(name, rawType: type.rawValue, dimensions: dimensions, data: data, offset: offset)
    }

    init(_ name: String, rawType: UInt32, dimensions: [UInt64], data: [UInt8], offset: UInt64? = nil) {
        self.name = name
        self.type = rawType
        self.dimensions = dimensions
        self.data = data
        self.offset = offset
    }
}

/// The test-only GGUF writer: header, metadata pairs, tensor infos, zero padding to the alignment, and the data of
/// each tensor padded to the alignment, in order. Every field can be overridden to spell a malformed file.
struct TestGGUF {
    var magic: [UInt8] = Array("GGUF".utf8)
    var version: UInt32 = 3
    var metadata: [(String, GGUFValue)] = []
    var tensors: [TestTensor] = []
    /// The alignment used for the layout; `general.alignment` is written only if it is in `metadata`.
    var alignment = 32
    var tensorCount: UInt64? = nil
    var metadataCount: UInt64? = nil
    /// Bytes appended after the data section.
    var trailing: [UInt8] = []
    /// Whether the last tensor's data is padded to the alignment.
    var padLastTensor = true

    /// The offset of each tensor's data when laid out in order, each padded to the alignment.
    var layoutOffsets: [UInt64] {
        var offsets: [UInt64] = []
        var cursor = 0
        for t in tensors {
            offsets.append(UInt64(cursor))
            cursor += padded(t.data.count)
        }
        return offsets
    }

    func padded(_ n: Int) -> Int { (n + alignment - 1) / alignment * alignment }

    /// The header, metadata and tensor infos (no padding, no data).
    var headerBytes: [UInt8] {
        var w = ByteWriter()
        w.bytes += magic
        w.int(version)
        w.int(tensorCount ?? UInt64(tensors.count))
        w.int(metadataCount ?? UInt64(metadata.count))
        for (key, value) in metadata { w.pair(key, value) }
        for (t, offset) in zip(tensors, layoutOffsets) {
            w.string(t.name)
            w.int(UInt32(t.dimensions.count))
            for d in t.dimensions { w.int(d) }
            w.int(t.type)
            w.int(t.offset ?? offset)
        }
        return w.bytes
    }

    var bytes: [UInt8] {
        var out = headerBytes
        out += [UInt8](repeating: 0, count: padded(out.count) - out.count)
        for (i, t) in tensors.enumerated() {
            out += t.data
            if i < tensors.count - 1 || padLastTensor {
                out += [UInt8](repeating: 0, count: padded(t.data.count) - t.data.count)
            }
        }
        return out + trailing
    }

    var data: Data { Data(bytes) }

    func open(label: String = "test.gguf") throws -> GGUFFile {
        try GGUFFile(data: data, label: label)
    }
}

/// Little-endian bytes of Floats.
func bytes(ofFloats values: [Float]) -> [UInt8] {
    var w = ByteWriter()
    for v in values { w.int(v.bitPattern) }
    return w.bytes
}

/// Little-endian bytes of 16-bit patterns.
func bytes(of16 values: [UInt16]) -> [UInt8] {
    var w = ByteWriter()
    for v in values { w.int(v) }
    return w.bytes
}

/// Asserts that `body` throws exactly `expected`, and that the description mentions every string in `mentions`.
func assertThrows<T>(_ expected: GGUFError, mentions: [String] = [], file: StaticString = #filePath, line: UInt = #line,
                     _ body: () throws -> T) {
    do {
        _ = try body()
        XCTFail("expected \(expected), nothing was thrown", file: file, line: line)
    } catch let error as GGUFError {
        XCTAssertEqual(error, expected, file: file, line: line)
        for m in mentions {
            XCTAssertTrue(error.description.contains(m), "description \"\(error.description)\" does not mention \"\(m)\"",
                          file: file, line: line)
        }
    } catch {
        XCTFail("expected \(expected), got \(error)", file: file, line: line)
    }
}
