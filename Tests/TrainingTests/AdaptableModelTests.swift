import LinearAlgebra
import LoRA
import Model
import Training
import XCTest

/// The model seam: both families behind `AdaptableModel`, attached to and trained by code that names neither.
final class AdaptableModelTests: XCTestCase {
    static let bert = BertConfig(vocabularySize: 30, hiddenSize: 8, layers: 2, heads: 2, intermediateSize: 12, maxPositions: 16)
    static let llama = LlamaConfig(vocabularySize: 40, hiddenSize: 16, layers: 2, heads: 4, kvHeads: 2, intermediateSize: 24,
                                   maxPositions: 32, rmsNormEps: 1e-5, ropeBase: 100)

    static func models() -> [any AdaptableModel] {
        [BertModel.random(config: bert, seed: 42), LlamaModel.random(config: llama, seed: 7, std: 0.3)]
    }

    /// Attaching by family-neutral names gives the same adapters (order, names, A) as the family's own target type.
    func testAttachByNameMatchesTheFamilysTargets() throws {
        let params = LoRAParameters(rank: 2, alpha: 4)
        for model in Self.models() {
            let byName = model.attachAdapters(targets: ["v", "q"].compactMap(model.site(named:)), layers: [1], parameters: params, initSeed: 3)
            XCTAssertEqual(byName.map(\.site.rawValue), ["q", "v"])
            XCTAssertEqual(model.adapters.count, 2)
            let typed: [LoRAAdapter]
            if let bert = model as? BertModel {
                typed = bert.attachAdapters(targets: [.q, .v], layers: [1], parameters: params, initSeed: 3)
            } else {
                typed = (model as! LlamaModel).attachAdapters(targets: [.q, .v], layers: [1], parameters: params, initSeed: 3)
            }
            XCTAssertEqual(typed.map(\.a.name), byName.map(\.a.name))
            XCTAssertEqual(typed.map(\.a.value), byName.map(\.a.value))
            model.detachAdapters()
            XCTAssertTrue(model.adapters.isEmpty)
        }
    }

    /// An adapter of one family does not attach to the other; a workspace of one family is refused by the other.
    func testFamiliesRefuseEachOthersAdaptersAndWorkspaces() throws {
        let (bert, llama) = (Self.models()[0], Self.models()[1])
        let adapter = LoRAAdapter(site: LlamaTarget.ffnGate, layer: 0, inFeatures: 16, outFeatures: 24,
                                  parameters: LoRAParameters(rank: 2, alpha: 4), initSeed: 1)
        XCTAssertThrowsError(try bert.attach([adapter])) { error in
            guard case ModelError.adapterMismatch = error else { return XCTFail("\(error)") }
        }
        XCTAssertNoThrow(try llama.attach([adapter]))
        let batch = Batch(packing: [(ids: [2, 5, 7], typeIds: [0, 0, 0])])
        XCTAssertThrowsError(try llama.forward(batch, in: bert.makeWorkspace(forInference: true))) { error in
            guard case ModelError.workspaceMismatch = error else { return XCTFail("\(error)") }
        }
    }

    /// The trainer drives either family through the protocol: a hidden-state regression toward fixed targets lowers
    /// the loss on both.
    func testTrainingStepTrainsBothFamilies() throws {
        let batch = Batch(packing: [(ids: [2, 5, 7, 9], typeIds: [0, 0, 0, 0]), (ids: [3, 11], typeIds: [0, 0])])
        for model in Self.models() {
            model.attachAdapters(targets: model.sites, parameters: LoRAParameters(rank: 2, alpha: 4), initSeed: 3)
            model.setTraining(true)
            var rng = SeededGenerator(seed: 5)
            let target = (0..<(batch.rows * model.hiddenSize)).map { _ in Float(rng.nextGaussian()) }
            let step = TrainingStep(model: model, objective: .hiddenStates,
                                    optimizer: AdamW(parameters: TrainingStep.trainableParameters(model: model, objective: .hiddenStates)))
            let first = try step.step(batch, targets: .hiddenStates(target), learningRate: 1e-2, clipNorm: nil).loss
            var last = first
            for _ in 0..<20 { last = try step.step(batch, targets: .hiddenStates(target), learningRate: 1e-2, clipNorm: nil).loss }
            XCTAssertLessThan(last, first, model.architectureSummary)
        }
    }
}
