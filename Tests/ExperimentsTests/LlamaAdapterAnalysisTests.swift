import Foundation
import LinearAlgebra
import LoRA
import Model
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// `analyze` on Llama adapters: the engine reads them under `ModuleNaming.llama` and keys matrices by their
/// family-neutral names, including `ffn_gate`, which BERT has no counterpart of.
final class LlamaAdapterAnalysisTests: XCTestCase {
    func testAnalyzeLlamaAdapters() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lora-llama-analyze-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let config = LlamaConfig(vocabularySize: 40, hiddenSize: 16, layers: 2, heads: 4, kvHeads: 2, intermediateSize: 24,
                                 maxPositions: 32, rmsNormEps: 1e-5, ropeBase: 100)
        let model = LlamaModel.random(config: config, seed: 7, std: 0.3)
        var dirs: [URL] = []
        for (rank, seed) in [(2, UInt64(1)), (4, UInt64(2))] {
            let adapters = model.attachAdapters(targets: [.q, .ffnGate], parameters: LoRAParameters(rank: rank, alpha: 4), initSeed: seed)
            var rng = SeededGenerator(seed: seed, stream: "B")
            for a in adapters { for i in 0..<a.b.value.storage.count { a.b.value.storage[i] = Float(rng.nextGaussian()) } }
            let dir = root.appendingPathComponent("r\(rank)")
            try PEFTAdapterFile.write(adapters, to: dir, baseModel: "tiny-llama", harness: .init(initSeed: seed))
            dirs.append(dir)
            model.detachAdapters()
        }
        let out = root.appendingPathComponent("analysis")
        let summary = try AdapterAnalysis.analyze(adapterDirectories: dirs, baseWeights: { try model.weight(layer: $0, site: $1) },
                                                  naming: model.naming, outputDirectory: out)
        XCTAssertEqual(summary.runsAnalysed, 2)
        let data = try ReportData.load(from: out)
        XCTAssertEqual(Set(try XCTUnwrap(data.similarity).map(\.matrix)), ["q", "ffn_gate"])
        XCTAssertEqual(Set(try XCTUnwrap(data.projection).map(\.layer)), [0, 1])
    }
}
