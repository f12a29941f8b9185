import Foundation
import XCTest

/// A rank search end to end on the built-in tiny model: the dry run shows the first candidate only, `run` trains the
/// path lazily (ranks after the stop are never trained), `report` recomputes the same path from the cached runs byte for
/// byte, and `run`, `status` and `submit --dry-run` agree that nothing is left.
final class RankSearchCLITests: XCTestCase {
    /// minGain 0.99 with z = 0: a costlier candidate would need a 99-point lead, so the path does not depend on the
    /// accuracies: q+v r = 1 starts, r = 2 stops the ladder, r = 4 is skipped, the cheaper q at r = 1 is adopted and the
    /// costlier q+k+v+o is not.
    func toySearch(_ s: CLISandbox) throws -> String {
        _ = try s.toySpec(name: "unused")
        try s.write("search.json", """
            {"name": "search", "model": {"builtin": "tiny"},
             "task": {"kind": "jsonl", "train": "train.jsonl", "validation": "validation.jsonl", "maxTokens": 16},
             "rankSearch": {"targets": ["q", "v"], "ranks": [1, 2, 4], "minGain": 0.99, "z": 0, "thenTargets": [["q"], ["q", "k", "v", "o"]]},
             "training": {"batchSize": 8, "steps": 6, "learningRate": 0.01},
             "analyses": {"accuracy": true}}
            """)
        return "search.json"
    }

    func column(_ csv: String, _ name: String) throws -> [String] {
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let index = try XCTUnwrap(lines.first?.firstIndex(of: name), name)
        return lines.dropFirst().map { $0[index] }
    }

    func runFolders(_ s: CLISandbox) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: s.root.appendingPathComponent("results/search/runs").path)
            .filter { !$0.hasSuffix(".lock") }.sorted()
    }

    func testSearchTrainsLazilyAndTheReportRecomputesThePath() throws {
        let s = try CLISandbox()
        let spec = try toySearch(s)

        let dry = try s.run("run", spec, "--dry-run")
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertTrue(dry.stdout.contains("q+v r = 1") && dry.stdout.contains("pending"), dry.stdout)
        XCTAssertTrue(dry.stdout.contains("still open: q+v at r = 2, 4 (each only if the rank before it pays); then q, q+k+v+o at the chosen rank"),
                      dry.stdout)
        XCTAssertFalse(s.exists("results/search"), "a dry run writes nothing")

        let r = try s.run("run", spec)
        XCTAssertEqual(r.status, 0, r.stderr)
        for line in ["rank search: q+v r = 1: start", "rank search: q+v r = 2: stop", "rank search: q+v r = 4: skipped",
                     "rank search: q r = 1: adopt", "rank search: q+k+v+o r = 1: keep", "rank search: choice q r = 1"] {
            XCTAssertTrue(r.stderr.contains(line), "\(line)\n\(r.stderr)")
        }
        XCTAssertEqual(try runFolders(s).map { String($0.prefix { $0 != "-" }) + $0.split(separator: "-")[1] },
                       ["qr1", "qkvor1", "qvr1", "qvr2"], "r = 4 was never trained")

        let csv = try s.read("results/search/rank_search.csv")
        XCTAssertEqual(try column(csv, "decision"), ["start", "stop", "skipped", "adopt", "keep"])
        XCTAssertEqual(try column(csv, "chosen"), ["false", "false", "false", "true", "false"])
        XCTAssertEqual(try column(csv, "targets"), ["q+v", "q+v", "q+v", "q", "q+k+v+o"])
        XCTAssertEqual(try column(csv, "validation_examples"), ["64", "64", "64", "64", "64"])
        XCTAssertEqual(try column(csv, "threshold")[1], "0.99", "minGain + 0 × SE")
        let report = try s.read("results/search/report.md")
        XCTAssertTrue(report.contains("## Rank search: the path and the choice"), report)
        XCTAssertTrue(report.contains("**Choice: q at r = 1**"), report)

        // The report rebuilds the path from the cached runs alone: the same bytes.
        let before = try s.read("results/search/report.md")
        try FileManager.default.removeItem(at: s.root.appendingPathComponent("results/search/rank_search.csv"))
        let rebuilt = try s.run("report", spec)
        XCTAssertEqual(rebuilt.status, 0, rebuilt.stderr)
        XCTAssertEqual(try s.read("results/search/rank_search.csv"), csv)
        XCTAssertEqual(try s.read("results/search/report.md"), before)

        // Resumes like a grid: everything is cached, nothing trains.
        let again = try s.run("run", spec)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertFalse(again.stderr.contains(": training"), again.stderr)
        XCTAssertEqual(try s.read("results/search/rank_search.csv"), csv)

        let status = try s.run("status", spec)
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("search: 4 runs (grid and rank search so far) — 4 finished"), status.stdout)
        XCTAssertTrue(status.stdout.contains("choice: q r = 1"), status.stdout)
        let submit = try s.run("submit", spec, "--dry-run")
        XCTAssertEqual(submit.status, 0, submit.stderr)
        XCTAssertTrue(submit.stdout.contains("every selected run has finished; nothing submitted"), submit.stdout)
    }

    /// `--only` selects among the search's candidates too: only the first rank trains, the search waits for the next,
    /// and the report says so; Slurm is handed exactly the next step.
    func testOnlyStopsTheSearchAtTheNextCandidate() throws {
        let s = try CLISandbox()
        let spec = try toySearch(s)
        let r = try s.run("run", spec, "--only", "qv-r1-*")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("rank search: not finished: it waits for q+v r = 2"), r.stderr)
        XCTAssertTrue(r.stderr.contains("the rank search is not finished: it waits for q+v r = 2"), r.stderr)
        XCTAssertEqual(try runFolders(s).count, 1)
        XCTAssertTrue(try s.read("results/search/report.md").contains("Not finished: the search waits for q+v at r = 2"))

        let submit = try s.run("submit", spec, "--dry-run")
        XCTAssertEqual(submit.status, 0, submit.stderr)
        let table = try XCTUnwrap(submit.stdout.components(separatedBy: "tasks.tsv <==\n").last)
        XCTAssertTrue(table.hasPrefix("index\trun\n0\tqv-r2-d1-i1-"), table)
        XCTAssertFalse(table.contains("1\t"), "one step at a time:\n\(table)")
        XCTAssertTrue(submit.stdout.contains("rank search: this submission trains its next step, q+v r = 2"), submit.stdout)

        let none = try s.run("run", spec, "--only", "nothing-*")
        XCTAssertEqual(none.status, 2)
        XCTAssertTrue(none.stderr.contains("matches none of the 9 runs"), none.stderr)
    }
}
