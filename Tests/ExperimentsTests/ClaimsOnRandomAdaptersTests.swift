import Analysis
import Foundation
import LinearAlgebra
import LoRA
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// The claim engine cannot be passed by noise (issue 11 part 4). Adapters that learned nothing are fed through the whole
/// report, and separately through `experiment analyze`:
/// - A and B random Gaussian matrices of the right shapes;
/// - A left at its LoRA initialisation (the harness's own draw, `LoRAAdapter(…, initSeed:)`) with B random and small.
/// Claims 3, 5, 6 and 7 must not hold on them. Three seeds per rank let the seed-spread rules decide, so claim 3
/// (φ(1, 1) at chance, far below 0.5) must come out "does not hold" — the rules decide against the paper when the data
/// exclude its effect, not only refrain from agreeing.
final class ClaimsOnRandomAdaptersTests: XCTestCase {
    static let (d, layers, alpha) = (48, 2, 8.0)
    static let ranks = [1, 4, 8, 16]
    static let seeds: [UInt64] = [1, 2, 3]

    enum Kind: String { case gaussian, initialisation }

    /// W = U·diag(s)·Vᵀ with a decaying spectrum 8, 6, 5, 4, 3, … (as the report fixture's).
    static func baseWeight(layer: Int, target: any AdapterSite) -> Matrix<Float> {
        var rng = SeededGenerator(seed: 7, stream: "W/\(layer)/\(target.rawValue)")
        var u = try! Matrix<Double>.gaussian(rows: d, cols: d, using: &rng).orthonormalColumns()
        let v = try! Matrix<Double>.gaussian(rows: d, cols: d, using: &rng).orthonormalColumns()
        for i in 0..<d { for j in 0..<d { u[i, j] *= j < 5 ? [8.0, 6, 5, 4, 3][j] : 3 * pow(0.9, Double(j - 4)) } }
        return Matrix.product(u, v, transposeB: true).converted(to: Float.self)
    }

    static func adapter(_ kind: Kind, rank: Int, seed: UInt64, layer: Int, target: LoRATarget) -> LoRAAdapter {
        let p = LoRAParameters(rank: rank, alpha: alpha)
        var rng = SeededGenerator(seed: seed, stream: "random-adapter/\(kind.rawValue)/\(layer)/\(target.rawValue)/r\(rank)")
        switch kind {
        case .gaussian:
            return LoRAAdapter(target: target, layer: layer, parameters: p, a: .gaussian(rows: rank, cols: d, using: &rng),
                               b: .gaussian(rows: d, cols: rank, using: &rng))
        case .initialisation:
            let a = LoRAAdapter(target: target, layer: layer, inFeatures: d, outFeatures: d, parameters: p, initSeed: seed).a.value
            return LoRAAdapter(target: target, layer: layer, parameters: p, a: a, b: .gaussian(rows: d, cols: rank, std: 1e-3, using: &rng))
        }
    }

    /// Writes one run folder per (rank, seed) and builds the report with every adapter analysis on.
    static func report(_ kind: Kind, in root: URL) throws -> (summary: ReportSummary, runs: [RunRecord]) {
        let results = root.appendingPathComponent("results/random")
        let machine = MachineFacts(cpu: "test", cores: 2, threads: 1, blas: "OpenBLAS", gitCommit: "none", swiftVersion: nil)
        var records: [RunRecord] = []
        for rank in ranks {
            for seed in seeds {
                let id = "qv-r\(rank)-d\(seed)-i\(seed)"
                let dir = results.appendingPathComponent("runs/\(id)")
                let adapters = (0..<layers).flatMap { l in [LoRATarget.q, .v].map { adapter(kind, rank: rank, seed: seed, layer: l, target: $0) } }
                try PEFTAdapterFile.write(adapters, to: dir.appendingPathComponent("adapter"), baseModel: "random", harness: nil)
                let outcome = RunOutcome(status: .finished, steps: 1, primaryMetric: "accuracy", validation: ["accuracy": 0.5],
                                         majorityBaseline: 0.25, trainSeconds: 1, headParameters: 0, machine: machine)
                records.append(RunRecord(id: id, targets: [.q, .v], layers: Array(0..<layers), rank: rank, alpha: alpha, rsLoRA: false,
                                         scaling: alpha / Double(rank), dataSeed: seed, initSeed: seed, trainableParameters: 0,
                                         outcome: outcome, directory: dir))
            }
        }
        let options = AnalysesSpec(subspaceSimilarity: SubspaceSimilaritySpec(pairs: [RankPair(8, 16)], maxI: 8, maxJ: 16),
                                   seedSimilarity: SeedSimilaritySpec(rank: 16), projection: ProjectionSpec(), directionOverlap: true)
        let context = ReportContext(specName: "random", title: "random adapters", modelDescription: "random", taskDescription: "none",
                                    gridDescription: "q+v", reference: nil, options: options, validationExamples: 1000)
        let summary = try ReportBuilder.build(context: context, runs: records, baseWeights: { baseWeight(layer: $0, target: $1) },
                                              plantedAdapterDirectory: nil, resultsDirectory: results)
        return (summary, records)
    }

    func assertNoneHold(_ claims: [ClaimResult], _ what: String) {
        for c in claims where [3, 5, 6, 7].contains(c.number) {
            XCTAssertNotEqual(c.verdict, .holds, "\(what): claim \(c.number) holds on adapters that learned nothing: \(c.ours)")
            XCTAssertNotEqual(c.verdict, .notTested, "\(what): claim \(c.number) was not tested")
        }
    }

    func testNoClaimHoldsOnRandomOrUntrainedAdapters() throws {
        for kind in [Kind.gaussian, .initialisation] {
            let root = try ReportFixture.temporaryDirectory("random-\(kind.rawValue)")
            defer { try? FileManager.default.removeItem(at: root) }
            let (summary, runs) = try Self.report(kind, in: root)
            assertNoneHold(summary.claims, "\(kind) report")
            // No planted control beside this results folder: every direction-based verdict counts as inconclusive, and
            // the bare rule's reading (kept in the text) is that no direction is shared, for both matrices.
            XCTAssertEqual(summary.claims[2].verdict, .inconclusive, "\(kind): \(summary.claims[2].ours)")
            XCTAssertEqual(summary.claims[2].ours.components(separatedBy: "the rule reads does not hold; ").count, 3, summary.claims[2].ours)
            // The learning diagnostics see it: A at its init is A₀ regenerated exactly; a random A is unrelated to A₀.
            let learning = try XCTUnwrap(try ReportData.load(from: root.appendingPathComponent("results/random")).learning)
            XCTAssertEqual(learning.count, Self.ranks.count * Self.seeds.count * Self.layers * 2)
            for row in learning {
                if kind == .initialisation {
                    XCTAssertEqual(row.relativeChange, 0, "\(row)")
                    XCTAssertEqual(row.cosine, 1, accuracy: 1e-9)
                    XCTAssertEqual(row.aboveEdge, 0)
                } else {
                    XCTAssertLessThan(abs(row.cosine), 0.5, "\(row)")
                }
            }
            // The same adapters through `experiment analyze` (pairs of every rank and seed, no run records).
            let picked = runs.filter { [4, 16].contains($0.rank) }.map(\.adapterDirectory)
            let analyzed = try AdapterAnalysis.analyze(adapterDirectories: picked, baseWeights: { Self.baseWeight(layer: $0, target: $1) },
                                                       options: AdapterAnalysis.options(maxI: 8, maxJ: 16),
                                                       outputDirectory: root.appendingPathComponent("analysis"))
            assertNoneHold(analyzed.claims, "\(kind) analyze")   // the bare instrument: no planted control is applied
            XCTAssertEqual(analyzed.claims[2].verdict, .doesNotHold, "\(kind) analyze: \(analyzed.claims[2].ours)")
        }
    }
}
