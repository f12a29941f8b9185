import Foundation
import XCTest
import LinearAlgebra
import LoRA
import SafeTensors
@testable import Model

/// PEFT's SEQ_CLS adapters (LoRA on `BertForSequenceClassification`): factors named `base_model.model.bert.encoder…`
/// are read like ours; the classifier PEFT saves in full (`modules_to_save`) is left out and listed; anything else that
/// is not a LoRA factor is still an error.
final class PEFTSequenceClassificationAdapterTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("lora-peft-seqcls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func dims(_ t: LoRATarget) -> (inFeatures: Int, outFeatures: Int) { t.dimensions(hidden: 8, intermediate: 12) }

    /// Writes a SEQ_CLS-style directory: q and v factors in layers 0 and 1 under `prefix`, plus `extra` tensors.
    func writeAdapter(config: String, prefix: String = "base_model.model.bert.", extra: [String] = []) throws -> [String: [Float]] {
        try Data(config.utf8).write(to: dir.appendingPathComponent("adapter_config.json"))
        var writer = SafeTensorsWriter(metadata: ["format": "pt"])
        var factors: [String: [Float]] = [:]
        var rng = SeededGenerator(seed: 7)
        for l in 0..<2 {
            for module in ["attention.self.query", "attention.self.value"] {
                let a = (0..<16).map { _ in Float(rng.nextGaussian()) }, b = (0..<16).map { _ in Float(rng.nextGaussian()) }
                let name = "encoder.layer.\(l).\(module)"
                try writer.add(prefix + name + ".lora_A.weight", shape: [2, 8], floats: a)
                try writer.add(prefix + name + ".lora_B.weight", shape: [8, 2], floats: b)
                factors[name + ".A"] = a
                factors[name + ".B"] = b
            }
        }
        for name in extra { try writer.add(name, shape: [3], floats: [1, 2, 3]) }
        try writer.write(to: dir.appendingPathComponent("adapter_model.safetensors"))
        return factors
    }

    static let seqCls = #"{"peft_type": "LORA", "task_type": "SEQ_CLS", "r": 2, "lora_alpha": 4, "target_modules": ["query", "value"], "#
        + #""modules_to_save": ["classifier", "score"], "bias": "none", "use_dora": false, "rank_pattern": {}, "alpha_pattern": {}, "#
        + #""base_model_name_or_path": "sentence-transformers/all-MiniLM-L6-v2"}"#

    func testSequenceClassificationAdapterReadsItsFactorsAndListsTheClassifier() throws {
        let classifier = ["base_model.model.classifier.modules_to_save.default.weight", "base_model.model.classifier.bias"]
        let factors = try writeAdapter(config: Self.seqCls, extra: classifier)
        let contents = try PEFTAdapterFile.load(dir, dimensions: dims, layers: 2)
        XCTAssertEqual(contents.config.taskType, "SEQ_CLS")
        XCTAssertEqual(contents.adapters.count, 4)
        for ad in contents.adapters {
            let name = "encoder.layer.\(ad.layer).\(ad.target.moduleSuffix)"
            XCTAssertEqual(ad.a.value.storage, factors[name + ".A"], name)
            XCTAssertEqual(ad.b.value.storage, factors[name + ".B"], name)
            XCTAssertEqual(ad.parameters.scaling, 2)
        }
        XCTAssertEqual(contents.ignoredTensors, classifier.sorted())
    }

    /// Without modules_to_save, task_type SEQ_CLS alone implies PEFT's classifier heads; a tensor of another module
    /// (the pooler) is still refused.
    func testTaskTypeImpliesTheClassifierButNothingElse() throws {
        let config = Self.seqCls.replacingOccurrences(of: #""modules_to_save": ["classifier", "score"], "#, with: "")
        _ = try writeAdapter(config: config, extra: ["base_model.model.classifier.weight"])
        XCTAssertEqual(try PEFTAdapterFile.load(dir, dimensions: dims, layers: 2).ignoredTensors, ["base_model.model.classifier.weight"])
        _ = try writeAdapter(config: config, extra: ["base_model.model.classifier.weight", "base_model.model.bert.pooler.dense.weight"])
        let weights = dir.appendingPathComponent("adapter_model.safetensors").path
        XCTAssertThrowsError(try PEFTAdapterFile.load(dir, dimensions: dims, layers: 2)) { error in
            XCTAssertEqual(error as? AdapterFileError, .unexpectedTensor(file: weights, tensor: "base_model.model.bert.pooler.dense.weight"))
        }
        let plain = config.replacingOccurrences(of: #""task_type": "SEQ_CLS", "#, with: "")
        _ = try writeAdapter(config: plain, extra: ["base_model.model.classifier.weight"])
        XCTAssertThrowsError(try PEFTAdapterFile.load(dir, dimensions: dims, layers: 2)) { error in
            XCTAssertEqual(error as? AdapterFileError, .unexpectedTensor(file: weights, tensor: "base_model.model.classifier.weight"))
        }
    }

    /// The same module under both prefixes is ambiguous; a list entry naming the task model's module selects it.
    func testBothPrefixesForOneModuleIsAnErrorAndBertNamesSelect() throws {
        _ = try writeAdapter(config: Self.seqCls, extra: ["base_model.model.encoder.layer.0.attention.self.query.lora_A.weight"])
        XCTAssertThrowsError(try PEFTAdapterFile.load(dir, dimensions: dims, layers: 2)) { error in
            XCTAssertTrue("\(error)".contains("adapts encoder.layer.0.attention.self.query twice"), "\(error)")
        }
        XCTAssertTrue(PEFTTargetModules.names(["bert.encoder.layer.0.attention.self.query"]).selects("encoder.layer.0.attention.self.query"))
        XCTAssertFalse(PEFTTargetModules.names(["bert.encoder.layer.0.attention.self.query"]).selects("encoder.layer.1.attention.self.query"))
    }

    /// Adapters we write say what PEFT needs: task_type, the Hub id as base model, the local path in our own field.
    func testWrittenAdaptersCarryTaskTypeAndBothBaseModelNames() throws {
        let model = BertModel.random(config: ModelGradientTests.config, seed: 1)
        let adapters = model.attachAdapters(targets: [.q, .v], parameters: LoRAParameters(rank: 2, alpha: 4), initSeed: 3)
        try PEFTAdapterFile.write(adapters, to: dir, baseModel: "sentence-transformers/all-MiniLM-L6-v2",
                                  harness: .init(initSeed: 3, baseModelPath: "models/all-MiniLM-L6-v2"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("adapter_config.json"))) as? [String: Any]
        XCTAssertEqual(json?["task_type"] as? String, "FEATURE_EXTRACTION")
        XCTAssertEqual(json?["base_model_name_or_path"] as? String, "sentence-transformers/all-MiniLM-L6-v2")
        XCTAssertEqual((json?["lora_harness"] as? [String: Any])?["base_model_path"] as? String, "models/all-MiniLM-L6-v2")
        XCTAssertNil(json?["modules_to_save"], "optional PEFT fields we do not use are left out")
        let read = try PEFTAdapterFile.load(dir, dimensions: dims, layers: 2)
        XCTAssertEqual(read.config.harness?.baseModelPath, "models/all-MiniLM-L6-v2")
        XCTAssertEqual(read.ignoredTensors, [])
    }
}
