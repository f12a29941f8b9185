import Foundation
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// The gate's rule on recovery tables: passes only with every cell ≥ 0.9 over ≥ 3 seeds and claim 3 holding; fails on a
/// low cell; is incomplete with too few seeds; "not run" without the gate's folder; and the report says so.
final class PlantedGateTests: XCTestCase {
    /// planted_recovery.csv rows for ranks 2 and 8, k = 1, 2, two layers, `seeds` seeds, recovery `value(matrix, rank)`.
    static func csv(seeds: Int, value: (String, Int) -> Double) -> CSVDocument {
        var text = "run,layer,matrix,rank,seed,k,recovery,expected_random,targets,planted_rank,data_seed\n"
        for matrix in ["q", "v"] { for rank in [2, 8] { for seed in 1...seeds { for layer in 0..<2 { for k in 1...2 {
            text += "r\(rank)-s\(seed),\(layer),\(matrix),\(rank),\(seed),\(k),\(value(matrix, rank)),0.005,q+v,2,1\n"
        } } } } }
        text += "r1-s1,0,q,1,1,1,0.01,0.0026,q+v,2,1\n"     // a student below the planted rank: not part of the rule
        return try! CSVDocument.parse(Data(text.utf8), file: "planted_recovery.csv")
    }

    func testRule() {
        let good = PlantedGate.summarise(Self.csv(seeds: 3) { _, _ in 0.95 })
        XCTAssertEqual(good.1, 2)
        XCTAssertEqual(good.0.count, 8, "q and v × ranks 2, 8 × k = 1, 2; rank 1 left out")
        XCTAssertEqual(PlantedGate.judge(cells: good.0, plantedRank: 2, claim3: "holds", commits: ["abc"]).state, .passes)
        XCTAssertEqual(PlantedGate.judge(cells: good.0, plantedRank: 2, claim3: "inconclusive", commits: []).state, .fails)
        let lowV = PlantedGate.summarise(Self.csv(seeds: 3) { m, r in m == "v" && r == 8 ? 0.6 : 0.95 })
        let failed = PlantedGate.judge(cells: lowV.0, plantedRank: 2, claim3: "holds", commits: [])
        XCTAssertEqual(failed.state, .fails)
        XCTAssertTrue(failed.reasons.contains("v r = 8: recovery(1) = 0.600 < 0.9"), "\(failed.reasons)")
        XCTAssertTrue(failed.markdown().contains("By matrix: W_q recovers its plant (lowest cell 0.950); W_v does not recover its plant "
                                                 + "(lowest cell 0.600)."), failed.markdown())
        let oneSeed = PlantedGate.summarise(Self.csv(seeds: 1) { _, _ in 0.99 })
        XCTAssertEqual(PlantedGate.judge(cells: oneSeed.0, plantedRank: 2, claim3: "holds", commits: []).state, .incomplete)
    }

    /// With data-metric columns the gate judges `recovery_data_metric` against its null and shows the plain recovery
    /// beside it: plain 0.6 on v but 0.99 in the data metric passes, with a caveat that φ on A of W_v is not validated; a
    /// data-metric value inside its null's band fails.
    func testDataMetricIsJudgedAndPlainRecoveryIsShown() {
        func csv(data: Double, upper: Double) -> CSVDocument {
            var text = "run,layer,matrix,rank,seed,k,recovery,expected_random,recovery_data_metric,null_mean,null_upper,targets,planted_rank,data_seed\n"
            for matrix in ["q", "v"] { for rank in [2, 8] { for seed in 1...3 { for layer in 0..<2 { for k in 1...2 {
                let plain = matrix == "v" ? 0.6 : 0.95
                text += "r\(rank)-s\(seed),\(layer),\(matrix),\(rank),\(seed),\(k),\(plain),0.005,\(data),0.3,\(upper),q+v,2,1\n"
            } } } } }
            return try! CSVDocument.parse(Data(text.utf8), file: "planted_recovery.csv")
        }
        let good = PlantedGate.summarise(csv(data: 0.99, upper: 0.5))
        XCTAssertTrue(good.0.allSatisfy { $0.dataMetric && $0.belowNull == 0 })
        let passing = PlantedGate.judge(cells: good.0, plantedRank: 2, claim3: "holds", commits: [])
        XCTAssertEqual(passing.state, .passes, "\(passing.reasons)")
        let text = passing.markdown()
        XCTAssertTrue(text.contains("| v      |   8 |   2 |                    0.990 |       0.500 |                         0.600 |     3 |"), text)
        XCTAssertTrue(text.contains("**Not validated: φ on A of W_v.**"), text)
        XCTAssertFalse(text.contains("φ on A of W_q"), text)
        let insideNull = PlantedGate.summarise(csv(data: 0.95, upper: 0.97))
        let failed = PlantedGate.judge(cells: insideNull.0, plantedRank: 2, claim3: "holds", commits: [])
        XCTAssertEqual(failed.state, .fails)
        XCTAssertTrue(failed.reasons.contains("q r = 2: recovery(1) within its null's 95 % band at 6 (layer, seed) pairs"), "\(failed.reasons)")
    }

    func testMissingGateFolderMeansNotTrusted() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lora-gate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let gate = PlantedGate.read(resultsRoot: root)
        XCTAssertEqual(gate.state, .notRun)
        let text = gate.markdown()
        XCTAssertTrue(text.contains("**has not been run**"))
        XCTAssertTrue(text.contains("**The verdicts of this report are not trusted until the planted control passes.**"))
        // A passing folder: recovery table and claims.csv with claim 3 holding.
        let folder = root.appendingPathComponent(PlantedGate.specName)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var rows = "run,layer,matrix,rank,seed,k,recovery,expected_random,targets,planted_rank,data_seed\n"
        for seed in 1...3 { for k in 1...2 { rows += "r2-s\(seed),0,q,2,\(seed),\(k),0.97,0.005,q,2,1\n" } }
        try Data(rows.utf8).write(to: folder.appendingPathComponent("planted_recovery.csv"))
        try Data("claim,source,verdict\n3,Fig 3,holds\n".utf8).write(to: folder.appendingPathComponent("claims.csv"))
        let passing = PlantedGate.read(resultsRoot: root)
        XCTAssertEqual(passing.state, .passes, "\(passing.reasons)")
        XCTAssertFalse(passing.markdown().contains("not trusted"))
    }
}
