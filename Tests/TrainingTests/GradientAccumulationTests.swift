import XCTest
import LinearAlgebra
import LoRA
@testable import Model
@testable import Training

/// Gradient accumulation (`TrainingStep.step(microBatches:…)`): one optimiser step over micro-batches gives the same
/// loss, gradients and updated adapters, to round-off, as one step on the concatenated batch (dropout off), for the
/// classification objective (mean over examples) and the hidden-state objective (mean over real tokens, micro-batches
/// of different token counts). Tolerance: the two differ only in summation order of Float32 gradient sums over
/// 4–8 examples (relative ~1e-7 each), well below 1e-5 of the largest value; a wrong weighting (e.g. equal weights for
/// micro-batches of different token counts) is off by tens of percent.
final class GradientAccumulationTests: XCTestCase {
    static let config = TrainingLoopTests.config

    static func sequences(_ n: Int, seed: UInt64) -> [(ids: [Int32], typeIds: [Int32])] {
        var rng = SeededGenerator(seed: seed)
        return (0..<n).map { _ in
            let len = 2 + rng.nextInt(below: 9)
            let ids = (0..<len).map { _ in Int32(8 + rng.nextInt(below: 30)) }
            return (ids, [Int32](repeating: 0, count: len))
        }
    }

    static func makeStep(_ objective: (BertModel) -> Objective) -> (TrainingStep, BertModel) {
        let model = BertModel.random(config: config, seed: 11)
        let adapters = model.attachAdapters(targets: [.q, .v], parameters: LoRAParameters(rank: 4, alpha: 8), initSeed: 5)
        var rng = SeededGenerator(seed: 3)
        for a in adapters { for i in 0..<a.b.value.storage.count { a.b.value.storage[i] = Float(rng.nextGaussian() * 0.1) } }
        let obj = objective(model)
        let step = TrainingStep(model: model, objective: obj, optimizer: AdamW(parameters: TrainingStep.trainableParameters(model: model, objective: obj)))
        return (step, model)
    }

    static func assertClose(_ a: [[Float]], _ b: [[Float]], _ what: String) {
        XCTAssertEqual(a.count, b.count)
        for (x, y) in zip(a, b) {
            let scale = max(x.map(abs).max() ?? 0, 1e-12)
            let diff = zip(x, y).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(diff, 1e-5 * scale, "\(what): \(diff) on values up to \(scale)")
        }
    }

    func check(objective: @escaping (BertModel) -> Objective, targets: ([(ids: [Int32], typeIds: [Int32])], Batch) -> BatchTargets) throws {
        let seqs = Self.sequences(8, seed: 21)
        let whole = Batch(packing: seqs)
        let parts = [Array(seqs[0..<3]), Array(seqs[3..<8])]                           // unequal micro-batches
        let (a, _) = Self.makeStep(objective)
        let (b, _) = Self.makeStep(objective)
        let ra = try a.step(whole, targets: targets(seqs, whole), learningRate: 1e-2, clipNorm: nil)
        let micro = parts.map { p -> (Batch, BatchTargets) in let batch = Batch(packing: p); return (batch, targets(p, batch)) }
        let rb = try b.step(microBatches: micro, learningRate: 1e-2, clipNorm: nil)
        XCTAssertEqual(ra.loss, rb.loss, accuracy: 1e-6 * max(1, abs(ra.loss)))
        XCTAssertEqual(ra.gradientNorm, rb.gradientNorm, accuracy: 1e-5 * ra.gradientNorm)
        XCTAssertGreaterThan(ra.gradientNorm, 0)
        Self.assertClose(a.optimizer.parameters.map(\.grad.storage), b.optimizer.parameters.map(\.grad.storage), "gradients")
        Self.assertClose(a.optimizer.parameters.map(\.value.storage), b.optimizer.parameters.map(\.value.storage), "parameters after the step")
    }

    func testClassificationAccumulationEqualsConcatenatedBatch() throws {
        let labels: ([(ids: [Int32], typeIds: [Int32])], Batch) -> BatchTargets = { s, _ in .labels(s.map { Int($0.ids[0]) % 3 }) }
        try check(objective: { m in .classification(head: LinearHead(inFeatures: m.config.hiddenSize, outFeatures: 3, seed: 2), pooling: .mean) },
                  targets: labels)
    }

    func testHiddenStateAccumulationWeightsByTokens() throws {
        // Targets: a fixed function of each token id, laid out in the batch's rows.
        let width = Self.config.hiddenSize
        let targets: ([(ids: [Int32], typeIds: [Int32])], Batch) -> BatchTargets = { _, batch in
            .hiddenStates(batch.ids.flatMap { id in (0..<width).map { c in Float(sin(Double(Int(id) * (c + 1)))) } })
        }
        try check(objective: { _ in .hiddenStates }, targets: targets)
    }
}
