import Foundation
import Support
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// `quickLookOf` (issue 11 part 7): a quick-start spec names the reproduction it is a quick look at; the spec must name
/// an existing spec other than itself, and the report opens by saying what it is and linking the full report.
final class QuickLookSpecTests: XCTestCase {
    var repo: TemporaryDirectory!

    override func setUpWithError() throws { repo = try TemporaryDirectory.repository() }
    override func tearDown() { repo = nil }

    func spec(_ quickLookOf: String) throws -> ExperimentSpec {
        try Fixtures.spec(json: """
        {"name": "quick", "model": {"checkpoint": "models/all-MiniLM-L6-v2"}, "task": {"kind": "wordnet-supersense"},
         "adapters": [{"targets": ["q"], "ranks": [1]}], "training": {"steps": 30}, "quickLookOf": \(quickLookOf)}
        """)
    }

    func plan(_ s: ExperimentSpec) throws -> RunPlan {
        try RunPlan.resolve(s, modelShape: .miniLML6, baseDirectory: repo.url, file: "quick.json")
    }

    func testNamesAnExistingSpecAndRoundTrips() throws {
        _ = try repo.write("experiments/specs/full.json", "{}")
        let s = try spec(#""full""#)
        XCTAssertEqual(s.quickLookOf, "full")
        XCTAssertNoThrow(try plan(s))
        let again = try ExperimentSpec.decode(data: Data(CanonicalJSON.canonical(s.json).utf8), file: "again.json")
        XCTAssertEqual(again, s)
    }

    func testWithoutItTheSpecJSONHasNoSuchKey() throws {
        let s = try Fixtures.spec(json: """
        {"name": "quick", "model": {"checkpoint": "models/all-MiniLM-L6-v2"}, "task": {"kind": "wordnet-supersense"},
         "adapters": [{"targets": ["q"], "ranks": [1]}], "training": {"steps": 30}}
        """)
        XCTAssertFalse(CanonicalJSON.canonical(s.json).contains("quickLookOf"), "resolved specs of other specs stay byte for byte")
    }

    func testMalformedValuesNameTheField() throws {
        for (value, message) in [(#""Full Spec""#, "quickLookOf: must name a spec"), (#""quick""#, "quickLookOf: names this spec itself"),
                                 ("3", "quickLookOf: expected a string")] {
            let e = specError { _ = try spec(value) }
            XCTAssertTrue(e?.description.contains(message) == true, "\(value): \(e?.description ?? "no error")")
        }
        let e = specError { _ = try plan(spec(#""missing""#)) }
        XCTAssertTrue(e?.description.contains("quick.json: quickLookOf: no spec 'missing.json'") == true, e?.description ?? "no error")
    }

    /// `lengthCheckOf` (the doubling test) follows the same rules: an existing spec other than this one, round-tripped.
    func testLengthCheckOfNamesAnotherExistingSpec() throws {
        func longer(_ value: String) throws -> ExperimentSpec {
            try Fixtures.spec(json: """
            {"name": "quick", "model": {"checkpoint": "models/all-MiniLM-L6-v2"}, "task": {"kind": "wordnet-supersense"},
             "adapters": [{"targets": ["q"], "ranks": [1]}], "training": {"steps": 30}, "lengthCheckOf": \(value)}
            """)
        }
        _ = try repo.write("experiments/specs/full.json", "{}")
        let s = try longer(#""full""#)
        XCTAssertEqual(s.lengthCheckOf, "full")
        XCTAssertNoThrow(try plan(s))
        XCTAssertEqual(try ExperimentSpec.decode(data: Data(CanonicalJSON.canonical(s.json).utf8), file: "again.json"), s)
        XCTAssertTrue(specError { _ = try longer(#""quick""#) }?.description.contains("lengthCheckOf: names this spec itself") == true)
        let e = specError { _ = try plan(longer(#""missing""#)) }
        XCTAssertTrue(e?.description.contains("quick.json: lengthCheckOf: no spec 'missing.json'") == true, e?.description ?? "no error")
    }

    /// `experiment report` builds a spec after the one its `lengthCheckOf` names (it reads that spec's fresh φ grids).
    func testReportOrderPutsTheReferenceFirst() throws {
        func named(_ name: String, checks: String? = nil) throws -> ExperimentSpec {
            try Fixtures.spec(json: """
            {"name": "\(name)", "model": {"checkpoint": "models/all-MiniLM-L6-v2"}, "task": {"kind": "wordnet-supersense"},
             "adapters": [{"targets": ["q"], "ranks": [1]}], "training": {"steps": 30}\(checks.map { ", \"lengthCheckOf\": \"\($0)\"" } ?? "")}
            """)
        }
        // File-name order puts "section7-long.json" before "section7.json" ('-' < '.').
        let specs = [try named("qv-rank"), try named("section7-long", checks: "section7"), try named("section7"), try named("table5")]
        XCTAssertEqual(ExperimentSpec.reportOrder(specs), [0, 2, 1, 3])
        XCTAssertEqual(ExperimentSpec.reportOrder([try named("a", checks: "elsewhere"), try named("b")]), [0, 1])   // not in the list
    }

    func testReportOpensWithTheQuickLookAndLinksTheFullReport() {
        let text = ReportBuilder.quickLook(full: "section7")
        XCTAssertTrue(text.contains("[`section7`'s report](../section7/report.md)"), text)
        XCTAssertTrue(text.contains("not the reproduction's"), text)
    }
}
