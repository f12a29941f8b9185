import Foundation
import LoRA
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// Budget → rank, the rule of the paper's Table 5: r = budget ÷ (L · Σ (in + out)).
final class BudgetTests: XCTestCase {
    let miniLM = ModelShape.miniLML6

    func rank(_ budget: Int, _ targets: [LoRATarget], layers: Int = 6, shape: ModelShape = .miniLML6) -> Int? {
        RunPlan.rank(forBudget: budget, targets: targets, layerCount: layers, shape: shape)
    }

    func testMiniLMRanks() {
        // One 384 × 384 matrix in 6 layers: 6 · 768 = 4608 parameters per unit of rank.
        XCTAssertEqual(RunPlan.parametersPerRank(targets: [.q], layerCount: 6, shape: miniLM), 4608)
        XCTAssertEqual(rank(18432, [.q]), 4)
        XCTAssertEqual(rank(18432, [.k]), 4)
        XCTAssertEqual(rank(18432, [.q, .v]), 2)
        XCTAssertEqual(rank(18432, [.q, .k, .v, .o]), 1)
        XCTAssertEqual(rank(36864, [.q]), 8)
        XCTAssertEqual(rank(36864, [.q, .v]), 4)
        XCTAssertEqual(rank(36864, [.q, .k, .v, .o]), 2)
        // Feed-forward matrices are 384 × 1536: 6 · (1920 + 1920) = 23040.
        XCTAssertEqual(RunPlan.parametersPerRank(targets: [.ffnUp, .ffnDown], layerCount: 6, shape: miniLM), 23040)
        XCTAssertEqual(rank(46080, [.ffnUp, .ffnDown]), 2)
        // Fewer layers, fewer parameters per rank.
        XCTAssertEqual(rank(18432, [.q], layers: 3), 8)
        XCTAssertNil(rank(18000, [.q]))
        XCTAssertNil(rank(0, [.q]))
    }

    /// The paper's own numbers: GPT-3 175B (96 layers, d = 12288), 18M budget (Table 5).
    func testGPT3Table5Ranks() {
        let gpt3 = ModelShape(layers: 96, hidden: 12288, intermediate: 49152, heads: 96, vocabularySize: 50257, maxPositions: 2048)
        let budget = 18_874_368
        let table5: [([LoRATarget], Int)] = [([.q], 8), ([.k], 8), ([.v], 8), ([.o], 8), ([.q, .k], 4), ([.q, .v], 4), ([.q, .k, .v, .o], 2)]
        for (targets, r) in table5 {
            XCTAssertEqual(rank(budget, targets, layers: 96, shape: gpt3), r, "\(targets)")
        }
    }

    func testRemainderMessages() {
        XCTAssertEqual(RunPlan.budgetMismatchReason(budget: 18000, targets: [.q, .v], layerCount: 6, shape: miniLM),
                       "18000 is not a multiple of 9216 (= 6 layers × 2 matrices × (384 + 384)); nearest budgets 9216 (r = 1) and 18432 (r = 2)")
        XCTAssertEqual(RunPlan.budgetMismatchReason(budget: 1000, targets: [.q], layerCount: 1, shape: miniLM),
                       "1000 is not a multiple of 768 (= 1 layer × 1 matrix × (384 + 384)); nearest budgets 768 (r = 1) and 1536 (r = 2)")
        XCTAssertEqual(RunPlan.budgetMismatchReason(budget: 100, targets: [.q], layerCount: 6, shape: miniLM),
                       "100 is not a multiple of 4608 (= 6 layers × 1 matrix × (384 + 384)); the smallest budget is 4608 (r = 1)")
        XCTAssertEqual(RunPlan.budgetMismatchReason(budget: 20000, targets: [.q, .ffnUp], layerCount: 6, shape: miniLM),
                       "20000 is not a multiple of 16128 (= 6 layers × ((384 + 384) + (384 + 1536))); nearest budgets 16128 (r = 1) and 32256 (r = 2)")
    }

    func testBudgetRankAboveTheMatrixSizeIsAnError() throws {
        let repo = try TemporaryDirectory.repository()
        let spec = try Fixtures.spec(json: """
        {"name": "t", "model": {"builtin": "tiny"}, "task": {"kind": "wordnet-supersense"},
         "adapters": [{"targets": ["q"], "budget": \(4608 * 385)}], "training": {"steps": 1}}
        """)
        XCTAssertEqual(specError { _ = try RunPlan.resolve(spec, modelShape: miniLM, baseDirectory: repo.url, file: "t.json") }?.description,
                       "t.json: adapters[0].budget: gives rank 385 (= 1774080 ÷ 4608), which exceeds 384 = min(in, out) of q (in 384, out 384)")
    }

    func testBudgetRunsCarryTheirRankAndParameterCount() throws {
        let repo = try TemporaryDirectory.repository()
        let spec = try Fixtures.spec(json: """
        {"name": "table5", "model": {"builtin": "tiny"}, "task": {"kind": "wordnet-supersense"},
         "adapters": [{"targets": ["q"], "budget": 18432}, {"targets": ["q", "v"], "budget": 18432},
                      {"targets": ["q", "k", "v", "o"], "budget": 18432}, {"targets": ["ffn_up"], "budget": 11520, "layers": [5]}],
         "training": {"steps": 1}, "reference": "table5"}
        """)
        let plan = try RunPlan.resolve(spec, modelShape: miniLM, baseDirectory: repo.url, file: "t.json")
        XCTAssertEqual(plan.runs.map(\.prefix), ["q-r4-d1-i1", "qv-r2-d1-i1", "qkvo-r1-d1-i1", "up-r6-d1-i1"])
        XCTAssertEqual(plan.runs.map(\.trainableParameters), [18432, 18432, 18432, 11520])
        XCTAssertEqual(plan.adapterSets.map(\.budget), [18432, 18432, 18432, 11520])
        XCTAssertEqual(plan.adapterSets[3].layers, [5])
        XCTAssertEqual(plan.adapterSets[3].parametersPerRank, 1920)
    }
}
