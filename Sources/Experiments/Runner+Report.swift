import Foundation
import LinearAlgebra
import LoRA
import Model

extension ExperimentRunner {
    /// What the report says about this experiment.
    public func reportContext(model: BertConfig, modelName: String) -> ReportContext {
        let spec = plan.spec
        let modelDescription = "\(modelName) (BERT encoder, \(model.layers) layers, d = \(model.hiddenSize), \(model.heads) heads, d_ff = \(model.intermediateSize))"
        let task: String
        switch spec.task {
        case .wordnetSupersense(let t): task = "wordnet-supersense: WordNet 3 \(t.parts.map(\.rawValue).joined(separator: "+")) synset definitions → lexicographer file; validation capped at \(t.maxValidation.map(String.init) ?? "all"); max \(t.maxTokens) tokens"
        case .wordnetPairs(let t): task = "wordnet-pairs: premise = a noun synset's definition, hypothesis = a lemma; entailment (hypernyms up to depth \(t.hypernymDepth)) / neutral / contradiction (co-hyponyms, antonyms); max \(t.maxTokens) tokens"
        case .plantedRank(let t): task = "planted-rank: rank-\(t.plantRank) ΔW* planted in \(t.targets.map(\.rawValue).joined(separator: ", ")) (s = \(t.singularValues.map { String($0) }.joined(separator: ", ")) × ‖W‖₂), \(t.inputs.rawValue) inputs; MSE on final hidden states"
        case .jsonl(let t): task = "jsonl: \(t.train) / \(t.validation)"
        case .glueTSV(let t): task = "glue-tsv: \(t.train) / \(t.validation)"
        }
        let t = spec.training
        let length: String
        switch t.length {
        case .steps(let s): length = "\(s) steps"
        case .epochs(let e): length = "\(e) epochs"
        }
        let sets = plan.adapterSets.map { s in
            "\(s.targets.map(\.rawValue).joined(separator: "+")) at r = \(s.ranks.map(String.init).joined(separator: ", "))" + (s.budget.map { " (budget \($0))" } ?? "")
        }.joined(separator: "; ")
        let alpha: String
        switch spec.lora.alpha {
        case .value(let v): alpha = "α = \(v == v.rounded() ? String(Int(v)) : String(v)) fixed across ranks"
        case .rank: alpha = "α = r"
        }
        let seeds = Set(plan.runs.map { "data \($0.dataSeed) / init \($0.initSeed)" }).sorted().joined(separator: ", ")
        let grid = "\(sets); \(alpha)\(spec.lora.rsLoRA ? " (rsLoRA: scaling α/√r)" : " (scaling α/r)"), \(spec.lora.initialization.rawValue) init; "
            + "\(length), batch \(t.batchSize), AdamW lr \(t.learningRate) (\(t.schedule.rawValue), warm-up \(t.warmupFraction)), weight decay \(t.weightDecay); seeds: \(seeds); \(plan.runs.count) runs"
        return ReportContext(specName: spec.name, title: spec.title, modelDescription: modelDescription, taskDescription: task,
                             gridDescription: grid, reference: spec.reference, options: spec.analyses,
                             validationExamples: recordedValidationExamples())
    }

    /// The validation split's size from `task.json` (written when the task was built), or nil.
    func recordedValidationExamples() -> Int? {
        guard let data = FileManager.default.contents(atPath: specDirectory.appendingPathComponent("task.json").path),
              let summary = try? JSONDecoder().decode(TaskSummary.self, from: data) else { return nil }
        return summary.splits.first { $0.split == "validation" }?.examples
    }

    /// Records of the selected runs that have finished (cached), in plan order; runs without results are left out.
    public func cachedRecords() throws -> [RunRecord] {
        try selectedRuns.filter { FileManager.default.fileExists(atPath: runDirectory($0.id).appendingPathComponent("final.json").path) }
            .map(record)
    }

    /// Writes the spec's analyses, report and figures from cached run folders (never trains), using the frozen weights of
    /// `model`, then regenerates the marked sections of the notebooks in `notebooks`.
    public func buildReport(records: [RunRecord], model: LoadedModel, notebooks: URL?) throws -> (ReportSummary, [URL]) {
        let bert = model.model
        let planted = specDirectory.appendingPathComponent("planted-adapter")
        let summary = try ReportBuilder.build(
            context: reportContext(model: bert.config, modelName: model.name), runs: records,
            baseWeights: { layer, target in bert.layers[layer].linear(target).weight },
            plantedAdapterDirectory: FileManager.default.fileExists(atPath: planted.path) ? planted : nil,
            resultsDirectory: specDirectory)
        var updated: [URL] = []
        if let notebooks, FileManager.default.fileExists(atPath: notebooks.path) {
            updated = try ReportBuilder.updateNotebooks(in: notebooks, resultsDirectory: specDirectory, repositoryRoot: repositoryRoot)
        }
        return (summary, updated)
    }
}
