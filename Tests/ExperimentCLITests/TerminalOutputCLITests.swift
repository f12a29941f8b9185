import Foundation
import XCTest

/// What a researcher sees in a terminal: the progress line never wraps, messages start on a line of their own, and
/// the analyses' seconds per phase appear only with --timings.
final class TerminalOutputCLITests: XCTestCase {
    /// Runs the binary on a pseudo-terminal of `columns` columns (util-linux `script`) and returns the transcript.
    private func runOnTerminal(_ s: CLISandbox, columns: Int, _ arguments: String) throws -> String {
        let script = URL(fileURLWithPath: "/usr/bin/script")
        guard FileManager.default.isExecutableFile(atPath: script.path) else { throw XCTSkip("needs util-linux script") }
        let p = s.process([])
        p.executableURL = script
        p.arguments = ["-qec", "stty cols \(columns) rows 24 && exec '\(CLISandbox.binary.path)' \(arguments)", "/dev/null"]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let r = s.finish(p, out: out, err: err)
        XCTAssertEqual(r.status, 0, r.stdout)
        return r.stdout
    }

    func testProgressLinesFitTheTerminalAndMessagesStartOnAFreshLine() throws {
        for columns in [80, 40] {
            let s = try CLISandbox()
            let spec = try s.toySpec(ranks: "[1]", training: #""steps": 6, "learningRate": 0.01, "evalEvery": 3"#)
            // The terminal turns "\n" into "\r\n" (one Character in Swift): count lines by "\n" alone.
            let transcript = try runOnTerminal(s, columns: columns, "run \(spec)").replacingOccurrences(of: "\r\n", with: "\n")
            let redraws = transcript.components(separatedBy: "\r\u{1B}[2K").dropFirst()
            XCTAssertGreaterThanOrEqual(redraws.count, 6, transcript)
            for redraw in redraws {
                let drawn = redraw.prefix { $0 != "\r" && $0 != "\n" }
                XCTAssertLessThanOrEqual(drawn.count, columns - 1, "at \(columns) columns: \(drawn)")
            }
            for message in ["step 3: validation", ": finished after 6 steps"] {
                let range = try XCTUnwrap(transcript.range(of: message), transcript)
                let lineStart = transcript[..<range.lowerBound].lastIndex(of: "\n").map { transcript.index(after: $0) } ?? transcript.startIndex
                XCTAssertFalse(transcript[lineStart..<range.lowerBound].contains("step "), "'\(message)' shares a line with progress")
            }
        }
    }

    func testAnalysisPhaseTimingsOnlyWhenAsked() throws {
        let s = try CLISandbox()
        let spec = try s.toySpec(ranks: "[1]")
        let run = try s.run("run", spec)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertFalse(run.stdout.contains("read adapters"), run.stdout)
        let quiet = try s.run("report", spec)
        XCTAssertFalse(quiet.stdout.contains("read adapters"), quiet.stdout)
        let timed = try s.run("report", spec, "--timings")
        XCTAssertEqual(timed.status, 0, timed.stderr)
        XCTAssertTrue(timed.stdout.contains("  read adapters "), timed.stdout)
    }
}
