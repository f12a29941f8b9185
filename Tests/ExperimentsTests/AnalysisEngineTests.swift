import Analysis
import LinearAlgebra
import LoRA
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// The engine's cached paths give exactly the values of the `Analysis` functions they call, and its nulls are the
/// seeded draws of their named streams whatever else was computed first.
final class AnalysisEngineTests: XCTestCase {
    func engine() -> AnalysisEngine {
        AnalysisEngine(options: AnalysesSpec(randomSeed: 5), baseWeights: { l, t in ReportFixture.baseWeight(layer: l, target: t) })
    }

    func testTable7MatchesTheLibrary() throws {
        let engine = engine()
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
                let null = NullDistribution([0.1, 0.3])
                let library = WeightProjection.table7Rows(w: w, wBasis: wBasis, delta: delta, deltaNorm: delta.frobeniusNorm,
                                                          rank: record.rank, randomNull: null)
                XCTAssertEqual(try engine.table7(s, key, randomNull: null).rows, library, "\(record.id) \(key)")
                XCTAssertEqual(w, ReportFixture.baseWeight(layer: key.layer, target: key.target).converted(to: Double.self))
                XCTAssertEqual(try s.factors[key]!.aRight(), try SubspaceSimilarity.rightSingularBasis(of: s.factors[key]!.a))
            }
        }
    }

    /// A null is the draws of `SeededGenerator(seed: randomSeed, stream: key.stream)`, the same alone or in a batch, and
    /// different keys draw differently.
    func testNullsComeFromTheirOwnStreams() throws {
        let key = AnalysisEngine.ProjectionNullKey(key: AdapterKey(layer: 1, target: .q), rank: 4)
        let other = AnalysisEngine.ProjectionNullKey(key: AdapterKey(layer: 0, target: .v), rank: 2)
        let alone = try engine().projectionNulls([key])[key]!
        let batch = try engine().projectionNulls([other, key])
        XCTAssertEqual(batch[key], alone)
        XCTAssertNotEqual(batch[other], alone)
        let values = try engine().weight(AdapterKey(layer: 1, target: .q)).basis.values
        var rng = SeededGenerator(seed: 5, stream: "null/table7/L1/q/r4")
        XCTAssertEqual(try WeightProjection.randomProjectionNull(singularValues: values, rows: 16, cols: 16, rank: 4, draws: 200, using: &rng),
                       alone)
        let phi = AnalysisEngine.PhiNullKey(analysis: "overlap", layer: 0, matrix: "q", ranks: "r8", ambient: 16, maxI: 2, maxJ: 8)
        var phiRng = SeededGenerator(seed: 5, stream: "null/overlap/L0/q/r8/2x8")
        XCTAssertEqual(try engine().phiNulls([phi])[phi],
                       try SubspaceSimilarity.randomGridNull(ambient: 16, maxI: 2, maxJ: 8, draws: 200, using: &phiRng))
    }
}
