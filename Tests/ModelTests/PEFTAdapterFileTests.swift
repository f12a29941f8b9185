import Foundation
import XCTest
import LinearAlgebra
import LoRA
import SafeTensors
@testable import Model

/// PEFT adapter directories: round trip, PEFT's names and shapes, unambiguous target_modules, and read errors.
final class PEFTAdapterFileTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("lora-peft-\(UUID().uuidString)")
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func dims(_ t: LoRATarget) -> (inFeatures: Int, outFeatures: Int) { t.dimensions(hidden: 8, intermediate: 12) }

    func adapters() -> [LoRAAdapter] {
        let model = BertModel.random(config: ModelGradientTests.config, seed: 1)
        let list = model.attachAdapters(targets: [.q, .v, .ffnDown], parameters: LoRAParameters(rank: 2, alpha: 4), initSeed: 3)
        var rng = SeededGenerator(seed: 2)
        for a in list { for i in 0..<a.b.value.storage.count { a.b.value.storage[i] = Float(rng.nextGaussian()) } }
        return list
    }

    func testRoundTripKeepsFactorsNamesAndConfig() throws {
        let written = adapters()
        try PEFTAdapterFile.write(written, to: dir, baseModel: "models/tiny", harness: .init(initSeed: 3, dataSeed: 1, runId: "x"))
        let file = try SafeTensorsFile(contentsOf: dir.appendingPathComponent("adapter_model.safetensors"))
        XCTAssertEqual(file.info("base_model.model.encoder.layer.1.attention.self.query.lora_A.weight")?.shape, [2, 8])
        XCTAssertEqual(file.info("base_model.model.encoder.layer.1.output.dense.lora_B.weight")?.shape, [8, 2])
        let (config, read) = try PEFTAdapterFile.read(dir, dimensions: dims, layers: 2)
        XCTAssertEqual(config.peftType, "LORA")
        XCTAssertEqual(config.r, 2)
        XCTAssertEqual(config.loraAlpha, 4)
        XCTAssertEqual(config.initLoraWeights, "gaussian")
        XCTAssertEqual(config.harness?.initSeed, 3)
        XCTAssertEqual(read.count, written.count)
        for (a, b) in zip(read, written) {
            XCTAssertEqual(a.a.value, b.a.value)
            XCTAssertEqual(a.b.value, b.b.value)
            XCTAssertEqual(a.deltaWeight, b.deltaWeight)
        }
        // Same bytes when written twice.
        let first = try Data(contentsOf: dir.appendingPathComponent("adapter_model.safetensors"))
        let firstConfig = try Data(contentsOf: dir.appendingPathComponent("adapter_config.json"))
        try PEFTAdapterFile.write(written, to: dir, baseModel: "models/tiny", harness: .init(initSeed: 3, dataSeed: 1, runId: "x"))
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("adapter_model.safetensors")), first)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("adapter_config.json")), firstConfig)
    }

    /// PEFT matches a target_modules entry when it equals a module name or is a dot-suffix of it: no entry may select a
    /// module that was not adapted (ffn_down's `output.dense` would also select `attention.output.dense`).
    func testTargetModulesSelectExactlyTheAdaptedModules() throws {
        try PEFTAdapterFile.write(adapters(), to: dir, baseModel: "m", harness: nil)
        let (config, _) = try PEFTAdapterFile.read(dir, dimensions: dims, layers: 2)
        func selected(_ module: String) -> Bool { config.targetModules.selects(module) }
        for l in 0..<2 {
            for t in LoRATarget.encoderTargets {
                let name = "encoder.layer.\(l).\(t.moduleSuffix)"
                XCTAssertEqual(selected(name), [.q, .v, .ffnDown].contains(t), name)
            }
        }
    }

    func testReadErrorsNameFileAndTensor() throws {
        try PEFTAdapterFile.write(adapters(), to: dir, baseModel: "m", harness: nil)
        let weights = dir.appendingPathComponent("adapter_model.safetensors")
        // A file missing one B.
        var writer = SafeTensorsWriter()
        try writer.add("base_model.model.encoder.layer.0.attention.self.query.lora_A.weight", shape: [2, 8], floats: [Float](repeating: 0, count: 16))
        try writer.write(to: weights)
        XCTAssertThrowsError(try PEFTAdapterFile.read(dir, dimensions: dims, layers: 2)) { error in
            XCTAssertEqual(error as? AdapterFileError, .missingTensor(file: weights.path, tensor: "base_model.model.encoder.layer.0.attention.self.query.lora_B.weight"))
        }
        // A wrong shape.
        writer = SafeTensorsWriter()
        try writer.add("base_model.model.encoder.layer.0.attention.self.query.lora_A.weight", shape: [2, 7], floats: [Float](repeating: 0, count: 14))
        try writer.add("base_model.model.encoder.layer.0.attention.self.query.lora_B.weight", shape: [8, 2], floats: [Float](repeating: 0, count: 16))
        try writer.write(to: weights)
        XCTAssertThrowsError(try PEFTAdapterFile.read(dir, dimensions: dims, layers: 2)) { error in
            XCTAssertTrue("\(error)".contains("lora_A.weight") && "\(error)".contains("[2, 8]"), "\(error)")
        }
        // A tensor that is not a LoRA factor.
        writer = SafeTensorsWriter()
        try writer.add("base_model.model.classifier.weight", shape: [1], floats: [0])
        try writer.write(to: weights)
        XCTAssertThrowsError(try PEFTAdapterFile.read(dir, dimensions: dims, layers: 2)) { error in
            XCTAssertEqual(error as? AdapterFileError, .unexpectedTensor(file: weights.path, tensor: "base_model.model.classifier.weight"))
        }
        // Not a LoRA adapter.
        try Data(#"{"peft_type": "IA3", "r": 2, "lora_alpha": 4, "target_modules": ["query"]}"#.utf8).write(to: dir.appendingPathComponent("adapter_config.json"))
        XCTAssertThrowsError(try PEFTAdapterFile.read(dir, dimensions: dims, layers: 2)) { error in
            XCTAssertTrue("\(error)".contains("peft_type"), "\(error)")
        }
    }
}
