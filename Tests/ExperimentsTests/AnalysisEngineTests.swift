import Analysis
import LinearAlgebra
import LoRA
import XCTest
@testable import Experiments

/// The engine's cached paths give exactly the values of the `Analysis` functions they call.
final class AnalysisEngineTests: XCTestCase {
    func testTable7MatchesTheLibrary() throws {
        let engine = AnalysisEngine(options: AnalysesSpec(randomSeed: 5), baseWeights: { l, t in
            ReportFixture.baseWeight(layer: l, target: t)
        })
        XCTAssertEqual(try engine.randomBasis(rows: 16, cols: 16), try WeightProjection.randomBasis(rows: 16, cols: 16, seed: 5))
        let root = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (records, _, _) = try ReportFixture.make(in: root)
        for record in records where record.outcome.status == .finished {
            let s = try AnalysisSubject.load(directory: record.adapterDirectory, id: record.id, label: record.rankSeedLabel,
                                             targets: record.targetLabel, rank: record.rank, initSeed: record.initSeed,
                                             dataSeed: record.dataSeed, expectedScaling: record.scaling,
                                             dimensions: engine.dimensions(layer: 0), layerCount: 2)
            for key in s.keys {
                let (w, wBasis) = try engine.weight(key)
                let delta = try s.factors[key]!.delta()
                let library = try WeightProjection.table7Rows(w: w, wBasis: wBasis, delta: delta, deltaNorm: delta.frobeniusNorm,
                                                              rank: record.rank, randomSeed: 5)
                XCTAssertEqual(try engine.table7(s, key).rows, library, "\(record.id) \(key)")
                XCTAssertEqual(w, ReportFixture.baseWeight(layer: key.layer, target: key.target).converted(to: Double.self))
                XCTAssertEqual(try s.factors[key]!.aRight(), try SubspaceSimilarity.rightSingularBasis(of: s.factors[key]!.a))
            }
        }
    }
}
