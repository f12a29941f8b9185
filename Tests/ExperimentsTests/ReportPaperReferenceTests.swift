import Analysis
import Foundation
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// `experiments/paper/*.csv` (the data, with its README citing arXiv:2106.09685 v2) and `PaperReference` agree.
final class ReportPaperReferenceTests: XCTestCase {
    static let paperDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("experiments/paper")

    func read(_ name: String) throws -> CSVDocument {
        try XCTUnwrap(try CSVDocument.read(Self.paperDirectory.appendingPathComponent(name), displayName: name))
    }

    func testTable5() throws {
        let d = try read("table5_weight_types.csv")
        XCTAssertEqual(d.rows.count, PaperReference.table5.count)
        for (n, p) in PaperReference.table5.enumerated() {
            let r = d.row(n)
            XCTAssertEqual(r.string("weight_types"), p.weightTypes)
            XCTAssertEqual(try r.int("rank"), p.rank)
            XCTAssertEqual(try r.int("trainable_params"), p.trainableParameters)
            XCTAssertEqual(try r.double("wikisql_acc"), p.wikiSQL)
            XCTAssertEqual(try r.double("wikisql_pm"), p.wikiSQLSpread)
            XCTAssertEqual(try r.double("mnli_acc"), p.multiNLI)
            XCTAssertEqual(try r.double("mnli_pm"), p.multiNLISpread)
        }
    }

    func testTable6() throws {
        let d = try read("table6_rank.csv")
        XCTAssertEqual(d.rows.count, PaperReference.table6.count)
        for (n, p) in PaperReference.table6.enumerated() {
            let r = d.row(n)
            XCTAssertEqual(r.string("dataset"), p.dataset)
            XCTAssertEqual(r.string("weight_types"), p.weightTypes)
            for rank in [1, 2, 4, 8, 64] { XCTAssertEqual(try r.double("r\(rank)"), p.accuracy(rank: rank)) }
            XCTAssertEqual(try r.double("pm"), p.spread)
        }
    }

    func testTable7() throws {
        let d = try read("table7_projection.csv")
        XCTAssertEqual(d.rows.count, PaperReference.table7.count)
        for (n, p) in PaperReference.table7.enumerated() {
            let r = d.row(n)
            XCTAssertEqual(try r.int("rank"), p.rank)
            XCTAssertEqual(r.string("directions_from"), p.directionsFrom.rawValue)
            XCTAssertEqual(try r.double("projection_norm"), p.projectionNorm)
            XCTAssertEqual(try r.double("weight_norm"), p.weightNorm)
            XCTAssertEqual(try r.optionalDouble("delta_norm"), p.deltaNorm)
            XCTAssertEqual(try r.optionalDouble("amplification"), p.amplification)
        }
    }

    func testClaimsAndCitation() throws {
        let md = try String(contentsOf: Self.paperDirectory.appendingPathComponent("claims.md"), encoding: .utf8)
        for c in PaperReference.claims { XCTAssertTrue(md.contains("\(c.number). (\(c.source))"), "claim \(c.number)") }
        let readme = try String(contentsOf: Self.paperDirectory.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains("arXiv:2106.09685 v2"))
    }
}
