import XCTest
import LinearAlgebra
import LoRA
import Model
@testable import Training

/// A handful of AdamW steps on a tiny task lower the loss, and reruns with the same seeds are bit-identical.
final class TrainingLoopTests: XCTestCase {
    static let config = BertConfig(vocabularySize: 40, hiddenSize: 16, layers: 2, heads: 2, intermediateSize: 32,
                                   maxPositions: 16)

    /// A learnable toy task: label = whether token 7 occurs in the sequence.
    static func batches(count: Int, seed: UInt64) -> [(Batch, [Int])] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            var seqs: [(ids: [Int32], typeIds: [Int32])] = []
            var labels: [Int] = []
            for _ in 0..<8 {
                let len = 3 + rng.nextInt(below: 6)
                var ids: [Int32] = [1] + (1..<len).map { _ in Int32(8 + rng.nextInt(below: 30)) }
                let positive = rng.nextInt(below: 2) == 1
                if positive { ids[1 + rng.nextInt(below: len - 1)] = 7 }
                seqs.append((ids, [Int32](repeating: 0, count: len)))
                labels.append(positive ? 1 : 0)
            }
            return (Batch(sequences: seqs), labels)
        }
    }

    /// A fresh adapted model and its step (the library's `TrainingStep.lora` setup).
    static func makeStep(dropout: Double = 0) -> TrainingStep {
        let model = BertModel.random(config: config, seed: 11)
        model.attachAdapters(targets: [.q, .v], parameters: LoRAParameters(rank: 4, alpha: 8, dropout: dropout), initSeed: 5)
        model.setTraining(true)
        return TrainingStep.lora(model: model, objective: .forTask(classes: 2, width: 16, headSeed: 5))
    }

    /// Losses of `steps` steps through the library loop (`TrainingLoop.run`), one toy batch per step.
    static func train(steps: Int, dropout: Double = 0) throws -> [Double] {
        let step = makeStep(dropout: dropout)
        let data = batches(count: steps, seed: 3)
        var next = 0, losses: [Double] = []
        try TrainingLoop.run(step, totalSteps: steps, learningRate: { _ in 1e-2 }, clipNorm: 1, batches: {
            defer { next += 1 }
            return [(data[next].0, .labels(data[next].1))]
        }, progress: { event in
            if case .step(let s) = event { losses.append(s.loss) }
            return .more
        })
        return losses
    }

    func testLossDecreases() throws {
        let losses = try Self.train(steps: 60)
        let first = losses.prefix(10).reduce(0, +) / 10
        let last = losses.suffix(10).reduce(0, +) / 10
        // Chance level is ln 2 ≈ 0.693; a frozen random encoder with rank-4 adapters learns the cue gradually.
        XCTAssertLessThan(last, first - 0.1, "mean loss of the last 10 steps \(last) vs first 10 \(first)")
    }

    func testRerunsAreBitIdentical() throws {
        XCTAssertEqual(try Self.train(steps: 8), try Self.train(steps: 8))
        XCTAssertEqual(try Self.train(steps: 5, dropout: 0.1), try Self.train(steps: 5, dropout: 0.1))
    }

    func testHiddenStateObjectiveGradientFlows() throws {
        let model = BertModel.random(config: Self.config, seed: 11)
        let adapters = model.attachAdapters(targets: [.v], parameters: LoRAParameters(rank: 2, alpha: 2), initSeed: 1)
        let opt = AdamW(parameters: TrainingStep.trainableParameters(model: model, objective: .hiddenStates))
        let step = TrainingStep(model: model, objective: .hiddenStates, optimizer: opt)
        let (batch, _) = Self.batches(count: 1, seed: 9)[0]
        // A reachable target: the hidden states of the same model with a non-zero B (a teacher), then B reset to 0.
        var rng = SeededGenerator(seed: 4)
        for a in adapters { for i in 0..<a.b.value.storage.count { a.b.value.storage[i] = Float(rng.nextGaussian()) } }
        let teacherWorkspace = EncoderWorkspace(config: Self.config)
        let teacher = try model.forward(batch, workspace: teacherWorkspace)
        let target = Array(UnsafeBufferPointer(start: teacher.base, count: batch.rows * 16))
        withExtendedLifetime(teacherWorkspace) {}
        for a in adapters { a.b.value = Matrix(rows: a.b.value.rows, cols: a.b.value.cols) }
        let before = try step.lossAndGradients(batch, targets: .hiddenStates(target), backward: false)
        XCTAssertGreaterThan(before, 1e-4)
        for _ in 0..<20 { _ = try step.step(batch, targets: .hiddenStates(target), learningRate: 1e-2, clipNorm: nil) }
        let after = try step.lossAndGradients(batch, targets: .hiddenStates(target), backward: false)
        XCTAssertLessThan(after, before * 0.5)
        XCTAssertThrowsError(try step.lossAndGradients(batch, targets: .labels([0]), backward: false))
    }

    /// Events come in order step → evaluation (every n-th step and the last) → end of step; a stop ends the loop there;
    /// resuming from the step it stopped at continues exactly (same losses as one uninterrupted loop).
    func testLoopEventsStopAndResume() throws {
        let data = Self.batches(count: 6, seed: 3)
        func run(_ step: TrainingStep, from start: Int, stopAfter: Int?, log: inout [String]) throws -> TrainingLoop.Outcome {
            var next = start
            var events: [String] = []
            let outcome = try TrainingLoop.run(step, startStep: start, totalSteps: 6, learningRate: { 1e-2 * Double($0 + 1) }, clipNorm: 1,
                                               batches: { defer { next += 1 }; return [(data[next].0, .labels(data[next].1))] },
                                               evaluateEvery: 4, evaluate: { ["n": Double(next)] }) { event in
                switch event {
                case .step(let s):
                    events.append("step \(s.step) lr \(s.learningRate) loss \(s.loss)")
                    XCTAssertEqual(s.realTokens, data[s.step - 1].0.realTokenCount)
                case let .evaluation(at, metrics, _): events.append("eval \(at) \(metrics["n"]!)")
                case .endOfStep(let at):
                    events.append("end \(at)")
                    if at == stopAfter { return .stop }
                }
                return .more
            }
            log += events
            return outcome
        }
        var whole: [String] = []
        XCTAssertEqual(try run(Self.makeStep(), from: 0, stopAfter: nil, log: &whole), TrainingLoop.Outcome(steps: 6, stopped: false))
        XCTAssertEqual(whole.filter { !$0.hasPrefix("step") }, ["end 1", "end 2", "end 3", "eval 4 4.0", "end 4", "end 5", "eval 6 6.0", "end 6"])
        var parts: [String] = []
        let step = Self.makeStep()
        XCTAssertEqual(try run(step, from: 0, stopAfter: 3, log: &parts), TrainingLoop.Outcome(steps: 3, stopped: true))
        XCTAssertEqual(try run(step, from: 3, stopAfter: nil, log: &parts), TrainingLoop.Outcome(steps: 6, stopped: false))
        XCTAssertEqual(parts, whole)
    }
}
