import Foundation
import XCTest
import LinearAlgebra
import LoRA
import SafeTensors
@testable import Model

/// PEFT adapter files of a Llama model: written under `ModuleNaming.llama`'s names (a CAUSAL_LM adapter of
/// `LlamaForCausalLM`) and read back exactly, into a model that then computes what the trained one did.
final class LlamaAdapterFileTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("lora-peft-llama-\(UUID().uuidString)")
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    static func trained() -> (LlamaModel, [LoRAAdapter]) {
        let model = LlamaModelGradientTests.model()
        let list = model.attachAdapters(targets: [.q, .v, .ffnGate, .ffnDown], layers: [1], parameters: LoRAParameters(rank: 2, alpha: 4),
                                        initSeed: 3)
        var rng = SeededGenerator(seed: 2)
        for a in list { for i in 0..<a.b.value.storage.count { a.b.value.storage[i] = Float(rng.nextGaussian()) } }
        return (model, list)
    }

    func testRoundTripKeepsFactorsNamesAndConfig() throws {
        let (model, written) = Self.trained()
        try PEFTAdapterFile.write(written, to: dir, baseModel: "HuggingFaceTB/SmolLM2-135M-Instruct", harness: .init(initSeed: 3))
        let file = try SafeTensorsFile(contentsOf: dir.appendingPathComponent(PEFTAdapterFile.weightsName))
        XCTAssertEqual(file.info("base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight")?.shape, [2, 16])
        XCTAssertEqual(file.info("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight")?.shape, [8, 2])
        XCTAssertEqual(file.info("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight")?.shape, [2, 24])

        let contents = try PEFTAdapterFile.load(dir, for: model)
        XCTAssertEqual(contents.config.taskType, "CAUSAL_LM")
        XCTAssertEqual(contents.config.targetModules, .names(["q_proj", "v_proj", "gate_proj", "down_proj"]))
        XCTAssertEqual(contents.config.layersToTransform, [1])
        XCTAssertEqual(contents.adapters.map(\.site.rawValue), written.map(\.site.rawValue))
        XCTAssertEqual(contents.adapters.map(\.a.name), written.map(\.a.name))
        for (a, b) in zip(contents.adapters, written) {
            XCTAssertEqual(a.layer, b.layer)
            XCTAssertEqual(a.a.value, b.a.value)
            XCTAssertEqual(a.b.value, b.b.value)
            XCTAssertEqual(a.scaling, b.scaling)
        }

        // The adapters read back give a fresh model exactly the trained model's hidden states.
        let batch = Batch(packing: [(ids: [1, 4, 9, 16, 25, 36], typeIds: [0, 0, 0, 0, 0, 0]), (ids: [2, 3, 5, 7], typeIds: [0, 0, 0, 0])])
        let fresh = LlamaModelGradientTests.model()
        try fresh.attach(contents.adapters)
        let ws = LlamaWorkspace(config: model.config, forInference: true)
        func states(_ m: LlamaModel) throws -> Matrix<Float> {
            try withExtendedLifetime(ws) { let h = try m.forward(batch, workspace: ws); return Matrix(rows: h.rows, cols: h.cols) { h[$0, $1] } }
        }
        let expected = try states(model)
        let got = try states(fresh)
        XCTAssertEqual(got, expected)
    }

    /// Writing is byte-deterministic for Llama adapters too.
    func testWritingTwiceGivesTheSameBytes() throws {
        let (_, written) = Self.trained()
        let other = dir.appendingPathComponent("again")
        try PEFTAdapterFile.write(written, to: dir, baseModel: "b", harness: nil)
        try PEFTAdapterFile.write(written, to: other, baseModel: "b", harness: nil)
        for name in [PEFTAdapterFile.configName, PEFTAdapterFile.weightsName] {
            XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent(name)), try Data(contentsOf: other.appendingPathComponent(name)))
        }
    }

    /// A BERT adapter is not a Llama one: its tensors are not under `model.layers`, so reading it for a Llama model fails.
    func testBERTAdapterIsRefusedForALlamaModel() throws {
        let bert = BertModel.random(config: ModelGradientTests.config, seed: 1)
        let adapters = bert.attachAdapters(targets: [.q], parameters: LoRAParameters(rank: 2, alpha: 4), initSeed: 3)
        try PEFTAdapterFile.write(adapters, to: dir, baseModel: "b", harness: nil)
        XCTAssertThrowsError(try PEFTAdapterFile.load(dir, for: LlamaModelGradientTests.model()))
    }
}
