import Analysis
import Foundation
import XCTest
@testable import ExperimentReports

/// What the planted control validates per claim: a matrix it does not recover on its plain directions counts as
/// inconclusive in every rule that reads it, and a control measured on another model validates nothing there.
final class PlantedGateValidationTests: XCTestCase {
    /// A passing gate whose W_v plain recovery stays below 0.9 (as measured on MiniLM), on `model`.
    func gate(model: String? = "models/all-MiniLM-L6-v2 (BERT encoder, 6 layers, d = 384, 12 heads, d_ff = 1536)") -> PlantedGate {
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
        XCTAssertTrue(gate(model: nil).applies(to: "anything"))   // an unknown gate model: no claim either way
    }

    func testValidationPerClaim() {
        let g = gate(), minilm = g.model
        XCTAssertEqual(g.state, .passes, "\(g.reasons)")
        XCTAssertEqual(g.unvalidatedMatrices(reportModel: minilm), ["v"])
        XCTAssertEqual(g.validation(claim: 1, reportModel: minilm), "not needed (accuracy)")
        XCTAssertEqual(g.validation(claim: 3, reportModel: minilm), "W_q yes, W_v no")
        XCTAssertEqual(g.validation(claim: 6, reportModel: minilm), "W_q yes")
        let other = "models/SmolLM2-135M-Instruct (Llama decoder, 30 layers)"
        XCTAssertEqual(g.unvalidatedMatrices(reportModel: other), [])
        XCTAssertEqual(g.validation(claim: 3, reportModel: other), "no control on this model")
        let text = g.markdown(reportModel: other)
        XCTAssertTrue(text.contains("measured on another model") && !text.contains("| Matrix |"), text)
        var failing = g
        failing.state = .fails
        XCTAssertEqual(failing.validation(claim: 5, reportModel: minilm), "not validated: the control is failing")
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

    func testUnvalidatedMatrixCannotMakeClaim3Hold() {
        // Both matrices clearly above 0.5: holds on the instrument, inconclusive once W_v is unvalidated.
        XCTAssertEqual(Claims.claim3(at: panels(q: 0.8, v: 0.8), layer: 3).verdict, .holds)
        let demoted = Claims.claim3(at: panels(q: 0.8, v: 0.8), layer: 3, unvalidated: ["v"])
        XCTAssertEqual(demoted.verdict, .inconclusive)
        XCTAssertTrue(demoted.text[1].contains("the rule reads holds; W_v not validated"), "\(demoted.text)")
        // A validated matrix that fails is enough for "does not hold" (the claim needs every matrix).
        XCTAssertEqual(Claims.claim3(at: panels(q: 0.1, v: 0.8), layer: 3, unvalidated: ["v"]).verdict, .doesNotHold)
        // An unvalidated matrix that fails decides nothing.
        XCTAssertEqual(Claims.claim3(at: panels(q: 0.8, v: 0.1), layer: 3).verdict, .doesNotHold)
        XCTAssertEqual(Claims.claim3(at: panels(q: 0.8, v: 0.1), layer: 3, unvalidated: ["v"]).verdict, .inconclusive)
    }

    func testClaim4NeedsBothMatricesValidated() {
        let p = panels(q: 0.1, v: 0.5, comparison: .seed)
        XCTAssertEqual(Claims.claim4(at: p, layer: 3, K: 1, nulls: []).verdict, .doesNotHold)
        let demoted = Claims.claim4(at: p, layer: 3, K: 1, nulls: [], unvalidated: ["v"])
        XCTAssertEqual(demoted.verdict, .inconclusive)
        XCTAssertTrue(demoted.text.contains("the rule reads does not hold; W_v not validated"), demoted.text)
    }

    func testDirectionClaimsOnAnUnvalidatedWq() {
        let c = ClaimResult(number: 5, source: "Table 7", statement: "s", verdict: .holds, ours: "ours", paper: "p", rule: "r", uncertainty: "u")
        let out = Claims.notValidated(c, matrices: ["q"])
        XCTAssertEqual(out.verdict, .inconclusive)
        XCTAssertTrue(out.ours.hasSuffix("[the rule reads holds; W_q not validated by the planted control (its plain directions are not recovered): counted inconclusive]"), out.ours)
        var untested = c
        untested.verdict = .notTested
        XCTAssertEqual(Claims.notValidated(untested, matrices: ["q"]).verdict, .notTested)
    }
}
