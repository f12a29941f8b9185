import Foundation
import LinearAlgebra
import LoRA
import XCTest
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
        XCTAssertEqual(summary.filesWritten, ["direction_overlap.csv", "figures/fig8-q.svg", "figures/fig8-v.svg", "report.md",
                                              "spectra.csv", "subspace_similarity.csv", "weight_projection.csv"])
        let data = try ReportData.load(from: out)
        let sim = try XCTUnwrap(data.similarity)
        XCTAssertTrue(sim.allSatisfy { $0.comparison == .adapters })
        // Labels: the run folder's name for ".../adapter", de-duplicated with "-2"; the smaller rank is run_a.
        XCTAssertEqual(Set(sim.map { "\($0.runA) \($0.runB)" }),
                       ["qv-r2-d1-i1 qv-r8-d1-i1", "qv-r2-d1-i1 qv-r8-d1-i1-2", "qv-r8-d1-i1 qv-r8-d1-i1-2"])
        // An adapter against its own copy: φ(i, i) = 1.
        for row in sim where row.runA == "qv-r8-d1-i1" && row.i == row.j { XCTAssertEqual(row.phi, 1, accuracy: 1e-9) }
        XCTAssertEqual(Set(data.projection!.map(\.run)), ["qv-r8-d1-i1", "qv-r2-d1-i1", "qv-r8-d1-i1-2"])
        // Seeds come from the adapter's own lora_harness fields.
        XCTAssertEqual(data.projection!.first?.seed, 1)
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("## Subspace similarity between adapters"))
        XCTAssertTrue(report.contains("## Table 7: how ΔW relates to W"))
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
