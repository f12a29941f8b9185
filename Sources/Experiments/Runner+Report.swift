import Foundation
import LinearAlgebra
import LoRA
import Model
import Support

extension ExperimentRunner {
    /// What the report says about this experiment.
    public func reportContext(model: any AdaptableModel, modelName: String) -> ReportContext {
        let spec = plan.spec
        let modelDescription = "\(modelName) (\(model.architectureSummary))"
        let task: String
        switch spec.task {
        case .wordnetSupersense(let t): task = "wordnet-supersense: WordNet 3 \(t.parts.map(\.rawValue).joined(separator: "+")) synset definitions → lexicographer file; validation capped at \(t.maxValidation.map(String.init) ?? "all"); max \(t.maxTokens) tokens"
        case .wordnetPairs(let t): task = "wordnet-pairs: premise = a noun synset's definition, hypothesis = a lemma; entailment (hypernyms up to depth \(t.hypernymDepth)) / neutral / contradiction (co-hyponyms, antonyms); max \(t.maxTokens) tokens"
        case .plantedRank(let t): task = "planted-rank: rank-\(t.plantRank) ΔW* planted in \(t.targets.map(\.rawValue).joined(separator: ", ")) (s = \(t.singularValues.map { String($0) }.joined(separator: ", ")) × ‖W‖₂), \(t.inputs.rawValue) inputs; MSE on final hidden states"
        case .jsonl(let t): task = "jsonl: \(t.train) / \(t.validation)"
        case .glueTSV(let t): task = "glue-tsv: \(t.train) / \(t.validation)"
        case .wordnetGloss(let t): task = "wordnet-gloss: WordNet 3 \(t.parts.map(\.rawValue).joined(separator: "+")) \"word (part of speech):\" → its gloss, causal-LM loss on the gloss tokens only (Sec 2); validation capped at \(t.maxValidation.map(String.init) ?? "all"), loss and perplexity; max \(t.maxTokens) tokens"
        }
        let t = spec.training
        let length: String
        switch t.length {
        case .steps(let s): length = "\(s) steps"
        case .epochs(let e): length = "\(e) epochs"
        }
        let sets = plan.adapterSets.map { s in
            s.isHeadOnly ? "head only (the task head on the frozen model, no adapters)"
                : "\(s.targets.map(\.rawValue).joined(separator: "+")) at r = \(s.ranks.map(String.init).joined(separator: ", "))" + (s.budget.map { " (budget \($0))" } ?? "")
        }.joined(separator: "; ")
        let alpha: String
        switch spec.lora.alpha {
        case .value(let v): alpha = "α = \(v == v.rounded() ? String(Int(v)) : String(v)) fixed across ranks"
        case .rank: alpha = "α = r"
        }
        let seeds = Set(plan.allRuns.map { "data \($0.dataSeed) / init \($0.initSeed)" }).sorted().joined(separator: ", ")
        let grid = (plan.rankSearch.map { $0.summary + (sets.isEmpty ? "" : "; grid: ") } ?? "") + "\(sets); \(alpha)\(spec.lora.rsLoRA ? " (rsLoRA: scaling α/√r)" : " (scaling α/r)"), \(spec.lora.initialization.rawValue) init; "
            + "\(length), batch \(t.batchSize), AdamW lr \(t.learningRate) (\(t.schedule.rawValue), warm-up \(t.warmupFraction)), weight decay \(t.weightDecay); seeds: \(seeds); "
            + (plan.rankSearch == nil ? "\(plan.runs.count) runs" : "\(plan.runs.count) grid runs, at most \(plan.searchRuns.count) more in the rank search")
        var context = ReportContext(specName: spec.name, title: spec.title, modelDescription: modelDescription, taskDescription: task,
                                    gridDescription: grid, reference: spec.reference, options: spec.analyses,
                                    validationExamples: recordedValidationExamples())
        context.resultsFolder = resultsFolderName
        context.quickLookOf = spec.quickLookOf
        context.lengthCheckOf = spec.lengthCheckOf
        context.lengthCheckedBy = spec.lengthCheckedBy
        context.rankSearch = plan.rankSearch
        context.baseValidation = recordedBaseValidation()
        return context
    }

    /// The validation split's size from `task.json` (written when the task was built), or nil.
    public func recordedValidationExamples() -> Int? {
        guard let data = FileManager.default.contents(atPath: specDirectory.appendingPathComponent("task.json").path),
              let summary = try? JSONDecoder().decode(TaskSummary.self, from: data) else { return nil }
        return summary.splits.first { $0.split == "validation" }?.examples
    }

    /// The spec folder as a report names it: relative to the repository root when inside it (`results/qv-rank`),
    /// else its absolute path (`/tmp/r/qv-rank` for `--results /tmp/r`).
    public var resultsFolderName: String {
        let folder = specDirectory.standardizedFileURL.path
        let base = repositoryRoot.standardizedFileURL.path
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return folder.hasPrefix(prefix) ? String(folder.dropFirst(prefix.count)) : folder
    }

    /// Records of every run of the plan that has finished (its folder holds `final.json`), grid runs in plan order, then
    /// the rank search's in candidate order — whatever `--only` selected and whichever process trained them, so a report
    /// always covers every finished run of the results folder. Runs without results are left out (`missingRuns` lists
    /// the grid's; `rankSearchPath()` says what the search still needs).
    public func cachedRecords() throws -> [RunRecord] {
        try plan.allRuns.filter(isFinished).map(record)
    }

    /// The grid runs of the plan that have no `final.json` yet, in plan order.
    public var missingRuns: [RunConfig] { plan.runs.filter { !isFinished($0) } }

    /// Writes the spec's analyses, report and figures from cached run folders (never trains), using the frozen weights of
    /// `model`, after removing temporary files that killed writers left in the spec folder; then regenerates the marked sections of the notebooks in `notebooks`.
    /// One writer at a time: the build holds `results/<spec>/report.lock` (waiting for another process's build to end),
    /// so array tasks of a Slurm grid finishing together never remove each other's files mid-build.
    ///
    /// With `analyses.accuracySplit` test, finished runs without `test.json` are first evaluated on the test split
    /// (`evaluateMissing`, the task loaded only then), under the same lock: array tasks finishing together evaluate each
    /// run once, and a report never reads a run another task has not evaluated yet.
    public func buildReport(records: [RunRecord], model: LoadedModel, notebooks: URL?,
                            progress: (RunnerEvent) -> Void = { _ in }) throws -> (ReportSummary, [URL]) {
        let lock = try RunLock(url: specDirectory.appendingPathComponent("report.lock"), wait: true)
        defer { withExtendedLifetime(lock) {} }
        if plan.spec.analyses.accuracy && plan.spec.analyses.accuracySplit == .test {
            try evaluateMissing(split: .test, records: records, model: model, progress: progress)
        }
        let base = model.model
        AtomicFile.removeStaleTemporaryFiles(under: specDirectory)
        let planted = specDirectory.appendingPathComponent("planted-adapter")
        let summary = try ReportBuilder.build(
            context: reportContext(model: base, modelName: model.name), runs: records, naming: base.naming,
            baseWeights: { layer, target in try base.weight(layer: layer, site: target) },
            plantedAdapterDirectory: FileManager.default.fileExists(atPath: planted.path) ? planted : nil,
            resultsDirectory: specDirectory)
        var updated: [URL] = []
        if let notebooks, FileManager.default.fileExists(atPath: notebooks.path) {
            updated = try ReportBuilder.updateNotebooks(in: notebooks, resultsDirectory: specDirectory, repositoryRoot: repositoryRoot)
        }
        return (summary, updated)
    }
}
