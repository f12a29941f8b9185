import Dispatch
import Model

/// The LoRA training loop as a library function: steps from `startStep` to `totalSteps`, each on the micro-batches a
/// caller's closure supplies, an evaluation when due, and a progress event after each, which may stop the loop (in the
/// manner of mlx-swift-examples' `LoRATrain.train`).
///
/// Why here and not in the runner: the runner, the benchmark and the tests all train, and each wrote the same loop and
/// timing. What differs between them — where batches come from, what a step's metrics are written to, when to save
/// or stop — is what their progress closures do; the loop itself (order of batch, step, timing, evaluation) is written
/// once. It never prints and allocates nothing per step beyond what the batches and the step do.
public enum TrainingLoop {
    /// What one optimiser step did.
    public struct StepReport: Sendable {
        /// 1-based index of the step just taken.
        public var step: Int
        public var totalSteps: Int
        /// The effective batch's mean loss and global gradient norm before clipping (`TrainingStep.Result`).
        public var loss: Double
        public var gradientNorm: Double
        public var learningRate: Double
        /// Real (non-padding) tokens in the step's micro-batches.
        public var realTokens: Int
        /// Wall seconds spent laying out the step's batches (the `batches` closure) and in the step itself.
        public var batchSeconds: Double
        public var stepSeconds: Double
        /// `batchSeconds + stepSeconds`: what a training run counts as its time per step.
        public var seconds: Double { batchSeconds + stepSeconds }
    }

    /// Progress of the loop, in the order it happens within a step.
    public enum Event: Sendable {
        /// A step was taken.
        case step(StepReport)
        /// The evaluation due after `step` ran (`evaluateEvery`, and always after the last step).
        case evaluation(step: Int, metrics: [String: Double], seconds: Double)
        /// Step `step` and its evaluation are done: the place to save state or ask to stop.
        case endOfStep(step: Int)
    }

    /// What the loop does after an event: go on, or stop there (a stop at `.step` skips that step's evaluation).
    public enum Disposition: Sendable { case more, stop }

    /// Where and why the loop ended.
    public struct Outcome: Sendable, Equatable {
        /// Steps taken in total (including the `startStep` already taken before).
        public var steps: Int
        /// True when a progress closure stopped the loop (before `totalSteps` or at its last event).
        public var stopped: Bool
    }

    /// Runs steps `startStep + 1 … totalSteps` of `step`.
    /// - Parameters:
    ///   - learningRate: the rate of the step with 0-based index s (a `LearningRateSchedule`'s `rate(at:)`).
    ///   - clipNorm: the global gradient-norm clip, when any.
    ///   - batches: the micro-batches of the next optimiser step (one for no gradient accumulation), timed as
    ///     `batchSeconds`; draw indices before laying them out so what is timed is the layout, as in a run.
    ///   - evaluateEvery: evaluate after every n-th step (and after the last) when `evaluate` is given.
    ///   - evaluate: validation metrics of the current parameters.
    ///   - progress: receives every event; `.stop` ends the loop.
    /// - Throws: what `batches`, the step, `evaluate` or `progress` throw.
    @discardableResult
    public static func run(_ step: TrainingStep, startStep: Int = 0, totalSteps: Int, learningRate: (Int) -> Double,
                           clipNorm: Double?, batches: () throws -> [(Batch, BatchTargets)], evaluateEvery: Int? = nil,
                           evaluate: (() throws -> [String: Double])? = nil,
                           progress: (Event) throws -> Disposition = { _ in .more }) throws -> Outcome {
        var index = startStep
        while index < totalSteps {
            let started = DispatchTime.now().uptimeNanoseconds
            let micro = try batches()
            let laidOut = DispatchTime.now().uptimeNanoseconds
            let lr = learningRate(index)
            let result = try step.step(microBatches: micro, learningRate: lr, clipNorm: clipNorm)
            let finished = DispatchTime.now().uptimeNanoseconds
            index += 1
            let report = StepReport(step: index, totalSteps: totalSteps, loss: result.loss, gradientNorm: result.gradientNorm,
                                    learningRate: lr, realTokens: micro.map(\.0.realTokenCount).reduce(0, +),
                                    batchSeconds: Double(laidOut - started) / 1e9, stepSeconds: Double(finished - laidOut) / 1e9)
            if try progress(.step(report)) == .stop { return Outcome(steps: index, stopped: true) }
            if let evaluate, index == totalSteps || (evaluateEvery.map { $0 > 0 && index % $0 == 0 } ?? false) {
                let evalStarted = DispatchTime.now().uptimeNanoseconds
                let metrics = try evaluate()
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - evalStarted) / 1e9
                if try progress(.evaluation(step: index, metrics: metrics, seconds: seconds)) == .stop {
                    return Outcome(steps: index, stopped: true)
                }
            }
            if try progress(.endOfStep(step: index)) == .stop { return Outcome(steps: index, stopped: true) }
        }
        return Outcome(steps: index, stopped: false)
    }
}
