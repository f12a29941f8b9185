import Foundation
import XCTest
import Analysis
import LinearAlgebra
import LoRA
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// Issue 3's control: on the built-in tiny model a rank-8 LoRA student trained on the teacher's hidden states recovers
/// the 2 planted directions — φ between the top-2 right singular directions of the learned ΔW and of the planted ΔW*.
final class PlantedRankTests: XCTestCase {
    func testRank8StudentRecoversRank2Plant() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lora-planted-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let json = """
        {"name": "planted-tiny", "model": {"builtin": "tiny"},
         "task": {"kind": "planted-rank", "plantRank": 2, "targets": ["v"], "layers": [1], "singularValues": [8.0, 6.0],
                  "inputs": "random-tokens", "maxTokens": 16, "trainExamples": 512, "validationExamples": 64},
         "adapters": [{"targets": ["v"], "ranks": [8], "layers": [1]}],
         "lora": {"alpha": 8},
         "training": {"steps": 600, "batchSize": 16, "learningRate": 0.03, "schedule": "linear", "warmupFraction": 0.05}}
        """
        let spec = try ExperimentSpec.decode(data: Data(json.utf8), file: "planted-tiny.json")
        let plan = try RunPlan.resolve(spec, modelShape: try LoadedModel.shape(of: spec.model, repositoryRoot: root), baseDirectory: root, file: "planted-tiny.json")
        let runner = ExperimentRunner(plan: plan, repositoryRoot: root, options: .init(resultsRoot: root))
        let record = try runner.run { _ in }[0]
        XCTAssertEqual(record.outcome.status, .finished)
        let dims: (LoRATarget) -> (inFeatures: Int, outFeatures: Int) = { $0.dimensions(hidden: 48, intermediate: 96) }
        let learned = try PEFTAdapterFile.read(record.adapterDirectory, dimensions: dims, layers: 2).adapters[0]
        let planted = try PEFTAdapterFile.read(runner.specDirectory.appendingPathComponent("planted-adapter"), dimensions: dims, layers: 2).adapters[0]
        let learnedBasis = try SingularBasis(of: learned.deltaWeight.converted(to: Double.self))
        let plantedBasis = try SingularBasis(of: planted.deltaWeight.converted(to: Double.self))
        let result = PlantedRecovery.evaluate(learned: learnedBasis, planted: plantedBasis, maxK: 2)
        // Measured: φ(1,1) ≈ 0.94, φ(2,2) ≈ 0.99 with validation cosine ≈ 0.9999998.
        XCTAssertGreaterThan(record.outcome.validation["cosine"] ?? 0, 0.9999)
        XCTAssertGreaterThanOrEqual(result.diagonal[1], 0.9, "φ(top-2 learned, top-2 planted)")
    }
}
