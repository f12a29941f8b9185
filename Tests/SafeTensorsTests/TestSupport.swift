import Foundation
import XCTest
@testable import SafeTensors

/// Hand-crafted files: an 8-byte little-endian length prefix (the header's UTF-8 length unless overridden),
/// the header text, then the data bytes.
func craftedFile(header: String, data: [UInt8] = [], headerLength: UInt64? = nil) -> Data {
    let headerBytes = Array(header.utf8)
    var out = Data()
    withUnsafeBytes(of: (headerLength ?? UInt64(headerBytes.count)).littleEndian) { out.append(contentsOf: $0) }
    out.append(contentsOf: headerBytes)
    out.append(contentsOf: data)
    return out
}

/// Little-endian bytes of Floats.
func bytes(ofFloats values: [Float]) -> [UInt8] {
    values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
}

/// Little-endian bytes of 16-bit patterns.
func bytes(of16 values: [UInt16]) -> [UInt8] {
    values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
}

/// Asserts that `body` throws exactly `expected`, and that the description mentions every string in `mentions`.
func assertThrows<T>(_ expected: SafeTensorsError, mentions: [String], file: StaticString = #filePath, line: UInt = #line,
                     _ body: () throws -> T) {
    do {
        _ = try body()
        XCTFail("expected \(expected), nothing was thrown", file: file, line: line)
    } catch let error as SafeTensorsError {
        XCTAssertEqual(error, expected, file: file, line: line)
        for m in mentions {
            XCTAssertTrue(error.description.contains(m), "description \"\(error.description)\" does not mention \"\(m)\"",
                          file: file, line: line)
        }
    } catch {
        XCTFail("expected \(expected), got \(error)", file: file, line: line)
    }
}

/// A temporary directory removed at the end of the test.
func temporaryDirectory(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("SafeTensorsTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}
