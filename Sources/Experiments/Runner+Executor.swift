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
        let (parameters, optimizer) = (step.optimizer.parameters, step.optimizer)
        let totalSteps = config.training.totalSteps(trainExamples: task.trainCount)
        let kind = ScheduleKind(rawValue: config.training.schedule.rawValue) ?? .linear
        let schedule = Training.LearningRateSchedule(kind: kind, peak: config.training.learningRate,
                                                     warmupSteps: config.training.warmupSteps(totalSteps: totalSteps), totalSteps: totalSteps)
        var sampler = BatchSampler(count: task.trainCount, batchSize: config.training.batchSize, dataSeed: config.dataSeed)
        var stepIndex = 0
        var metricLines: [String] = []
        var evalLines: [String] = []
        var trainSeconds = 0.0
        var evalSeconds = 0.0

        // Resume.
        let checkpointURL = RunCheckpoint.url(in: directory)
        if FileManager.default.fileExists(atPath: checkpointURL.path) {
            let cp = try RunCheckpoint.read(checkpointURL)
            guard cp.state.runId == config.id, cp.state.adapterRNGs.count == adapters.count else {
                throw RunnerError.corruptRun(path: checkpointURL.path, reason: "checkpoint belongs to another configuration; delete it or use --force")
            }
            for p in parameters {
                guard let v = cp.tensors["param/" + p.name], v.count == p.count,
                      cp.tensors["m/" + p.name]?.count == p.count, cp.tensors["v/" + p.name]?.count == p.count else {
                    throw RunnerError.corruptRun(path: checkpointURL.path, reason: "tensor for '\(p.name)' missing or of the wrong size")
                }
                p.value.storage = v
            }
            for (i, p) in parameters.enumerated() {
                optimizer.m[i] = cp.tensors["m/" + p.name]!
                optimizer.v[i] = cp.tensors["v/" + p.name]!
            }
            optimizer.stepCount = cp.state.adamSteps
            for (a, r) in zip(adapters, cp.state.adapterRNGs) { a.dropoutRNG = r }
            base.dropoutRNG = cp.state.modelRNG
            sampler = BatchSampler(count: task.trainCount, batchSize: config.training.batchSize, dataSeed: config.dataSeed,
                                   cursor: cp.state.cursor)
            stepIndex = cp.state.step
            metricLines = cp.state.metricLines
            evalLines = cp.state.evalLines
            trainSeconds = cp.state.trainSeconds
            evalSeconds = cp.state.evalSeconds ?? 0
        }

        var status = RunOutcome.Status.finished
        var lastValidation: [String: Double] = [:]
        if let last = evalLines.last, let data = last.data(using: .utf8),
           let obj = try? JSONDecoder().decode(EvalLine.self, from: data) { lastValidation = obj.metrics }

        /// Writes a checkpoint when one is due or a stop was asked for, then stops the run on such a request.
        func endOfStep(_ stepIndex: Int) throws {
            let stopping = shouldStop() && stepIndex < totalSteps
            if let every = checkpointEvery, stepIndex < totalSteps, stopping || (every > 0 && stepIndex % every == 0) {
                var tensors: [String: [Float]] = [:]
                var shapes: [String: [Int]] = [:]
                for (i, p) in parameters.enumerated() {
                    for (prefix, values) in [("param/", p.value.storage), ("m/", optimizer.m[i]), ("v/", optimizer.v[i])] {
                        tensors[prefix + p.name] = values
                        shapes[prefix + p.name] = [p.value.rows, p.value.cols]
                    }
                }
                let state = RunCheckpoint.State(runId: config.id, step: stepIndex, cursor: sampler.cursor, adamSteps: optimizer.stepCount,
                                                adapterRNGs: adapters.map(\.dropoutRNG), modelRNG: base.dropoutRNG,
                                                metricLines: metricLines, evalLines: evalLines, trainSeconds: trainSeconds,
                                                evalSeconds: evalSeconds)
                try RunCheckpoint(state: state, tensors: tensors).write(to: checkpointURL, shapes: shapes)
            }
            if stopping { throw RunnerError.interrupted(run: config.id, step: stepIndex) }
        }

        // One optimiser step: `accumulationSteps` batches drawn in order (gradient accumulation), laid out as they are used.
        let loop = try TrainingLoop.run(step, startStep: stepIndex, totalSteps: totalSteps, learningRate: schedule.rate(at:),
                                        clipNorm: config.training.clipNorm,
                                        batches: { (0..<config.training.accumulationSteps).map { _ in makeBatch(sampler.next(), split: .train) } },
                                        evaluateEvery: config.training.evalEvery, evaluate: { try evaluate(step) }) { event in
            switch event {
            case .step(let s):
                trainSeconds += s.seconds
                let tokensPerSecond = Double(s.realTokens) / s.seconds
                metricLines.append(try line(StepLine(step: s.step, loss: s.loss, lr: s.learningRate, gradNorm: s.gradientNorm,
                                                      tokensPerS: tokensPerSecond)))
                progress(.step(StepProgress(id: config.id, step: s.step, totalSteps: totalSteps, loss: s.loss, learningRate: s.learningRate,
                                            gradientNorm: s.gradientNorm, tokensPerSecond: tokensPerSecond, elapsed: trainSeconds)))
                if RunExecutor.hasDiverged(loss: s.loss, gradientNorm: s.gradientNorm, firstLoss: RunExecutor.firstLoss(in: metricLines)) {
                    status = .diverged
                    return .stop
                }
            case let .evaluation(at, metrics, seconds):
                lastValidation = metrics
                evalSeconds += seconds
                evalLines.append(try line(EvalLine(step: at, metrics: metrics)))
                progress(.evaluation(id: config.id, step: at, metrics: metrics))
            case .endOfStep(let at):
                try endOfStep(at)
            }
            return .more
        }
        stepIndex = loop.steps

        // Outputs: metrics, adapter (none for head-only), head, then final.json last (its presence marks the run as finished).
        try AtomicFile.write(metricLines.map { $0 + "\n" }.joined(), to: directory.appendingPathComponent("metrics.jsonl"))
        try AtomicFile.write(evalLines.map { $0 + "\n" }.joined(), to: directory.appendingPathComponent("eval.jsonl"))
        if status == .finished, !config.isHeadOnly {
            try PEFTAdapterFile.write(adapters, to: directory.appendingPathComponent("adapter"), baseModel: model.peftBaseModel,
                                      harness: .init(initSeed: config.initSeed, dataSeed: config.dataSeed,
                                                     gaussianStd: config.lora.initialization == .gaussian ? config.lora.effectiveGaussianStd : nil,
                                                     runId: config.id, baseModelPath: model.name))
        }
        if status == .finished, case .generation(let g) = task, !g.generationPrompts.isEmpty {
            try GenerationRecord.generate(g, model: model).write(to: directory)
        }
        if status == .finished, let head = objective.head {
            var writer = SafeTensorsWriter(metadata: ["format": "pt", "labels": labelsJSON()])
            try writer.add("head.weight", shape: [head.outFeatures, head.inFeatures], floats: head.weight.value.storage)
            try writer.add("head.bias", shape: [head.outFeatures], floats: head.bias.value.storage)
            try writer.write(to: directory.appendingPathComponent("head.safetensors"))
        }
        var majority: Double?
        let primary = task.primaryMetric
        if case .classification(let data) = task {
            var counts = [Int](repeating: 0, count: data.labels.count)
            for e in data.validation { counts[e.label] += 1 }
            majority = data.validation.isEmpty ? nil : Double(counts.max()!) / Double(data.validation.count)
        }
        let outcome = RunOutcome(status: status, steps: stepIndex, primaryMetric: primary, validation: lastValidation,
                                 majorityBaseline: majority, trainSeconds: trainSeconds, evalSeconds: evalSeconds,
                                 headParameters: objective.head.map { $0.weight.count + $0.bias.count } ?? 0, machine: machine)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(outcome) + Data("\n".utf8), to: directory.appendingPathComponent("final.json"))
        try? FileManager.default.removeItem(at: directory.appendingPathComponent("checkpoint"))
        return outcome
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

    private func labelsJSON() -> String {
        guard case .classification(let data) = task,
              let json = try? JSONEncoder().encode(data.labels) else { return "[]" }
        return String(decoding: json, as: UTF8.self)
    }

    private func line<T: Encodable>(_ value: T) throws -> String { String(decoding: try metricsEncoder.encode(value), as: UTF8.self) }

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
