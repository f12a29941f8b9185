import ExperimentReports
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
    /// Per example of the split, in the task's order: whether the run classified it correctly.
    public var correct: [Bool]

    /// What `<run>/<split>.json` records of it.
    var file: SplitMetricsFile {
        SplitMetricsFile(split: split.rawValue, examples: metrics.count, accuracy: metrics.accuracy, macroF1: metrics.macroF1, loss: metrics.loss,
                         correct: SplitMetricsFile.correctString(correct))
    }
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
        let (examples, classes) = try labelledExamples(split, model: model)
        var results: [SplitEvaluation] = []
        for r in records {
            progress("\(r.id): evaluating \(examples.count) \(split.rawValue) examples")
            let (metrics, correct) = try evaluate(r, examples: examples, classes: classes, model: model)
            results.append(SplitEvaluation(run: r.id, record: r, split: split, metrics: metrics, correct: correct))
        }
        try writeEvaluations(results, split: split)
        return results
    }

    /// Evaluates on `split` each finished run of `records` that has no `<split>.json` yet (the spec's
    /// `analyses.accuracySplit` is that split: the report reads it), then rewrites `<split>_metrics.csv` from every finished
    /// run's file. Loads the task only when some run needs it (`buildReport` calls it).
    func evaluateMissing(split: Split, records: [RunRecord], model: LoadedModel, progress: (RunnerEvent) -> Void) throws {
        let finished = records.filter { $0.outcome.status == .finished }
        let missing = finished.filter { !FileManager.default.fileExists(atPath: SplitMetricsFile.url(run: $0.directory, split: split.rawValue).path) }
        guard !missing.isEmpty else { return }
        let (examples, classes) = try labelledExamples(split, model: model)
        for r in missing {
            progress(.splitEvaluation(id: r.id, split: split.rawValue, examples: examples.count))
            let (metrics, correct) = try evaluate(r, examples: examples, classes: classes, model: model)
            try write(SplitEvaluation(run: r.id, record: r, split: split, metrics: metrics, correct: correct).file, run: r)
        }
        var rows: [(record: RunRecord, file: SplitMetricsFile)] = []
        for r in finished {
            if let file = try SplitMetricsFile.read(run: r.directory, split: split.rawValue) { rows.append((r, file)) }
        }
        try writeEvaluationTable(rows, split: split)
    }

    /// The task's labelled examples of `split` (tokenized for `model`) and its number of classes.
    /// - Throws: `RunnerError.unsupported` when the task is not a classification task or the split is empty.
    func labelledExamples(_ split: Split, model: LoadedModel) throws -> (examples: [TokenizedExample], classes: Int) {
        let (task, _) = try LoadedTask.load(plan.spec.task, model: model, repositoryRoot: repositoryRoot, dataDirectory: plan.dataDirectory)
        guard case .classification(let data) = task else {
            throw RunnerError.unsupported(field: "task.kind", reason: "evaluation on a split needs a classification task (task kind '\(plan.spec.task.kind.rawValue)' has no labelled \(split.rawValue) split)")
        }
        let examples = data.examples(split)
        guard !examples.isEmpty else { throw RunnerError.unsupported(field: "task", reason: "the \(split.rawValue) split is empty") }
        return (examples, data.labels.count)
    }

    /// Metrics of one run's adapter and head on `examples` (a head-only run: its head on the frozen model), and per
    /// example whether it was classified correctly.
    func evaluate(_ r: RunRecord, examples: [TokenizedExample], classes: Int, model: LoadedModel) throws
        -> (metrics: ClassificationMetrics, correct: [Bool]) {
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
        return try step.classificationEvaluation(examples, padId: model.tokenizer.padId, classes: classes)
    }

    /// `<run>/<split>.json` per run and `<split>_metrics.csv` in the spec folder.
    func writeEvaluations(_ results: [SplitEvaluation], split: Split) throws {
        for e in results { try write(e.file, run: e.record) }
        try writeEvaluationTable(results.map { ($0.record, $0.file) }, split: split)
    }

    /// `<run>/<split>.json`.
    func write(_ file: SplitMetricsFile, run: RunRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(file) + Data("\n".utf8), to: SplitMetricsFile.url(run: run.directory, split: file.split))
    }

    /// `<split>_metrics.csv` in the spec folder, one row per run.
    func writeEvaluationTable(_ rows: [(record: RunRecord, file: SplitMetricsFile)], split: Split) throws {
        var csv = "run,targets,rank,data_seed,init_seed,split,examples,accuracy,macro_f1,loss\n"
        for (r, f) in rows {
            csv += [r.id, r.targetLabel, String(r.rank), String(r.dataSeed), String(r.initSeed), f.split, String(f.examples),
                    ReportNumber.csv(f.accuracy), ReportNumber.csv(f.macroF1), ReportNumber.csv(f.loss)].joined(separator: ",") + "\n"
        }
        try AtomicFile.write(csv, to: specDirectory.appendingPathComponent("\(split.rawValue)_metrics.csv"))
    }
}

extension TrainingStep {
    /// Accuracy, macro-F1 and mean cross-entropy of the classification head over `examples`, in packed batches of 64
    /// through the forward-only workspace (training's validation and `experiment evaluate` both use it).
    func classificationMetrics(_ examples: [TokenizedExample], padId: Int32, classes: Int) throws -> ClassificationMetrics {
        try classificationEvaluation(examples, padId: padId, classes: classes).metrics
    }

    /// The same metrics and, per example in the order of `examples`, whether its prediction is its label.
    func classificationEvaluation(_ examples: [TokenizedExample], padId: Int32, classes: Int) throws
        -> (metrics: ClassificationMetrics, correct: [Bool]) {
        var predictions: [Int] = [], labels: [Int] = [], lossSum = 0.0
        for start in stride(from: 0, to: examples.count, by: 64) {
            let chunk = Array(examples[start..<min(examples.count, start + 64)])
            let (batch, y) = Batching.batch(chunk, padId: padId)
            lossSum += try lossAndGradients(batch, targets: .labels(y), backward: false) * Double(chunk.count)
            let logits = lastOutputs(batchSize: chunk.count)
            for b in 0..<chunk.count { let row = logits.row(b); predictions.append(row.indices.max { row[$0] < row[$1] }!) }
            labels += y
        }
        let metrics = ClassificationMetrics(predictions: predictions, labels: labels, classes: classes, lossSum: lossSum)
        return (metrics, zip(predictions, labels).map { $0 == $1 })
    }
}
