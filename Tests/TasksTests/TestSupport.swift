import Foundation
import XCTest
@testable import Tasks

/// Paths and helpers shared by the Tasks tests.
enum TestSupport {
    /// `Tests/Fixtures/wordnet`, found from this source file's location (the test target declares no resources).
    static let fixtureDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/wordnet", isDirectory: true)

    static func fixtureBytes(_ pos: PartOfSpeech) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: fixtureDirectory.appendingPathComponent(pos.dataFileName)))
    }

    /// The fixture file's lines (without the empty string after the final newline).
    static func fixtureLines(_ pos: PartOfSpeech) throws -> [String] {
        var lines = String(decoding: try fixtureBytes(pos), as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// The 29 license lines every WordNet data file starts with.
    static func licenseHeader() throws -> [String] { Array(try fixtureLines(.noun).prefix(29)) }

    /// The fixture database with all four categories.
    static func fixtureWordNet() throws -> WordNet { try WordNet(directory: fixtureDirectory, parts: PartOfSpeech.allCases) }

    /// A fresh temporary folder, removed at the end of the test.
    static func temporaryDirectory(_ test: XCTestCase) throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("TasksTests-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// Writes `bytes` to `dir/name` and returns its URL.
    @discardableResult
    static func write(_ bytes: [UInt8], _ name: String, in dir: URL) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    @discardableResult
    static func write(_ text: String, _ name: String, in dir: URL) throws -> URL {
        try write(Array(text.utf8), name, in: dir)
    }
}

/// Asserts that `body` throws exactly `expected`.
func XCTAssertThrowsDataError<T>(_ body: @autoclosure () throws -> T, _ expected: DataError,
                                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
        XCTAssertEqual(error as? DataError, expected, file: file, line: line)
    }
}
