import Foundation
import XCTest

/// The committed results and notebook are exactly what `experiment report` makes of the committed runs.
///
/// A fresh clone has no `subspace_similarity.csv` or `direction_overlap.csv` (git-ignored: megabytes of φ grids and
/// nulls) yet its reports and notebook sections were rendered from them. So this test copies the repository's `experiments/`, `results/` and
/// `notebooks-md/` into a sandbox, removes every git-ignored file (as a fresh clone has them), runs
/// `experiment report` (every spec with results) against the real checkpoint, and requires that no committed byte
/// changed and no file appeared beyond the ignored ones the build writes again.
final class CommittedResultsCLITests: XCTestCase {
    private static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Files `.gitignore` keeps out of `results/`: rebuilt or transient, never committed.
    private static func isIgnored(_ relative: String) -> Bool {
        relative.hasSuffix("/subspace_similarity.csv") || relative.hasSuffix("/direction_overlap.csv") || relative.hasSuffix(".lock") || relative.hasSuffix(".tmp")
            || relative.contains("/checkpoint/")
    }

    /// Every regular file under `root` (relative paths), with its bytes.
    private static func snapshot(_ root: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let base = root.standardizedFileURL.path + "/"
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return files }
        for case let url as URL in walker where try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true {
            let path = url.standardizedFileURL.path
            files[String(path.dropFirst(base.count))] = try Data(contentsOf: url)
        }
        return files
    }

    func testExperimentReportRebuildsTheCommittedResultsByteForByte() throws {
        let repo = Self.repository
        let checkpoint = repo.appendingPathComponent("models/all-MiniLM-L6-v2")
        guard FileManager.default.fileExists(atPath: checkpoint.appendingPathComponent("model.safetensors").path) else {
            throw XCTSkip("no checkpoint at models/all-MiniLM-L6-v2: run scripts/setup.sh (scripts/test.sh does)")
        }
        let s = try CLISandbox()
        let fm = FileManager.default
        for folder in ["experiments", "results", "notebooks-md"] {
            try fm.copyItem(at: repo.appendingPathComponent(folder), to: s.root.appendingPathComponent(folder))
        }
        try fm.createDirectory(at: s.root.appendingPathComponent("models"), withIntermediateDirectories: true)
        try fm.createSymbolicLink(at: s.root.appendingPathComponent("models/all-MiniLM-L6-v2"), withDestinationURL: checkpoint)
        // results/smollm-qv-rank needs the decoder's GGUF (fetched by scripts/setup.sh like MiniLM).
        let decoder = repo.appendingPathComponent("models/SmolLM2-135M-Instruct")
        guard (try? fm.contentsOfDirectory(atPath: decoder.path))?.contains(where: { $0.hasSuffix(".gguf") }) == true else {
            throw XCTSkip("no checkpoint at models/SmolLM2-135M-Instruct: run scripts/setup.sh (scripts/test.sh does)")
        }
        try fm.createSymbolicLink(at: s.root.appendingPathComponent("models/SmolLM2-135M-Instruct"), withDestinationURL: decoder)

        var before: [String: Data] = [:]
        for folder in ["results", "notebooks-md"] {
            for (path, data) in try Self.snapshot(s.root.appendingPathComponent(folder)) {
                let relative = folder + "/" + path
                if Self.isIgnored(relative) {
                    try fm.removeItem(at: s.root.appendingPathComponent(relative))
                } else {
                    before[relative] = data
                }
            }
        }
        XCTAssertTrue(before.keys.contains("results/qv-rank/report.md"), "the committed qv-rank report should be copied")

        let r = try s.run("report")
        XCTAssertEqual(r.status, 0, r.stderr)

        var after: [String: Data] = [:]
        for folder in ["results", "notebooks-md"] {
            for (path, data) in try Self.snapshot(s.root.appendingPathComponent(folder)) where !Self.isIgnored(folder + "/" + path) {
                after[folder + "/" + path] = data
            }
        }
        XCTAssertEqual(Set(after.keys).subtracting(before.keys).sorted(), [], "files the committed results lack: run `experiment report` and commit")
        XCTAssertEqual(Set(before.keys).subtracting(after.keys).sorted(), [], "committed files the report build removed")
        let changed = before.keys.filter { after[$0] != nil && after[$0] != before[$0] }.sorted()
        XCTAssertEqual(changed, [], "committed files `experiment report` rewrites differently: run it and commit")
        XCTAssertTrue(fm.fileExists(atPath: s.root.appendingPathComponent("results/qv-rank/subspace_similarity.csv").path),
                      "the report build should write the git-ignored φ grids again")
    }
}
