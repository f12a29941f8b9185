import Foundation
import XCTest
@testable import SafeTensors

/// Errors of the typed accessors on a valid file, and of the writer.
final class AccessorErrorTests: XCTestCase {
    private func sample() throws -> SafeTensorsFile {
        let header = #"{"ids":{"dtype":"I64","shape":[1,2],"data_offsets":[0,16]},"w":{"dtype":"F32","shape":[2,1],"data_offsets":[16,24]}}"#
        let ids: [Int64] = [7, 8]
        let data = ids.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } } + bytes(ofFloats: [1, 2])
        return try SafeTensorsFile(data: craftedFile(header: header, data: data), label: "acc.st")
    }

    func testFloatsOfAnI64Tensor() throws {
        let file = try sample()
        assertThrows(.wrongDType(file: "acc.st", tensor: "ids", dtype: .i64, expected: "F32, F16 or BF16"),
                     mentions: ["acc.st", "'ids'", "I64"]) { try file.floats("ids") }
        XCTAssertEqual(try file.int64s("ids"), [7, 8])
    }

    func testInt64sOfAnF32Tensor() throws {
        let file = try sample()
        assertThrows(.wrongDType(file: "acc.st", tensor: "w", dtype: .f32, expected: "I64"), mentions: ["'w'", "F32", "I64"]) {
            try file.int64s("w")
        }
    }

    func testMissingTensor() throws {
        let file = try sample()
        let expected = SafeTensorsError.tensorNotFound(file: "acc.st", tensor: "nope")
        assertThrows(expected, mentions: ["acc.st", "'nope'"]) { try file.floats("nope") }
        assertThrows(expected, mentions: ["'nope'"]) { try file.floats("nope", shape: [1]) }
        assertThrows(expected, mentions: ["'nope'"]) { try file.int64s("nope") }
    }

    func testShapeMismatch() throws {
        let file = try sample()
        assertThrows(.shapeMismatch(file: "acc.st", tensor: "w", shape: [2, 1], expected: [1, 2]),
                     mentions: ["acc.st", "'w'", "[2, 1]", "[1, 2]"]) { try file.floats("w", shape: [1, 2]) }
        XCTAssertEqual(try file.floats("w", shape: [2, 1]), [1, 2])
    }

    func testMissingFileIsAnIOError() {
        let url = URL(fileURLWithPath: "/nonexistent-dir/none.safetensors")
        do {
            _ = try SafeTensorsFile(contentsOf: url)
            XCTFail("no error")
        } catch let SafeTensorsError.io(file, reason) {
            XCTAssertEqual(file, url.path)
            XCTAssertFalse(reason.isEmpty)
        } catch {
            XCTFail("unexpected \(error)")
        }
    }

    func testWriterRejectsDuplicatesWrongCountsAndReservedNames() throws {
        var w = SafeTensorsWriter()
        try w.add("a", shape: [2], floats: [1, 2])
        assertThrows(.duplicateTensorName(name: "a"), mentions: ["'a'"]) { try w.add("a", shape: [2], floats: [1, 2]) }
        assertThrows(.sizeMismatch(file: SafeTensorsWriter.label, tensor: "b", expectedBytes: 24, actualBytes: 20),
                     mentions: ["'b'"]) { try w.add("b", shape: [2, 3], floats: [1, 2, 3, 4, 5]) }
        XCTAssertThrowsError(try w.add("__metadata__", shape: [1], floats: [1])) { error in
            guard case SafeTensorsError.invalidEntry(_, "__metadata__", _) = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try w.add("c", shape: [-1, -2], floats: [1, 2])) { error in
            guard case SafeTensorsError.invalidEntry(_, "c", _) = error else { return XCTFail("\(error)") }
        }
        // Failed adds leave the writer unchanged.
        XCTAssertEqual(try SafeTensorsFile(data: try w.encoded(), label: "w").tensors.map(\.name), ["a"])
    }

    func testWriteToUnwritablePathIsAnIOError() throws {
        let dir = try temporaryDirectory(self)
        let blocker = dir.appendingPathComponent("file")
        try Data([1]).write(to: blocker)
        let url = blocker.appendingPathComponent("x.safetensors")  // parent is a regular file
        XCTAssertThrowsError(try SafeTensorsWriter().write(to: url)) { error in
            guard case let SafeTensorsError.io(file, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, url.path)
        }
    }
}
