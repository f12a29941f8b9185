import Foundation
import XCTest

/// Malformed-input corpus, results folders: exit status, message, and what is (not) written.
final class ResultsFolderCLITests: XCTestCase {
    /// A results folder that is a file: exit 1, the file named in words, nothing changed.
    func testResultsFolderThatIsAFile() throws {
        let s = try CLISandbox()
        let spec = try s.toySpec()
        let file = try s.write("blocker", "x")
        let before = s.snapshot()
        let r = try s.run("run", spec, "--results", "blocker")
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "error: \(file.path): is a file, not a folder (needed for \(file.path)/toy)\n")
        XCTAssertFalse(r.stderr.contains("NSCocoaErrorDomain"))
        XCTAssertEqual(s.snapshot(), before, "nothing written or changed")
    }

    /// An empty --results (which used to write into the current folder) is a usage error for run and report.
    func testEmptyResultsFolderIsRefused() throws {
        let s = try CLISandbox()
        let spec = try s.toySpec()
        for args in [["run", spec, "--results", ""], ["report", spec, "--results", ""], ["analyze", "x", "--output", ""]] {
            let r = try s.run(args)
            XCTAssertEqual(r.status, 64, "\(args)")
            XCTAssertTrue(r.stderr.hasPrefix("Error: --\(args[0] == "analyze" ? "output" : "results") must name a folder, got an empty string\n"), r.stderr)
        }
        XCTAssertEqual(Set(s.snapshot().keys.map { URL(fileURLWithPath: $0).lastPathComponent }), ["toy.json", "train.jsonl", "validation.jsonl"])
    }

    /// `run --only` twice: the report covers both finished runs, says which planned run is missing, and names the
    /// real results folder.
    func testReportAfterOnlyCoversEveryFinishedRun() throws {
        let s = try CLISandbox()
        let spec = try s.toySpec(ranks: "[1, 2, 4]")
        let first = try s.run("run", spec, "--results", "out", "--only", "qv-r1-*")
        XCTAssertEqual(first.status, 0, first.stderr)
        let second = try s.run("run", spec, "--results", "out", "--only", "qv-r2-*")
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stdout.contains("(2 runs analysed)") || second.stdout.contains("accuracy.csv"), second.stdout)
        let accuracy = try s.read("out/toy/accuracy.csv").split(separator: "\n")
        XCTAssertEqual(accuracy.count, 3, "header + both finished runs:\n\(accuracy.joined(separator: "\n"))")
        XCTAssertTrue(second.stderr.contains("toy: 1 of 3 planned runs have no results yet (qv-r4-"), second.stderr)
        XCTAssertTrue(second.stderr.contains("the report covers the 2 that do"), second.stderr)
        XCTAssertTrue(try s.read("out/toy/report.md").contains("(results folder `out/toy/`)"))
        let outside = try CLISandbox()
        let far = outside.root.appendingPathComponent("elsewhere").path
        XCTAssertEqual(try s.run("run", spec, "--results", far, "--only", "qv-r1-*").status, 0)
        XCTAssertTrue(try outside.read("elsewhere/toy/report.md").contains("(results folder `\(far)/toy/`)"))
    }

    /// `report` removes the temporary files a writer killed with -9 left behind (our `.<name>.<pid>.tmp` pattern), and
    /// no run or report ever leaves Foundation's `.dat.nosync…` files.
    func testReportRemovesStaleTemporaryFiles() throws {
        let s = try CLISandbox()
        let spec = try s.toySpec(ranks: "[1]")
        XCTAssertEqual(try s.run("run", spec).status, 0)
        let stale = try s.write("results/toy/figures/.accuracy-vs-rank.svg.2147483000.tmp", "half")
        let live = try s.write("results/toy/.report.md.1.tmp", "pid 1 runs")
        let r = try s.run("report", spec)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale.path), "stale temporary file removed")
        XCTAssertTrue(FileManager.default.fileExists(atPath: live.path), "a live process's file is kept")
        XCTAssertEqual(s.snapshot().keys.filter { $0.contains("nosync") }, [])
    }
}
