import Foundation
import Support
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// The convergence criterion of a reproduction's verdicts (issue 11 part 1): `lengthCheckedBy` names the spec that
/// trains its configurations longer; a verdict stands only when that spec gives the same one.
final class LengthCheckedVerdictTests: XCTestCase {
    var repo: TemporaryDirectory!

    override func setUpWithError() throws { repo = try TemporaryDirectory.repository() }
    override func tearDown() { repo = nil }

    static func specJSON(_ name: String, extra: String = "") -> String {
        """
        {"name": "\(name)", "model": {"checkpoint": "models/all-MiniLM-L6-v2"}, "task": {"kind": "wordnet-supersense"},
         "adapters": [{"targets": ["q"], "ranks": [1]}], "training": {"steps": 30}\(extra)}
        """
    }

    func reproduction(_ checkedBy: String) throws -> ExperimentSpec {
        try Fixtures.spec(json: Self.specJSON("full", extra: #", "lengthCheckedBy": \#(checkedBy)"#))
    }

    func plan(_ s: ExperimentSpec) throws -> RunPlan {
        try RunPlan.resolve(s, modelShape: .miniLML6, baseDirectory: repo.url, file: "full.json")
    }

    // MARK: the rule

    func testAVerdictStandsOnlyWhenTheLongerTrainingAgrees() {
        for v in [Verdict.holds, .doesNotHold, .inconclusive] {
            XCTAssertEqual(LengthCheckedVerdict.reading(reference: v, longer: v), .stands(v))
            XCTAssertEqual(LengthCheckedVerdict.reading(reference: v, longer: v).verdict, v)
        }
        XCTAssertEqual(LengthCheckedVerdict.reading(reference: .doesNotHold, longer: .inconclusive).verdict, .inconclusive)
        XCTAssertEqual(LengthCheckedVerdict.reading(reference: .inconclusive, longer: .holds).verdict, .inconclusive,
                       "the rule never promotes a verdict: a longer run that holds does not make the reproduction hold")
        XCTAssertEqual(LengthCheckedVerdict.reading(reference: .holds, longer: .doesNotHold).verdict, .inconclusive)
    }

    /// Symmetric: "holds" and "does not hold" are treated alike, and only agreement keeps either.
    func testTheRuleIsSymmetricAndCanOnlyWeaken() {
        let all = [Verdict.holds, .doesNotHold, .inconclusive]
        for a in all {
            for b in all {
                let r = LengthCheckedVerdict.reading(reference: a, longer: b).verdict
                XCTAssertTrue(r == a || r == .inconclusive, "\(a) / \(b) → \(r)")
                XCTAssertEqual(r == .inconclusive, a != b || a == .inconclusive, "\(a) / \(b) → \(r)")
            }
        }
    }

    func testAClaimTheLongerSpecDoesNotTestIsNotChecked() {
        XCTAssertEqual(LengthCheckedVerdict.reading(reference: .holds, longer: .notTested), .notChecked(.holds))
        XCTAssertEqual(LengthCheckedVerdict.reading(reference: .doesNotHold, longer: nil), .notChecked(.doesNotHold))
    }

    func testSummaryNamesEachGroup() {
        func claim(_ n: Int, _ v: Verdict) -> ClaimResult {
            ClaimResult(number: n, source: "S\(n)", statement: "", verdict: v, ours: "", paper: "", rule: "", uncertainty: "")
        }
        let reference = [claim(1, .inconclusive), claim(2, .doesNotHold), claim(3, .doesNotHold), claim(4, .notTested), claim(5, .holds)]
        let longer = [claim(1, .notTested), claim(2, .inconclusive), claim(3, .doesNotHold), claim(5, .holds)]
        let text = LengthCheckedVerdict.summary(reference: reference, longer: longer, referenceName: "full", longerName: "full-long")
        XCTAssertTrue(text.contains("Here claims 3 and 5 stand; **claim 2 (does not hold in `full`, inconclusive in `full-long`) reads "
                                    + "inconclusive**; claim 1 is not length-checked."), text)
        let glance = ReportBuilder.glance(reference, validation: nil,
                                          longer: LengthCheckedVerdict.Longer(name: "full-long", reference: "full", claims: longer))
        let flat = glance.replacingOccurrences(of: " +", with: " ", options: .regularExpression)   // table padding
        XCTAssertTrue(flat.contains("| 2 | S2 | does not hold | inconclusive | **inconclusive** (lengths differ) |"), glance)
        XCTAssertTrue(flat.contains("| 1 | S1 | inconclusive | not tested | inconclusive (not length-checked) |"), glance)
        XCTAssertTrue(flat.contains("| 5 | S5 | holds | holds | holds (stands) |"), glance)
    }

    func testAMissingLongerResultIsStatedNotThrown() throws {
        let folder = repo.url.appendingPathComponent("results/full")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let longer = LengthCheckedVerdict.Longer.load(name: "full-long", reference: "full", besides: folder)
        XCTAssertNil(longer.claims)
        XCTAssertTrue(longer.problem?.contains("`full-long/claims.csv` is missing") == true, longer.problem ?? "no problem")
    }

    // MARK: the spec field

    func testNamesASpecThatNamesItBackAndRoundTrips() throws {
        _ = try repo.write("experiments/specs/full-long.json", Self.specJSON("full-long", extra: #", "lengthCheckOf": "full""#))
        let s = try reproduction(#""full-long""#)
        XCTAssertEqual(s.lengthCheckedBy, "full-long")
        XCTAssertNoThrow(try plan(s))
        XCTAssertEqual(try ExperimentSpec.decode(data: Data(CanonicalJSON.canonical(s.json).utf8), file: "again.json"), s)
        XCTAssertFalse(CanonicalJSON.canonical(try Fixtures.spec(json: Self.specJSON("other")).json).contains("lengthCheckedBy"),
                       "resolved specs of other specs stay byte for byte")
    }

    func testBadReferencesNameTheFieldAndTheReason() throws {
        XCTAssertTrue(specError { _ = try reproduction(#""full""#) }?.description.contains("lengthCheckedBy: names this spec itself") == true)
        XCTAssertTrue(specError { _ = try reproduction("7") }?.description.contains("lengthCheckedBy: expected a string") == true)
        var e = specError { _ = try plan(reproduction(#""missing""#)) }
        XCTAssertTrue(e?.description.contains("full.json: lengthCheckedBy: no spec 'missing.json'") == true, e?.description ?? "no error")
        _ = try repo.write("experiments/specs/unrelated.json", Self.specJSON("unrelated"))
        e = specError { _ = try plan(reproduction(#""unrelated""#)) }
        XCTAssertTrue(e?.description.contains("lengthCheckedBy: spec 'unrelated.json' must name this spec in its lengthCheckOf (it has none)") == true,
                      e?.description ?? "no error")
        _ = try repo.write("experiments/specs/broken.json", "{\"name\": ")
        e = specError { _ = try plan(reproduction(#""broken""#)) }
        XCTAssertTrue(e?.description.contains("lengthCheckedBy: spec 'broken.json' cannot be read") == true, e?.description ?? "no error")
    }
}
