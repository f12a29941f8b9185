import Foundation
import XCTest
@testable import Tasks

/// MultiNLI-layout TSV user datasets.
final class GLUETSVDatasetTests: XCTestCase {
    private var dir: URL!
    private let header = "index\tpromptID\tpairID\tgenre\tsentence1\tsentence2\tlabel1\tgold_label"

    override func setUpWithError() throws { dir = try TestSupport.temporaryDirectory(self) }

    private func row(_ i: Int, _ s1: String, _ s2: String, _ gold: String) -> String {
        "\(i)\t\(100 + i)\t\(100 + i)e\tfiction\t\(s1)\t\(s2)\t\(gold)\t\(gold)"
    }

    private func file(_ name: String, _ rows: [String], header: String? = nil) throws -> URL {
        try TestSupport.write(([header ?? self.header] + rows).joined(separator: "\n") + "\n", name, in: dir)
    }

    private func devFile() throws -> URL { try file("dev_matched.tsv", [row(9, "A man naps.", "Someone sleeps.", "entailment")]) }

    func testLoadsMNLILayout() throws {
        let t = try file("train.tsv", [row(0, "The \"old\" man sat.", "A man sat.", "entailment"),
                                       row(1, "It rained all day.", "The sky was clear.", "contradiction"),
                                       row(2, "She left early.", "She was tired.", "neutral"),
                                       row(3, "Nobody agreed.", "They argued.", "-")])
        let v = try file("dev_matched.tsv", [row(4, "A dog runs.", "An animal moves.", "entailment"),
                                             row(5, "x y", "z", "-"), row(6, "x y", "z", "-")])
        let r = try GLUETSVDataset.loadDetailed(train: t, validation: v, test: nil)
        XCTAssertEqual(r.dataset.name, "glue-tsv")
        XCTAssertEqual(r.dataset.labels, ["entailment", "neutral", "contradiction"])
        XCTAssertEqual(r.dataset.train, [
            TextExample(id: "100e", text: "The \"old\" man sat.", textPair: "A man sat.", label: 0),
            TextExample(id: "101e", text: "It rained all day.", textPair: "The sky was clear.", label: 2),
            TextExample(id: "102e", text: "She left early.", textPair: "She was tired.", label: 1),
        ])
        XCTAssertEqual(r.skipped, 0)
        XCTAssertEqual(r.withoutGoldLabel, [.train: 1, .validation: 2, .test: 0])
        let (ds, skipped) = try GLUETSVDataset.load(train: t, validation: v, test: nil, options: UserDatasetOptions())
        XCTAssertEqual(ds, r.dataset)
        XCTAssertEqual(skipped, 0)
    }

    func testIdFallsBackToFileLine() throws {
        let t = try file("train.tsv", ["a\tb\tneutral"], header: "sentence1\tsentence2\tgold_label")
        let (ds, _) = try GLUETSVDataset.load(train: t, validation: t, test: t, options: UserDatasetOptions())
        XCTAssertEqual(ds.train.first?.id, "\(t.path):2")
        XCTAssertEqual(ds.test.count, 1)
    }

    private func trainError(_ rows: [String], header: String? = nil) throws -> DataError? {
        let t = try file("train.tsv", rows, header: header)
        do { _ = try GLUETSVDataset.load(train: t, validation: try devFile(), test: nil, options: UserDatasetOptions()); return nil }
        catch let e as DataError { return e }
    }

    func testDefects() throws {
        let f = dir.appendingPathComponent("train.tsv").path
        let ok = row(0, "a", "b", "entailment")
        XCTAssertEqual(try trainError([ok, ok + "\textra"]), .wrongColumnCount(file: f, line: 3, expected: 8, found: 9))
        XCTAssertEqual(try trainError([ok, "0\t1\t2"]), .wrongColumnCount(file: f, line: 3, expected: 8, found: 3))
        XCTAssertEqual(try trainError([ok, row(1, "", "b", "neutral")]), .emptyText(file: f, line: 3, field: "sentence1"))
        XCTAssertEqual(try trainError([ok, row(1, "a", " ", "neutral")]), .emptyText(file: f, line: 3, field: "sentence2"))
        XCTAssertEqual(try trainError([ok, row(1, "a", "b", "")]), .missingField(file: f, line: 3, field: "gold_label"))
        XCTAssertEqual(try trainError([ok, "", ok]),
                       .malformedLine(file: f, line: 3, reason: "empty line (only empty lines at the end of the file are allowed)"))
        XCTAssertEqual(try trainError([ok], header: "index\tsentence1\tsentence2\tlabel1"),
                       .missingColumn(file: f, line: 1, column: "gold_label"))
        XCTAssertEqual(try trainError([]), .noExamples(file: f))
        XCTAssertEqual(DataError.wrongColumnCount(file: "t.tsv", line: 3, expected: 8, found: 9).description,
                       "t.tsv:3: expected 8 tab-separated columns (as in the header), found 9")
    }

    func testInvalidUTF8AndUnseenLabel() throws {
        var bytes = Array((header + "\n" + row(0, "a", "b", "entailment") + "\n").utf8)
        bytes += Array(row(1, "caf", "b", "neutral").utf8)
        bytes.insert(0xFF, at: bytes.count - 12)
        let t = try TestSupport.write(bytes + [0x0A], "train.tsv", in: dir)
        XCTAssertThrowsDataError(try GLUETSVDataset.load(train: t, validation: try devFile(), test: nil, options: UserDatasetOptions()),
                                 .invalidUTF8(file: t.path, line: 3))
        let t2 = try file("train2.tsv", [row(0, "a", "b", "entailment")])
        let v = try file("dev.tsv", [row(1, "a", "b", "entailment"), row(2, "a", "b", "neutral")])
        XCTAssertThrowsDataError(try GLUETSVDataset.load(train: t2, validation: v, test: nil, options: UserDatasetOptions()),
                                 .unseenLabel(file: v.path, line: 3, label: "neutral"))
    }

    func testSkipInvalidCountsDefectsNotMissingGold() throws {
        let t = try file("train.tsv", [row(0, "a", "b", "entailment"), "broken", row(1, "", "b", "neutral"),
                                       row(2, "c", "d", "-"), row(3, "e", "f", "neutral")])
        let v = try file("dev.tsv", [row(4, "a", "b", "entailment"), row(5, "a", "b", "contradiction")])
        let r = try GLUETSVDataset.loadDetailed(train: t, validation: v, test: nil, options: UserDatasetOptions(skipInvalid: true))
        XCTAssertEqual(r.skipped, 3)   // "broken", empty sentence1, unseen "contradiction"
        XCTAssertEqual(r.withoutGoldLabel[.train], 1)
        XCTAssertEqual(r.dataset.labels, ["entailment", "neutral"])
        XCTAssertEqual(r.dataset.train.map(\.text), ["a", "e"])
        XCTAssertEqual(r.dataset.validation.count, 1)
    }
}
