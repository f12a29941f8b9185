import Foundation
import LinearAlgebra
import LoRA
import Model
import Support
import Tasks
import Training

/// One finished run's metrics on a split (`experiment evaluate <spec> --split test`).
public struct SplitEvaluation: Sendable, Equatable {
    public var run: String
    public var record: RunRecord
    public var split: Split
    public var metrics: ClassificationMetrics
}

extension ExperimentRunner {
    /// Evaluates every finished run of the plan on `split` of the task (never trains): the run's adapter (none for the
    /// head-only baseline) and head from its folder, packed batches of 64 through a forward-only workspace. Writes
    /// `<split>.json` into each run folder (beside `final.json`'s validation metrics) and `<split>_metrics.csv` into the
    /// spec folder — only after every run has been evaluated, so a failure leaves nothing half-written.
    /// - Throws: `RunnerError.unsupported` when the task is not a classification task or the split is empty.
    public func evaluateFinishedRuns(split: Split, progress: (String) -> Void = { _ in }) throws -> [SplitEvaluation] {
        let records = try cachedRecords().filter { $0.outcome.status == .finished }
        guard !records.isEmpty else { throw RunnerError.unsupported(field: "runs", reason: "no finished runs in \(specDirectory.path); run the spec first") }
        let model = try LoadedModel.load(plan.spec.model, repositoryRoot: repositoryRoot)
        let (task, _) = try LoadedTask.load(plan.spec.task, model: model, repositoryRoot: repositoryRoot, dataDirectory: plan.dataDirectory)
        guard case .classification(let data) = task else {
            throw RunnerError.unsupported(field: "task.kind", reason: "evaluation on a split needs a classification task (task kind '\(plan.spec.task.kind.rawValue)' has no labelled \(split.rawValue) split)")
        }
        let examples = data.examples(split)
        guard !examples.isEmpty else { throw RunnerError.unsupported(field: "task", reason: "the \(split.rawValue) split is empty") }
        var results: [SplitEvaluation] = []
        for r in records {
            progress("\(r.id): evaluating \(examples.count) \(split.rawValue) examples")
            let metrics = try evaluate(r, examples: examples, classes: data.labels.count, model: model)
            results.append(SplitEvaluation(run: r.id, record: r, split: split, metrics: metrics))
        }
        try writeEvaluations(results, split: split)
        return results
    }

    /// Metrics of one run's adapter and head on `examples` (a head-only run: its head on the frozen model).
    func evaluate(_ r: RunRecord, examples: [TokenizedExample], classes: Int, model: LoadedModel) throws -> ClassificationMetrics {
        let base = model.model
        base.detachAdapters()
        defer { base.detachAdapters() }
        if !r.isHeadOnly {
            let read = try PEFTAdapterFile.load(r.adapterDirectory, for: base)
            try base.attach(read.adapters)
        }
        base.setTraining(false)
        let head = try Prediction.Head.read(r.directory.appendingPathComponent("head.safetensors"), width: base.hiddenSize)
        guard head.labels.count == classes else {
            throw RunnerError.corruptRun(path: r.directory.appendingPathComponent("head.safetensors").path,
                                         reason: "the head has \(head.labels.count) classes, the task \(classes)")
        }
        let objective = Objective.classification(head: LinearHead(weight: head.weight, bias: head.bias), pooling: .mean)
        let step = TrainingStep(model: base, objective: objective, optimizer: AdamW(parameters: []))
        return try step.classificationMetrics(examples, padId: model.tokenizer.padId, classes: classes)
    }

    /// `<run>/<split>.json` per run and `<split>_metrics.csv` in the spec folder.
    func writeEvaluations(_ results: [SplitEvaluation], split: Split) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var csv = "run,targets,rank,data_seed,init_seed,split,examples,accuracy,macro_f1,loss\n"
        for e in results {
            let json = SplitMetricsFile(split: split.rawValue, examples: e.metrics.count, accuracy: e.metrics.accuracy,
                                        macroF1: e.metrics.macroF1, loss: e.metrics.loss)
            try AtomicFile.write(try encoder.encode(json) + Data("\n".utf8), to: e.record.directory.appendingPathComponent("\(split.rawValue).json"))
            csv += [e.run, e.record.targetLabel, String(e.record.rank), String(e.record.dataSeed), String(e.record.initSeed), split.rawValue,
                    String(e.metrics.count), ReportNumber.csv(e.metrics.accuracy), ReportNumber.csv(e.metrics.macroF1),
                    ReportNumber.csv(e.metrics.loss)].joined(separator: ",") + "\n"
        }
        try AtomicFile.write(csv, to: specDirectory.appendingPathComponent("\(split.rawValue)_metrics.csv"))
    }
}

/// `<run>/<split>.json`: a run's metrics on a split other than validation.
struct SplitMetricsFile: Codable {
    let split: String
    let examples: Int
    let accuracy: Double
    let macroF1: Double
    let loss: Double
    enum CodingKeys: String, CodingKey { case split, examples, accuracy, loss, macroF1 = "macro_f1" }
}

extension TrainingStep {
    /// Accuracy, macro-F1 and mean cross-entropy of the classification head over `examples`, in packed batches of 64
    /// through the forward-only workspace (training's validation and `experiment evaluate` both use it).
    func classificationMetrics(_ examples: [TokenizedExample], padId: Int32, classes: Int) throws -> ClassificationMetrics {
        var predictions: [Int] = [], labels: [Int] = [], lossSum = 0.0
        for start in stride(from: 0, to: examples.count, by: 64) {
            let chunk = Array(examples[start..<min(examples.count, start + 64)])
            let (batch, y) = Batching.batch(chunk, padId: padId)
            lossSum += try lossAndGradients(batch, targets: .labels(y), backward: false) * Double(chunk.count)
            let logits = lastOutputs(batchSize: chunk.count)
            for b in 0..<chunk.count { let row = logits.row(b); predictions.append(row.indices.max { row[$0] < row[$1] }!) }
            labels += y
        }
        return ClassificationMetrics(predictions: predictions, labels: labels, classes: classes, lossSum: lossSum)
    }
}
