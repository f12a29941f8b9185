import Foundation
import LinearAlgebra
import LoRA
import Model
import SafeTensors
import Support
import Tasks
import Training

/// Trains one run of a grid (paper Sec 4.1 LoRA on the spec's targets), resuming from its checkpoint when one exists,
/// and writes its folder: metrics.jsonl, eval.jsonl, adapter/ (PEFT), head.safetensors, final.json. A head-only run
/// attaches no adapters (only the task head trains on the frozen model) and writes no adapter/.
struct RunExecutor {
    /// A loss above this magnitude counts as divergence even while it is still finite. A blown-up float32 model need not
    /// produce NaN: LayerNorm of overflowing activations saturates (rstd → 0, output → β, as in PyTorch) and the head's
    /// logits stay finite, so the loss can sit at 10³⁰ indefinitely.
    static let divergenceLossBound = 1e12
    /// A loss above this multiple of the run's first-step loss counts as divergence (a lr of 10⁶ takes the smoke spec's
    /// loss from 3.2 to 10⁶–10⁷ without reaching `divergenceLossBound`).
    static let divergenceFactor = 10.0
    /// The smallest reference loss the relative test uses: a planted-rank run can start at an MSE of 10⁻⁶ and rise to
    /// 10⁻³ while it still trains, whereas a cross-entropy or hidden-state MSE above 10 means the model has blown up.
    static let divergenceReferenceFloor = 1.0

    /// True when a step's loss or gradient norm is NaN or ±∞, the loss exceeds `divergenceLossBound`, or the loss exceeds
    /// `divergenceFactor` × max(`firstLoss`, `divergenceReferenceFloor`), where `firstLoss` is the loss of the run's step
    /// 1 (read back from the checkpoint's metric lines on a resume; nil or not finite skips the relative test).
    static func hasDiverged(loss: Double, gradientNorm: Double, firstLoss: Double?) -> Bool {
        if !loss.isFinite || !gradientNorm.isFinite || abs(loss) > divergenceLossBound { return true }
        guard let firstLoss, firstLoss.isFinite else { return false }
        return loss > divergenceFactor * max(firstLoss, divergenceReferenceFloor)
    }

    /// The loss of step 1 in metric lines (as written to metrics.jsonl), or nil when there are none.
    static func firstLoss(in metricLines: [String]) -> Double? {
        guard let line = metricLines.first, let step = try? JSONDecoder().decode(StepLine.self, from: Data(line.utf8)) else { return nil }
        return step.loss
    }

    let config: RunConfig
    let directory: URL
    let model: LoadedModel
    let task: LoadedTask
    let checkpointEvery: Int?
    let machine: MachineFacts
    let progress: (RunnerEvent) -> Void
    /// Polled once after every step. Returning true before the last step writes a checkpoint of that step (when
    /// `checkpointEvery` is set) and stops the run with `RunnerError.interrupted`; a resume continues exactly from that
    /// step. At the last step the run finishes normally. The CLI wires Ctrl-C and SIGTERM to it; tests inject
    /// interruptions with it.
    var shouldStop: () -> Bool = { false }

    /// Metric lines: sorted keys; a NaN or infinite loss (a diverged step) is written as the string "NaN"/"Infinity".
    private var metricsEncoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return e
    }

    /// Runs to completion (or divergence) and returns the outcome written to final.json.
    func execute() throws -> RunOutcome {
        let base = model.model
        base.detachAdapters()
        defer { base.detachAdapters() }
        let adapters = config.isHeadOnly ? []
            : base.attachAdapters(targets: config.targets, layers: config.layers, parameters: config.lora, initSeed: config.initSeed)
        base.setTraining(true)

        let objective = task.objective(width: base.hiddenSize, headSeed: config.initSeed)
        let step = TrainingStep.lora(model: base, objective: objective, hyperparameters: .init(weightDecay: config.training.weightDecay),
                                     headLearningRateScale: config.training.effectiveHeadLearningRate / config.training.learningRate)
        let totalSteps = config.training.totalSteps(trainExamples: task.trainCount)
        let kind = ScheduleKind(rawValue: config.training.schedule.rawValue) ?? .linear
        let schedule = Training.LearningRateSchedule(kind: kind, peak: config.training.learningRate,
                                                     warmupSteps: config.training.warmupSteps(totalSteps: totalSteps), totalSteps: totalSteps)
        var sampler = BatchSampler(count: task.trainCount, batchSize: config.training.batchSize, dataSeed: config.dataSeed)
        var log = RunLog()

        let checkpointURL = RunCheckpoint.url(in: directory)
        if FileManager.default.fileExists(atPath: checkpointURL.path) {
            let cp = try RunCheckpoint.read(checkpointURL)
            try cp.restore(run: config.id, optimizer: step.optimizer, adapters: adapters, model: base, path: checkpointURL.path)
            sampler = BatchSampler(count: task.trainCount, batchSize: config.training.batchSize, dataSeed: config.dataSeed,
                                   cursor: cp.state.cursor)
            log = RunLog(cp.state)
        }

        var status = RunOutcome.Status.finished
        var lastValidation = log.lastValidation

        /// Writes a checkpoint when one is due or a stop was asked for, then stops the run on such a request.
        func endOfStep(_ at: Int) throws {
            let stopping = shouldStop() && at < totalSteps
            if let every = checkpointEvery, at < totalSteps, stopping || (every > 0 && at % every == 0) {
                let state = log.checkpointState(run: config.id, step: at, cursor: sampler.cursor, optimizer: step.optimizer,
                                                adapters: adapters, model: base)
                try RunCheckpoint.write(state, optimizer: step.optimizer, to: checkpointURL)
            }
            if stopping { throw RunnerError.interrupted(run: config.id, step: at) }
        }

        // One optimiser step: `accumulationSteps` batches drawn in order (gradient accumulation), laid out as they are used.
        let loop = try TrainingLoop.run(step, startStep: log.step, totalSteps: totalSteps, learningRate: schedule.rate(at:),
                                        clipNorm: config.training.clipNorm,
                                        batches: { (0..<config.training.accumulationSteps).map { _ in makeBatch(sampler.next(), split: .train) } },
                                        evaluateEvery: config.training.evalEvery, evaluate: { try evaluate(step) }) { event in
            switch event {
            case .step(let s):
                log.trainSeconds += s.seconds
                let tokensPerSecond = Double(s.realTokens) / s.seconds
                log.metricLines.append(try line(StepLine(step: s.step, loss: s.loss, lr: s.learningRate, gradNorm: s.gradientNorm,
                                                          tokensPerS: tokensPerSecond)))
                progress(.step(StepProgress(id: config.id, step: s.step, totalSteps: totalSteps, loss: s.loss, learningRate: s.learningRate,
                                            gradientNorm: s.gradientNorm, tokensPerSecond: tokensPerSecond, elapsed: log.trainSeconds)))
                if RunExecutor.hasDiverged(loss: s.loss, gradientNorm: s.gradientNorm, firstLoss: RunExecutor.firstLoss(in: log.metricLines)) {
                    status = .diverged
                    return .stop
                }
            case let .evaluation(at, metrics, seconds):
                lastValidation = metrics
                log.evalSeconds += seconds
                log.evalLines.append(try line(EvalLine(step: at, metrics: metrics)))
                progress(.evaluation(id: config.id, step: at, metrics: metrics))
            case .endOfStep(let at):
                try endOfStep(at)
            }
            return .more
        }
        log.step = loop.steps
        return try writeOutputs(status: status, log: log, lastValidation: lastValidation, adapters: adapters, objective: objective)
    }

    /// Seconds per training step over `count` steps after one untimed step (for `--dry-run` estimates). Writes nothing.
    func timeSteps(_ count: Int) throws -> Double {
        let base = model.model
        base.detachAdapters()
        defer { base.detachAdapters() }
        if !config.isHeadOnly {
            base.attachAdapters(targets: config.targets, layers: config.layers, parameters: config.lora, initSeed: config.initSeed)
        }
        base.setTraining(true)
        let step = TrainingStep.lora(model: base, objective: task.objective(width: base.hiddenSize, headSeed: 1))
        var sampler = BatchSampler(count: task.trainCount, batchSize: config.training.batchSize, dataSeed: config.dataSeed)
        var total = 0.0
        try TrainingLoop.run(step, totalSteps: count + 1, learningRate: { _ in 1e-4 }, clipNorm: nil,
                             batches: { [makeBatch(sampler.next(), split: .train)] }, progress: { event in
            if case .step(let s) = event, s.step > 1 { total += s.stepSeconds }
            return .more
        })
        return total / Double(max(1, count))
    }

    func line<T: Encodable>(_ value: T) throws -> String { String(decoding: try metricsEncoder.encode(value), as: UTF8.self) }

    /// The packed (padding-free) batch and its targets for examples `indices` of `split`.
    func makeBatch(_ indices: [Int], split: Split) -> (Batch, BatchTargets) {
        let pad = model.tokenizer.padId
        switch task {
        case .classification(let data):
            let examples = data.examples(split)
            let (batch, labels) = Batching.batch(indices.map { examples[$0] }, padId: pad)
            return (batch, .labels(labels))
        case .planted(let p):
            let examples = split == .train ? p.train : p.validation
            let targets = split == .train ? p.trainTargets : p.validationTargets
            let (batch, _) = Batching.batch(indices.map { examples[$0] }, padId: pad)
            let laidOut = PlantedRankData.batchTargets(targets, indices: indices, batch: batch, width: model.model.hiddenSize)
            return (batch, .hiddenStates(laidOut))
        case .generation(let g):
            let examples = g.data.examples(split)
            let (batch, mask) = GenerationBatching.batch(indices.map { examples[$0] })
            return (batch, .targetMask(mask))
        }
    }

    /// Validation metrics on the whole validation split (adapter dropout off), in packed batches of 64 examples through
    /// the step's forward-only workspace (no gradient buffers).
    func evaluate(_ step: TrainingStep) throws -> [String: Double] {
        let base = model.model
        base.setTraining(false)
        defer { base.setTraining(true) }
        let chunk = 64
        switch task {
        case .classification(let data):
            return try step.classificationMetrics(data.validation, padId: model.tokenizer.padId, classes: data.labels.count).asDictionary
        case .generation(let g):
            return try step.causalLMMetrics(g.data.validation).asDictionary
        case .planted(let p):
            let count = p.validation.count
            let d = base.hiddenSize
            var sq = 0.0, cos = 0.0, tokens = 0
            for start in stride(from: 0, to: count, by: chunk) {
                let indices = Array(start..<min(count, start + chunk))
                let (batch, targets) = makeBatch(indices, split: .validation)
                guard case .hiddenStates(let target) = targets else { continue }
                let h = try base.forward(batch, in: step.inferenceWorkspace)
                for row in 0..<batch.rows where batch.mask[row] != 0 {
                    var dot = 0.0, nh = 0.0, nt = 0.0
                    for c in 0..<d {
                        let a = Double(h[row, c]), b = Double(target[row * d + c])
                        sq += (a - b) * (a - b); dot += a * b; nh += a * a; nt += b * b
                    }
                    cos += dot / max((nh * nt).squareRoot(), 1e-12)
                    tokens += 1
                }
            }
            return HiddenStateMetrics(mse: sq / Double(max(1, tokens * d)), cosine: cos / Double(max(1, tokens)), tokens: tokens).asDictionary
        }
    }
}
