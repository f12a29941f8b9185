import Foundation
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// The fixture report's CSVs join on the run id and keep integer columns integer (what pandas needs for a merge and
/// for integer dtypes).
final class ReportCSVJoinTests: XCTestCase {
    /// Columns that hold integers wherever they appear.
    static let integerColumns: Set<String> = ["layer", "rank", "rank_a", "rank_b", "i", "j", "k", "index", "draws", "null_draws",
                                              "ambient_dim", "energy_rank_90", "above_edge", "planted_rank", "seed", "init_seed",
                                              "data_seed"]

    private func csvs(_ results: URL) throws -> [String: CSVDocument] {
        let names = try FileManager.default.contentsOfDirectory(atPath: results.path).filter { $0.hasSuffix(".csv") }
        var out: [String: CSVDocument] = [:]
        for n in names { out[n] = try CSVDocument.read(results.appendingPathComponent(n), displayName: n) }
        return out
    }

    func testRunIdsJoinAndSeedsShareOneName() throws {
        let root = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (results, _) = try ReportFixture.build(in: root)
        let docs = try csvs(results)
        let accuracy = try XCTUnwrap(docs["accuracy.csv"])
        let runs = Set((0..<accuracy.rows.count).map { accuracy.row($0).string("run") })
        let similarity = try XCTUnwrap(docs["subspace_similarity.csv"])
        XCTAssertEqual(Array(similarity.header.suffix(2)), ["run_a_id", "run_b_id"])
        for n in 0..<similarity.rows.count {
            let r = similarity.row(n)
            XCTAssertTrue(runs.contains(r.string("run_a_id")) && runs.contains(r.string("run_b_id")), "line \(r.line)")
        }
        var perRun = 0
        for (name, doc) in docs where doc.has("run") && name != "accuracy.csv" {
            perRun += 1
            XCTAssertTrue(doc.has("init_seed") && doc.has("data_seed"), "\(name) lacks init_seed or data_seed")
            for n in 0..<doc.rows.count {
                let r = doc.row(n)
                XCTAssertTrue(runs.contains(r.string("run")), "\(name):\(r.line): run '\(r.string("run"))' is not in accuracy.csv")
                if doc.has("seed") { XCTAssertEqual(r.string("seed"), r.string("init_seed"), "\(name):\(r.line)") }
            }
        }
        XCTAssertEqual(perRun, 5, "weight_projection, direction_overlap, spectra, learning_diagnostics, planted_recovery")
    }

    func testIntegerColumnsAreNeverBlank() throws {
        let root = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (results, _) = try ReportFixture.build(in: root)
        let docs = try csvs(results)
        XCTAssertNotNil(docs["null_projection_growth.csv"])
        for (name, doc) in docs {
            for column in doc.header where Self.integerColumns.contains(column) {
                for n in 0..<doc.rows.count {
                    let s = doc.row(n).string(column)
                    XCTAssertNotNil(Int(s), "\(name):\(n + 2): column '\(column)' is '\(s)', not an integer")
                }
            }
        }
    }
}
