import Analysis
import Foundation
import XCTest
@testable import ExperimentReports

/// What the planted control validates per claim: a matrix it does not cover — not recovered on its plain directions,
/// not planted, or any matrix when the control does not pass on the report's model — counts as inconclusive in every
/// rule that reads it.
final class PlantedGateValidationTests: XCTestCase {
    static let minilm = "models/all-MiniLM-L6-v2 (BERT encoder, 6 layers, d = 384, 12 heads, d_ff = 1536)"

    /// A passing gate whose W_v plain recovery stays below 0.9 (as measured on MiniLM), on `model`.
    func gate(model: String? = minilm) -> PlantedGate {
        let cells = ["q", "v"].flatMap { m in
            [1, 2].map { k in
                PlantedGate.Cell(matrix: m, rank: 2, k: k, recovery: 0.99, seeds: 3, plain: m == "v" ? 0.6 : 0.95, nullUpper: 0.4)
            }
        }
        var g = PlantedGate.judge(cells: cells, plantedRank: 2, claim3: "holds", commits: ["abc"])
        g.model = model
        return g
    }

    func testModelIdentityIgnoresTheFolder() {
        let g = gate()
        XCTAssertTrue(g.applies(to: "/data/ckpt/all-MiniLM-L6-v2 (BERT encoder, 6 layers, d = 384, 12 heads, d_ff = 1536)"))
        XCTAssertFalse(g.applies(to: "models/SmolLM2-135M-Instruct (Llama decoder, 30 layers, d = 576, 9 query heads, 3 key/value heads, d_ff = 1536)"))
        XCTAssertFalse(gate(model: nil).applies(to: Self.minilm))   // a gate of unknown model validates nothing
    }

    func testWhatTheGateCovers() {
        let g = gate()
        XCTAssertEqual(g.state, .passes, "\(g.reasons)")
        let v = g.validation(reportModel: Self.minilm)
        XCTAssertEqual(v.covered, ["q"])
        XCTAssertEqual(v.note(["v"]), "W_v not validated (its plain directions are not recovered by the planted control): counted inconclusive")
        XCTAssertEqual(v.note(["k", "o"]), "W_k, W_o not validated (the planted control does not plant it): counted inconclusive")
        var claim = ClaimResult(number: 3, source: "Fig 3", statement: "s", verdict: .doesNotHold, ours: "", paper: "", rule: "", uncertainty: "")
        claim.reads = ["q", "v"]
        XCTAssertEqual(PlantedGate.validationCell(claim, v), "W_q yes, W_v no")
        claim.number = 1
        XCTAssertEqual(PlantedGate.validationCell(claim, v), "not needed (accuracy)")
        let other = g.validation(reportModel: "models/SmolLM2-135M-Instruct (Llama decoder, 30 layers)")
        XCTAssertEqual(other.covered, [])
        XCTAssertEqual(other.note(["q"]), "W_q not validated (no planted control on this model): counted inconclusive")
        let text = g.markdown(reportModel: "models/SmolLM2-135M-Instruct (Llama decoder, 30 layers)")
        XCTAssertTrue(text.contains("measured on another model") && text.contains("plain directions of W_v") && !text.contains("| Matrix |"), text)
        var failing = g
        failing.state = .fails
        XCTAssertEqual(failing.validation(reportModel: Self.minilm).covered, [])
        XCTAssertTrue(MatrixValidation.unrestricted.covers("anything"))
    }

    /// φ(1, 1) panels at one layer for q and v over three seed pairs.
    func panels(q: Double, v: Double, comparison: SimilarityComparison = .rank) -> [PhiPanel] {
        ["q", "v"].flatMap { m in
            (1...3).map { s in
                let value = (m == "q" ? q : v) + 0.01 * Double(s)
                return PhiPanel(comparison: comparison, targets: "q+v", layer: 3, matrix: m, runA: "a\(s)", runB: "b\(s)",
                                rankA: 8, rankB: 64, ambient: 384, basis: .a, grid: [[value]], nulls: [[nil]])
            }
        }
    }

    var qOnly: MatrixValidation { gate().validation(reportModel: Self.minilm) }

    func testUncoveredMatrixCannotMakeClaim3Hold() {
        // Both matrices clearly above 0.5: holds on the instrument, inconclusive once W_v is not covered.
        XCTAssertEqual(Claims.claim3(at: panels(q: 0.8, v: 0.8), layer: 3).verdict, .holds)
        let demoted = Claims.claim3(at: panels(q: 0.8, v: 0.8), layer: 3, validation: qOnly)
        XCTAssertEqual(demoted.verdict, .inconclusive)
        XCTAssertTrue(demoted.text[1].contains("the rule reads holds; W_v not validated"), "\(demoted.text)")
        // A covered matrix that fails is enough for "does not hold" (the claim needs every matrix).
        XCTAssertEqual(Claims.claim3(at: panels(q: 0.1, v: 0.8), layer: 3, validation: qOnly).verdict, .doesNotHold)
        // An uncovered matrix that fails decides nothing.
        XCTAssertEqual(Claims.claim3(at: panels(q: 0.8, v: 0.1), layer: 3).verdict, .doesNotHold)
        XCTAssertEqual(Claims.claim3(at: panels(q: 0.8, v: 0.1), layer: 3, validation: qOnly).verdict, .inconclusive)
        // No control on this model: nothing is covered.
        let none = MatrixValidation(covered: [], reason: { _ in "no planted control on this model" })
        XCTAssertEqual(Claims.claim3(at: panels(q: 0.1, v: 0.1), layer: 3, validation: none).verdict, .inconclusive)
    }

    func testClaim4ComparisonNeedsBothMatricesButItsNullBranchOnlyWq() {
        let p = panels(q: 0.1, v: 0.5, comparison: .seed)
        XCTAssertEqual(Claims.claim4(at: p, layer: 3, K: 1, nulls: []).verdict, .doesNotHold)
        let demoted = Claims.claim4(at: p, layer: 3, K: 1, nulls: [], validation: qOnly)
        XCTAssertEqual(demoted.verdict, .inconclusive)
        XCTAssertTrue(demoted.text.contains("the rule reads does not hold; W_v not validated"), demoted.text)
        // D_q inside the null's band: "W_q's seeds share nothing beyond chance" reads W_q alone, so it stands.
        let null = NullRow(statistic: .diagonalMean, layer: 3, matrix: "q", rankA: 8, rankB: 8, k: 1, draws: 200, mean: 0.1,
                           standardDeviation: 0.05, lower: 0.0, upper: 0.5, stream: "null/test")
        XCTAssertEqual(Claims.claim4(at: p, layer: 3, K: 1, nulls: [null], validation: qOnly).verdict, .doesNotHold)
    }

    func testDirectionClaimsReadTheirFocusMatrix() {
        let c = ClaimResult(number: 5, source: "Table 7", statement: "s", verdict: .holds, ours: "ours", paper: "p", rule: "r", uncertainty: "u")
        let onV = Claims.validated(c, reads: "v", qOnly)
        XCTAssertEqual(onV.verdict, .inconclusive)
        XCTAssertEqual(onV.reads, ["v"])
        XCTAssertTrue(onV.ours.hasSuffix("[the rule reads holds; W_v not validated (its plain directions are not recovered by the planted control): counted inconclusive]"), onV.ours)
        XCTAssertEqual(Claims.validated(c, reads: "q", qOnly).verdict, .holds)
        var untested = c
        untested.verdict = .notTested
        XCTAssertEqual(Claims.validated(untested, reads: "v", qOnly).verdict, .notTested)
    }
}
