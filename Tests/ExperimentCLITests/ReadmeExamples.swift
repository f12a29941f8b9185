import Foundation
import XCTest

/// The examples of README.md, read from the README itself so that the tests run exactly what it shows.
///
/// A fenced block preceded by `<!-- readme-test: file PATH -->` is the content of the file PATH; one preceded by
/// `<!-- readme-test: commands NAME -->` holds `swift run experiment …` command lines.
struct ReadmeExamples {
    let files: [String: String]
    let commands: [String: [String]]

    static var readme: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
    }

    init() throws {
        let lines = try String(contentsOf: Self.readme, encoding: .utf8).components(separatedBy: "\n")
        var files: [String: String] = [:], commands: [String: [String]] = [:]
        var i = 0
        while i < lines.count {
            let marker = lines[i].trimmingCharacters(in: .whitespaces)
            i += 1
            guard marker.hasPrefix("<!-- readme-test: "), marker.hasSuffix(" -->") else { continue }
            let words = marker.dropFirst("<!-- readme-test: ".count).dropLast(" -->".count).split(separator: " ").map(String.init)
            guard words.count == 2, i < lines.count, lines[i].hasPrefix("```") else { throw ReadmeError.malformed(marker) }
            let end = try XCTUnwrap(lines[(i + 1)...].firstIndex { $0.hasPrefix("```") }, "unclosed block after \(marker)")
            let body = Array(lines[(i + 1)..<end])
            i = end + 1
            switch words[0] {
            case "file": files[words[1]] = body.joined(separator: "\n") + "\n"
            case "commands": commands[words[1]] = body.filter { !$0.isEmpty }
            default: throw ReadmeError.malformed(marker)
            }
        }
        self.files = files
        self.commands = commands
    }

    /// The arguments of `swift run experiment ARGS` (plain words: the README's examples use no quoting).
    static func arguments(_ line: String) throws -> [String] {
        let prefix = "swift run experiment "
        guard line.hasPrefix(prefix), !line.contains("\""), !line.contains("'") else { throw ReadmeError.malformed(line) }
        return line.dropFirst(prefix.count).split(separator: " ").map(String.init)
    }

    enum ReadmeError: Error { case malformed(String) }
}
