import Analysis
import LinearAlgebra
import LoRA
import XCTest
@testable import Experiments

/// The report's specialised Float64 paths give bit-identical results to the Analysis / LinearAlgebra functions they
/// stand in for.
final class ReportLinearAlgebraTests: XCTestCase {
    func gaussian(_ r: Int, _ c: Int, _ stream: String) -> Matrix<Double> {
        var rng = SeededGenerator(seed: 3, stream: stream)
        return Matrix<Double>.gaussian(rows: r, cols: c, using: &rng)
    }

    func testSVDAndHelpersMatchTheLibrary() throws {
        for (r, c) in [(12, 7), (7, 12), (16, 16), (1, 9)] {
            let m = gaussian(r, c, "m\(r)x\(c)")
            XCTAssertEqual(try ReportLinearAlgebra.svd(m), try SingularBasis(of: m))
            XCTAssertEqual(try ReportLinearAlgebra.svd(m).right, try SubspaceSimilarity.rightSingularBasis(of: m))
            XCTAssertEqual(ReportLinearAlgebra.transposed(m), m.transposed)
            XCTAssertEqual(ReportLinearAlgebra.frobeniusNorm(m), m.frobeniusNorm)
            XCTAssertEqual(ReportLinearAlgebra.leadingColumns(m, min(r, c) - 1 + 1), m.leadingColumns(min(r, c)))
            let f = m.converted(to: Float.self)
            XCTAssertEqual(ReportLinearAlgebra.doubles(f), f.converted(to: Double.self))
        }
        var bad = gaussian(3, 3, "bad")
        bad[1, 1] = .nan
        XCTAssertThrowsError(try ReportLinearAlgebra.svd(bad))
    }

    func testRandomBasisAndTable7MatchTheLibrary() throws {
        let engine = AnalysisEngine(options: AnalysisOptions(randomSeed: 5), baseWeights: { l, t in
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
            }
        }
    }
}
