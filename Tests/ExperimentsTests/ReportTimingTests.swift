import Experiments
import Foundation
import LinearAlgebra
import LoRA
import Model
import XCTest

/// Timing of a spec-sized report on the real checkpoint: 6 runs ({q, v} at r = 1, 4, 8, 8, 64, 64; two seeds at r = 8
/// and r = 64) × 6 layers × 2 matrices, d = 384, every analysis on with the paper's bounds. Synthetic adapters
/// (no training), with the Monte-Carlo nulls at their default 200 draws. Runs only with REPORT_TIMING=1 and the MiniLM
/// checkpoint in models/, and prints the times per phase (a measurement, not a pass/fail test: timings depend on the
/// machine and its load):
///
///     REPORT_TIMING=1 swift test -c release -Xswiftc -enable-testing --filter ReportTimingTests
final class ReportTimingTests: XCTestCase {
    func testSpecSizedReportTiming() throws {
        guard ProcessInfo.processInfo.environment["REPORT_TIMING"] == "1" else { throw XCTSkip("set REPORT_TIMING=1 to time the report") }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let checkpoint = repo.appendingPathComponent("models/all-MiniLM-L6-v2")
        guard FileManager.default.fileExists(atPath: checkpoint.appendingPathComponent("model.safetensors").path) else {
            throw XCTSkip("no checkpoint at \(checkpoint.path)")
        }
        let model = try BertModel.load(checkpointDirectory: checkpoint)
        let d = model.config.hiddenSize, layers = model.config.layers
        // REPORT_TIMING_OUTPUT=<dir> keeps the built results folder for inspection.
        let keep = ProcessInfo.processInfo.environment["REPORT_TIMING_OUTPUT"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
        let root = keep ?? FileManager.default.temporaryDirectory.appendingPathComponent("report-timing-\(ProcessInfo.processInfo.processIdentifier)")
        defer { if keep == nil { try? FileManager.default.removeItem(at: root) } }
        let results = root.appendingPathComponent("results/timing")
        let machine = MachineFacts(cpu: "timing", cores: 2, threads: 2, blas: "OpenBLAS", gitCommit: "none", swiftVersion: nil)
        var records: [RunRecord] = []
        for (rank, seed) in [(1, 1), (4, 1), (8, 1), (8, 2), (64, 1), (64, 2)] as [(Int, UInt64)] {
            let id = "qv-r\(rank)-d1-i\(seed)"
            let dir = results.appendingPathComponent("runs/\(id)")
            let p = LoRAParameters(rank: rank, alpha: 8)
            var rng = SeededGenerator(seed: seed, stream: "timing/\(rank)")
            var adapters: [LoRAAdapter] = []
            for l in 0..<layers {
                for t in [LoRATarget.q, .v] {
                    adapters.append(LoRAAdapter(target: t, layer: l, parameters: p,
                                                a: .gaussian(rows: rank, cols: d, std: 1 / Double(rank), using: &rng),
                                                b: .gaussian(rows: d, cols: rank, std: 0.01, using: &rng)))
                }
            }
            try PEFTAdapterFile.write(adapters, to: dir.appendingPathComponent("adapter"), baseModel: "all-MiniLM-L6-v2", harness: nil)
            let outcome = RunOutcome(status: .finished, steps: 1000, primaryMetric: "accuracy",
                                     validation: ["accuracy": 0.8 + 0.001 * Double(rank)], majorityBaseline: 0.15, trainSeconds: 700,
                                     headParameters: 26 * d + 26, machine: machine)
            records.append(RunRecord(id: id, targets: [.q, .v], layers: Array(0..<layers), rank: rank, alpha: 8, rsLoRA: false,
                                     scaling: p.scaling, dataSeed: 1, initSeed: seed, trainableParameters: 2 * layers * rank * 2 * d,
                                     outcome: outcome, directory: dir))
        }
        let context = ReportContext(specName: "timing", title: "Timing", modelDescription: "all-MiniLM-L6-v2 (BERT, 6 layers, d = 384)",
                                    taskDescription: "synthetic", gridDescription: "q+v × r ∈ {1, 4, 8, 64}", reference: .table6,
                                    options: AnalysesSpec(subspaceSimilarity: SubspaceSimilaritySpec(pairs: [RankPair(8, 64)], maxI: 8, maxJ: 64),
                                                          seedSimilarity: SeedSimilaritySpec(rank: 64), projection: ProjectionSpec(),
                                                          directionOverlap: true, spectra: true))
        func cpuSeconds() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
        }
        let cpu0 = cpuSeconds()
        let summary = try ReportBuilder.build(context: context, runs: records,
                                              baseWeights: { try model.weight(layer: $0, site: $1) },
                                              plantedAdapterDirectory: nil, resultsDirectory: results)
        let cpu = cpuSeconds() - cpu0
        print("report of 6 runs × \(layers) layers × 2 matrices (d = \(d)): \(String(format: "%.3f", summary.seconds)) s wall, "
              + "\(String(format: "%.3f", cpu)) s CPU (all threads), \(summary.filesWritten.count) files")
        for p in summary.phases { print("  \(p.name): \(String(format: "%.3f", p.seconds)) s") }
        for c in summary.claims { print("  claim \(c.number): \(c.verdict.rawValue)") }
        XCTAssertEqual(summary.claims.count, 8)
    }
}
