import Foundation
import XCTest
import LoRA
import Model
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// `bench --inference` runs every mode at both batch sizes with matched trainable parameters and leaves the model as it
/// was (no timing is asserted: timings belong to benchmarks). A bottleneck adapter changes the forward pass (it is
/// really inserted), and merged LoRA gives the unmerged outputs.
final class InferenceBenchTests: XCTestCase {
    func testModesRowsAndCleanModel() throws {
        let (model, _) = try BuiltinTiny.make()
        let before = model.layers.map { $0.value.weight }
        var o = Benchmark.InferenceOptions()
        o.tokens = 6; o.callsBatch1 = 5; o.callsBatch32 = 5; o.rank = 4
        let result = try Benchmark.runInference(model: model, modelName: "tiny", options: o)
        XCTAssertEqual(result.rows.map { "\($0.mode)/\($0.batch)" },
                       ["base/1", "base/32", "lora-unmerged/1", "lora-unmerged/32", "lora-merged/1", "lora-merged/32", "houlsby/1", "houlsby/32"])
        let lora = result.rows.first { $0.mode == "lora-merged" }!.trainableParameters
        let houlsby = result.rows.first { $0.mode == "houlsby" }!.trainableParameters
        XCTAssertEqual(Double(houlsby), Double(lora), accuracy: 0.15 * Double(lora), "matched trainable parameters")
        XCTAssertTrue(model.adapters.isEmpty)
        XCTAssertTrue(model.layers.allSatisfy { $0.attentionBottleneck == nil && $0.ffnBottleneck == nil })
        for (l, w) in zip(model.layers, before) { XCTAssertLessThan(l.value.weight.maxAbsDifference(w), 1e-6, "W unmerged again") }
    }

    func testBottleneckChangesOutputsAndMergedLoRAMatchesUnmerged() throws {
        let (model, _) = try BuiltinTiny.make()
        let batch = Batch(packing: [([2, 5, 7, 9, 3], [0, 0, 0, 0, 0])])
        let ws = EncoderWorkspace(config: model.config, forInference: true)
        func out() throws -> [Float] { try withExtendedLifetime(ws) { let h = try model.forward(batch, workspace: ws); return Array(UnsafeBufferPointer(start: h.base, count: h.rows * h.cols)) } }
        let base = try out()
        _ = try Benchmark.setInferenceMode("houlsby", model: model, targets: [.q, .v], rank: 4, bottleneck: 4)
        XCTAssertGreaterThan(zip(try out(), base).map { abs($0 - $1) }.max()!, 0, "the bottleneck adapters are in the forward pass")
        Benchmark.clearInferenceModes(model)
        XCTAssertEqual(try out(), base)
        _ = try Benchmark.setInferenceMode("lora-unmerged", model: model, targets: [.q, .v], rank: 4, bottleneck: 4)
        let unmerged = try out()
        Benchmark.clearInferenceModes(model)
        _ = try Benchmark.setInferenceMode("lora-merged", model: model, targets: [.q, .v], rank: 4, bottleneck: 4)
        XCTAssertLessThan(zip(try out(), unmerged).map { abs($0 - $1) }.max()!, 1e-5)
        Benchmark.clearInferenceModes(model)
    }
}
