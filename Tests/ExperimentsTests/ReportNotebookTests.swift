import Foundation
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// Generated notebook sections: regenerated between markers of the right source only, prose untouched, idempotent.
final class ReportNotebookTests: XCTestCase {
    static let prose = """
        # Section 7 notebook

        Some prose with a `code span` and a table that is not generated:

        | a | b |
        |---|---|
        | 1 | 2 |

        <!-- BEGIN GENERATED: table6 source=results/fixture -->
        stale text that will be replaced
        <!-- END GENERATED: table6 -->

        More prose between sections.

        <!-- BEGIN GENERATED: fig3 source=results/fixture -->
        <!-- END GENERATED: fig3 -->

        <!-- BEGIN GENERATED: claims source=results/other-spec -->
        untouched: another spec's section
        <!-- END GENERATED: claims -->

        <!-- BEGIN GENERATED: claims source=results/fixture -->
        <!-- END GENERATED: claims -->
        Closing prose without a trailing newline
        """

    func withNotebook(_ text: String, _ body: (URL, URL, URL) throws -> Void) throws {
        let root = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (results, _) = try ReportFixture.build(in: root)
        let notebooks = root.appendingPathComponent("notebooks-md")
        try FileManager.default.createDirectory(at: notebooks, withIntermediateDirectories: true)
        let url = notebooks.appendingPathComponent("section7.md")
        try text.write(to: url, atomically: true, encoding: .utf8)
        try body(url, results, root)
    }

    func testRegeneratesOwnSectionsLeavesProseAndIsIdempotent() throws {
        try withNotebook(Self.prose) { url, results, root in
            XCTAssertTrue(try ReportBuilder.updateNotebook(url, resultsDirectory: results, repositoryRoot: root))
            let once = try String(contentsOf: url, encoding: .utf8)
            XCTAssertFalse(try ReportBuilder.updateNotebook(url, resultsDirectory: results, repositoryRoot: root), "second run changed the file")
            XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), once)

            // Prose outside the markers is byte for byte the same: strip every generated body and compare.
            func stripped(_ s: String) -> String {
                var out: [String] = []
                var inside = false
                for line in s.components(separatedBy: "\n") {
                    if line.hasPrefix("<!-- END GENERATED") { inside = false }
                    if !inside { out.append(line) }
                    if line.hasPrefix("<!-- BEGIN GENERATED") && line.contains("source=results/fixture") { inside = true }
                }
                return out.joined(separator: "\n")
            }
            XCTAssertEqual(stripped(once), stripped(Self.prose))
            XCTAssertTrue(once.contains("untouched: another spec's section"))
            XCTAssertFalse(once.contains("stale text"))
            XCTAssertTrue(once.hasSuffix("Closing prose without a trailing newline"))
            // Contents: the Table 6 rows, figure links relative to the notebook, the claim verdicts from claims.csv.
            XCTAssertTrue(once.contains("| GPT-3 175B, WikiSQL (paper, ± 0.5)"))
            XCTAssertTrue(once.contains("](../results/fixture/figures/accuracy-vs-rank.svg)"))
            XCTAssertTrue(once.contains("](../results/fixture/figures/fig3-q-layer1.svg)"))
            let claim3 = try XCTUnwrap(try ReportData.load(from: results).claims?.first { $0.number == 3 })
            XCTAssertTrue(once.contains("**Claim 3 (Fig 3): \(claim3.verdict.rawValue).**"))
            // The same bodies as report.md.
            let report = try String(contentsOf: results.appendingPathComponent("report.md"), encoding: .utf8)
            let claimsBody = once.components(separatedBy: "<!-- BEGIN GENERATED: claims source=results/fixture -->\n")[1]
                .components(separatedBy: "<!-- END GENERATED: claims -->")[0]
            XCTAssertTrue(report.contains(claimsBody.trimmingCharacters(in: .newlines)))
        }
    }

    func testSectionsOfAnotherResultsFolderAreLeftAlone() throws {
        try withNotebook(Self.prose) { url, _, root in
            let other = root.appendingPathComponent("results/unrelated")
            XCTAssertFalse(try ReportBuilder.updateNotebook(url, resultsDirectory: other, repositoryRoot: root))
            XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), Self.prose)
        }
    }

    func testMissingDataGivesAPlaceholder() throws {
        try withNotebook("<!-- BEGIN GENERATED: table5 source=results/empty -->\n<!-- END GENERATED: table5 -->\n") { url, _, root in
            let empty = root.appendingPathComponent("results/empty")
            XCTAssertTrue(try ReportBuilder.updateNotebook(url, resultsDirectory: empty, repositoryRoot: root))
            XCTAssertTrue(try String(contentsOf: url, encoding: .utf8).contains("_No data for this section in `results/empty` yet"))
        }
    }

    func testMalformedMarkersNameFileAndLine() throws {
        let cases: [(String, String)] = [
            ("x\n<!-- BEGIN GENERATED: table6 source=results/fixture -->\n", "notebooks-md/section7.md:2"),
            ("<!-- BEGIN GENERATED: tables source=results/fixture -->\n<!-- END GENERATED: tables -->\n", "unknown section 'tables'"),
            ("<!-- BEGIN GENERATED: table6 -->\n<!-- END GENERATED: table6 -->\n", "needs source="),
            ("<!-- BEGIN GENERATED: table6 source=results/fixture -->\n<!-- END GENERATED: fig3 -->\n", "closes the table6 section"),
            ("<!-- END GENERATED: fig3 -->\n", "without a BEGIN"),
        ]
        for (text, message) in cases {
            try withNotebook(text) { url, results, root in
                XCTAssertThrowsError(try ReportBuilder.updateNotebook(url, resultsDirectory: results, repositoryRoot: root)) { error in
                    XCTAssertTrue("\(error)".contains(message), "\(error) should mention \(message)")
                }
                XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), text, "a failed update must not write")
            }
        }
    }

    func testRelativePath() {
        let a = URL(fileURLWithPath: "/repo/notebooks-md"), b = URL(fileURLWithPath: "/repo/results/qv-rank/figures/x.svg")
        XCTAssertEqual(NotebookMarkers.relativePath(from: a, to: b), "../results/qv-rank/figures/x.svg")
        XCTAssertEqual(NotebookMarkers.relativePath(from: URL(fileURLWithPath: "/repo"), to: b), "results/qv-rank/figures/x.svg")
    }

    /// The committed notebook's markers parse and name at least the six Section 7 sections. That the notebook is in
    /// sync with the committed results is `CommittedResultsCLITests`' job: the sections are rendered from
    /// `subspace_similarity.csv`, which a fresh clone lacks (git-ignored) until `experiment report` rebuilds it.
    func testCommittedSection7NotebookMarkersParse() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("notebooks-md/section7.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        let blocks = try NotebookMarkers.blocks(in: NotebookMarkers.lines(text), file: "notebooks-md/section7.md")
        XCTAssertGreaterThanOrEqual(blocks.count, 6)
        XCTAssertEqual(NotebookMarkers.lines(text).joined(), text)
        for block in blocks {
            XCTAssertTrue(block.source.hasPrefix("results/"), "\(block.source) should be a results folder")
        }
    }
}
