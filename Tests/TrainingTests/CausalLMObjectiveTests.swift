import XCTest
import LinearAlgebra
import LoRA
@testable import Model
@testable import Training

/// The causal-LM objective (Sec 2: loss on target tokens only) through `TrainingStep`: the step's loss is
/// `LlamaModel.causalLMLoss`'s, gradient accumulation over micro-batches weights each by its target tokens (so it equals
/// the concatenated batch's step to round-off, as `GradientAccumulationTests` checks for the encoder objectives), a few
/// steps lower the loss, and an encoder refuses the objective with a typed error.
final class CausalLMObjectiveTests: XCTestCase {
    static let config = LlamaConfig(vocabularySize: 48, hiddenSize: 16, layers: 2, heads: 4, kvHeads: 2, intermediateSize: 24,
                                    maxPositions: 32, rmsNormEps: 1e-5, ropeBase: 10_000)

    /// Sequences of random length with a prompt of 1–3 tokens (mask 0) and a target of the rest (mask 1).
    static func examples(_ n: Int, seed: UInt64) -> [(ids: [Int32], mask: [Float])] {
        var rng = SeededGenerator(seed: seed)
        return (0..<n).map { _ in
            let prompt = 1 + rng.nextInt(below: 3), target = 1 + rng.nextInt(below: 6)
            let ids = (0..<(prompt + target)).map { _ in Int32(2 + rng.nextInt(below: 40)) }
            return (ids, [Float](repeating: 0, count: prompt) + [Float](repeating: 1, count: target))
        }
    }

    static func batch(_ e: [(ids: [Int32], mask: [Float])]) -> (Batch, BatchTargets) {
        (Batch(packing: e.map { ($0.ids, [Int32](repeating: 0, count: $0.ids.count)) }), .targetMask(e.flatMap(\.mask)))
    }

    static func makeStep() -> (TrainingStep, LlamaModel) {
        let model = LlamaModel.random(config: config, seed: 4, std: 0.3)
        let adapters = model.attachAdapters(targets: [LlamaTarget.q, .v], parameters: LoRAParameters(rank: 2, alpha: 4), initSeed: 5)
        var rng = SeededGenerator(seed: 3)
        for a in adapters { for i in 0..<a.b.value.storage.count { a.b.value.storage[i] = Float(rng.nextGaussian() * 0.1) } }
        return (TrainingStep.lora(model: model, objective: .causalLM), model)
    }

    func testStepLossIsTheModelsTargetTokenLoss() throws {
        let (step, model) = Self.makeStep()
        let (batch, targets) = Self.batch(Self.examples(5, seed: 8))
        guard case .targetMask(let mask) = targets else { return XCTFail() }
        let expected = try model.causalLMLoss(batch, targetMask: mask, workspace: LlamaWorkspace(config: Self.config, forInference: true),
                                              backward: false)
        XCTAssertEqual(try step.lossAndGradients(batch, targets: targets, backward: false), expected.loss, accuracy: 1e-12)
        XCTAssertEqual(model.predictedTokenCount(batch, targetMask: mask), expected.tokens)
    }

    func testAccumulationWeightsMicroBatchesByTargetTokens() throws {
        let seqs = Self.examples(8, seed: 21)
        let (a, _) = Self.makeStep(), (b, _) = Self.makeStep()
        let (whole, wholeTargets) = Self.batch(seqs)
        let ra = try a.step(whole, targets: wholeTargets, learningRate: 1e-2, clipNorm: nil)
        let rb = try b.step(microBatches: [Self.batch(Array(seqs[0..<3])), Self.batch(Array(seqs[3...]))], learningRate: 1e-2, clipNorm: nil)
        XCTAssertEqual(ra.loss, rb.loss, accuracy: 1e-6 * max(1, ra.loss))
        XCTAssertEqual(ra.gradientNorm, rb.gradientNorm, accuracy: 1e-5 * ra.gradientNorm)
        XCTAssertGreaterThan(ra.gradientNorm, 0)
        GradientAccumulationTests.assertClose(a.optimizer.parameters.map(\.grad.storage), b.optimizer.parameters.map(\.grad.storage), "gradients")
    }

    func testTrainingLoopLowersTheLoss() throws {
        let (step, _) = Self.makeStep()
        let (batch, targets) = Self.batch(Self.examples(6, seed: 9))
        let before = try step.lossAndGradients(batch, targets: targets, backward: false)
        try TrainingLoop.run(step, totalSteps: 30, learningRate: { _ in 2e-2 }, clipNorm: nil, batches: { [(batch, targets)] })
        let after = try step.lossAndGradients(batch, targets: targets, backward: false)
        XCTAssertLessThan(after, before * 0.9, "30 steps on one batch lower its target-token loss")
    }

    func testAnEncoderRefusesTheCausalObjective() throws {
        let model = BertModel.random(config: TrainingLoopTests.config, seed: 1)
        model.attachAdapters(targets: [.q], parameters: LoRAParameters(rank: 1, alpha: 1), initSeed: 1)
        let step = TrainingStep.lora(model: model, objective: .causalLM)
        let batch = Batch(packing: [([5, 6, 7], [0, 0, 0])])
        XCTAssertThrowsError(try step.lossAndGradients(batch, targets: .targetMask([0, 1, 1]), backward: false)) { error in
            guard case TrainingError.targetsDoNotMatchObjective(let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("needs a decoder"), reason)
        }
    }
}
