import Foundation
import LinearAlgebra
import LoRA
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// `experiment analyze` on adapter directories from anywhere.
final class ReportAdapterAnalysisTests: XCTestCase {
    func testAnalyzeAdapters() throws {
        let root = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (records, _, _) = try ReportFixture.make(in: root)
        let r8 = records.first { $0.id == "qv-r8-d1-i1" }!, r2 = records.first { $0.id == "qv-r2-d1-i1" }!
        let copy = root.appendingPathComponent("copies/qv-r8-d1-i1")
        try FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: r8.adapterDirectory, to: copy)
        let out = root.appendingPathComponent("analysis")
        let summary = try AdapterAnalysis.analyze(adapterDirectories: [r8.adapterDirectory, r2.adapterDirectory, copy],
                                                  baseWeights: { ReportFixture.baseWeight(layer: $0, target: $1) },
                                                  outputDirectory: out)
        XCTAssertEqual(summary.runsAnalysed, 3)
        XCTAssertEqual(summary.filesWritten, ["claims.csv", "direction_overlap.csv", "figures/fig3-q-layer1.svg", "figures/fig3-v-layer1.svg",
                                              "figures/fig4-layer1.svg", "figures/fig4-q-layer1.svg", "figures/fig4-v-layer1.svg", "figures/fig8-q.svg",
                                              "figures/fig8-v.svg", "learning_diagnostics.csv", "null_distributions.csv",
                                              "null_projection_growth.csv", "report.md",
                                              "spectra.csv",
                                              "subspace_similarity.csv", "weight_projection.csv"])
        let data = try ReportData.load(from: out)
        let sim = try XCTUnwrap(data.similarity)
        // Two ranks compare as Fig 3, one rank as Fig 4.
        XCTAssertTrue(sim.allSatisfy { $0.comparison == ($0.rankA == $0.rankB ? .seed : .rank) })
        // Labels: the run folder's name for ".../adapter", de-duplicated with "-2"; the smaller rank is run_a.
        XCTAssertEqual(Set(sim.map { "\($0.runA) \($0.runB)" }),
                       ["qv-r2-d1-i1 qv-r8-d1-i1", "qv-r2-d1-i1 qv-r8-d1-i1-2", "qv-r8-d1-i1 qv-r8-d1-i1-2"])
        // An adapter against its own copy: φ(i, i) = 1.
        for row in sim where row.runA == "qv-r8-d1-i1" && row.i == row.j { XCTAssertEqual(row.phi, 1, accuracy: 1e-9) }
        XCTAssertEqual(Set(data.projection!.map(\.run)), ["qv-r8-d1-i1", "qv-r2-d1-i1", "qv-r8-d1-i1-2"])
        // Seeds come from the adapter's own lora_harness fields.
        XCTAssertEqual(data.projection!.first?.seed, 1)
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("## Fig 3: subspace similarity between r = 2 and r = 8"))
        XCTAssertTrue(report.contains("## Table 7: how ΔW relates to W"))
        // Every claim the adapters support is judged; accuracies are not available.
        XCTAssertEqual(summary.claims.map(\.number), Array(1...8))
        XCTAssertEqual(summary.claims[0].verdict, .notTested)
        XCTAssertEqual(summary.claims[1].verdict, .notTested)
        XCTAssertTrue(summary.claims[2...].allSatisfy { $0.verdict != .notTested }, "\(summary.claims.map(\.verdict))")
        XCTAssertTrue(report.contains("## Claims"))
        XCTAssertEqual(try ReportData.load(from: out).claims, summary.claims)
        // Same inputs, same bytes.
        let again = root.appendingPathComponent("analysis2")
        _ = try AdapterAnalysis.analyze(adapterDirectories: [r8.adapterDirectory, r2.adapterDirectory, copy],
                                        baseWeights: { ReportFixture.baseWeight(layer: $0, target: $1) }, outputDirectory: again)
        XCTAssertEqual(try ReportFixture.files(under: out), try ReportFixture.files(under: again))
    }

    func testAnalyzeRejectsAdapterThatDoesNotFitTheModel() throws {
        let root = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (records, _, _) = try ReportFixture.make(in: root)
        XCTAssertThrowsError(try AdapterAnalysis.analyze(adapterDirectories: [records[0].adapterDirectory],
                                                         baseWeights: { _, _ in Matrix<Float>(rows: 8, cols: 8) },
                                                         outputDirectory: root.appendingPathComponent("x"))) { error in
            XCTAssertTrue("\(error)".contains("adapter_model.safetensors") && "\(error)".contains("expected"), "\(error)")
        }
    }
}
