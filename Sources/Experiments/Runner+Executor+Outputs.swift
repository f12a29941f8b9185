import Foundation
import LoRA
import Model
import SafeTensors
import Support
import Tasks
import Training

/// What a run has recorded so far, carried through checkpoints: the last finished step, one JSON line per step and per
/// validation pass, and the seconds spent in each.
struct RunLog {
    var step = 0
    var metricLines: [String] = []
    var evalLines: [String] = []
    var trainSeconds = 0.0
    var evalSeconds = 0.0

    init() {}

    /// The log a checkpoint saved.
    init(_ state: RunCheckpoint.State) {
        step = state.step
        metricLines = state.metricLines
        evalLines = state.evalLines
        trainSeconds = state.trainSeconds
        evalSeconds = state.evalSeconds ?? 0
    }

    /// The metrics of the last validation pass, or none before the first.
    var lastValidation: [String: Double] {
        guard let last = evalLines.last, let line = try? JSONDecoder().decode(EvalLine.self, from: Data(last.utf8)) else { return [:] }
        return line.metrics
    }

    /// The checkpoint state after step `step`: this log with the data cursor, AdamW's step count and every dropout
    /// generator.
    func checkpointState(run id: String, step: Int, cursor: BatchSampler.Cursor, optimizer: AdamW, adapters: [LoRAAdapter],
                         model: any AdaptableModel) -> RunCheckpoint.State {
        RunCheckpoint.State(runId: id, step: step, cursor: cursor, adamSteps: optimizer.stepCount,
                            adapterRNGs: adapters.map(\.dropoutRNG), modelRNG: model.dropoutRNG, metricLines: metricLines,
                            evalLines: evalLines, trainSeconds: trainSeconds, evalSeconds: evalSeconds)
    }
}

extension RunExecutor {
    /// Writes a run's outputs — metrics.jsonl, eval.jsonl, and for a finished run its adapter (PEFT; none for head-only),
    /// generations and task head — then final.json last (its presence marks the run as finished), and removes the
    /// checkpoint.
    func writeOutputs(status: RunOutcome.Status, log: RunLog, lastValidation: [String: Double], adapters: [LoRAAdapter],
                      objective: Objective) throws -> RunOutcome {
        try AtomicFile.write(log.metricLines.map { $0 + "\n" }.joined(), to: directory.appendingPathComponent("metrics.jsonl"))
        try AtomicFile.write(log.evalLines.map { $0 + "\n" }.joined(), to: directory.appendingPathComponent("eval.jsonl"))
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
        let outcome = RunOutcome(status: status, steps: log.step, primaryMetric: task.primaryMetric, validation: lastValidation,
                                 majorityBaseline: majorityBaseline, trainSeconds: log.trainSeconds, evalSeconds: log.evalSeconds,
                                 headParameters: objective.head.map { $0.weight.count + $0.bias.count } ?? 0, machine: machine)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(outcome) + Data("\n".utf8), to: directory.appendingPathComponent("final.json"))
        try? FileManager.default.removeItem(at: directory.appendingPathComponent("checkpoint"))
        return outcome
    }

    /// The share of the validation split's most frequent label (a classification task with validation examples), else nil.
    var majorityBaseline: Double? {
        guard case .classification(let data) = task, !data.validation.isEmpty else { return nil }
        var counts = [Int](repeating: 0, count: data.labels.count)
        for e in data.validation { counts[e.label] += 1 }
        return Double(counts.max()!) / Double(data.validation.count)
    }

    private func labelsJSON() -> String {
        guard case .classification(let data) = task,
              let json = try? JSONEncoder().encode(data.labels) else { return "[]" }
        return String(decoding: json, as: UTF8.self)
    }
}
