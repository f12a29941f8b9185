import ArgumentParser
import Experiments
import Foundation
import LinearAlgebra
import LoRA
import Model

extension ReportSummary {
    /// What the command prints about a report it wrote: `lines` without the seconds per analysis phase unless asked.
    func terminalLines(timings: Bool) -> [String] {
        var shown = self
        if !timings { shown.phases = [] }
        return shown.lines
    }
}

/// Writes the analyses and report of a spec from every finished run in its results folder (whatever `--only` selected
/// and whichever process trained them), says on stderr which planned runs are still missing, and prints what was written
/// and the claim verdicts (the seconds per analysis phase only when `timings`).
func buildReport(runner: ExperimentRunner, timings: Bool) throws {
    let records = try runner.cachedRecords()
    let plan = runner.plan
    guard !records.isEmpty else {
        Console.info("\(plan.spec.name): no finished runs yet; nothing to report")
        return
    }
    let missing = runner.missingRuns
    if !missing.isEmpty {
        Console.info("\(plan.spec.name): \(missing.count) of \(plan.runs.count) planned runs have no results yet (\(missing.map(\.id).joined(separator: ", "))); "
                     + "the report covers the \(records.count) that do")
    }
    let search = try runner.rankSearchPath()
    if let next = search?.next {
        Console.info("\(plan.spec.name): the rank search is not finished: it waits for \(next.label) (`experiment run` trains it); "
                     + "the report shows the path so far")
    }
    let loaded = try LoadedModel.load(plan.spec.model, repositoryRoot: runner.repositoryRoot)
    let root = runner.repositoryRoot
    let (summary, notebooks) = try runner.buildReport(records: records, model: loaded,
                                                      notebooks: root.appendingPathComponent("notebooks-md"),
                                                      progress: ProgressRenderer().handle)
    for line in summary.terminalLines(timings: timings) { print(line) }
    for n in notebooks { print("updated \(n.path.replacingOccurrences(of: root.path + "/", with: ""))") }
    print("report: \(runner.specDirectory.appendingPathComponent("report.md").path.replacingOccurrences(of: root.path + "/", with: ""))")
    if let c = search?.choice { print("rank search: choice \(c.label) (\(c.trainableParameters) trainable LoRA parameters)") }
}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild every table, figure, report and notebook section from cached runs only (no training).",
        discussion: "With no spec, every spec under experiments/specs/ that has results is rebuilt. Running it twice changes no byte.")

    @Argument(help: "Specs to rebuild (default: every spec in experiments/specs with results).")
    var specs: [String] = []
    @Option(help: "Folder holding the results.")
    var results: String = "results"
    @Flag(help: "Also print how long each phase of the analyses took.")
    var timings = false
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        if results.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--results must name a folder, got an empty string") }
    }

    func run() throws {
        try compute.apply()
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let resultsRoot = URL(fileURLWithPath: results, relativeTo: root).standardizedFileURL
        var paths = specs
        if paths.isEmpty {
            let dir = root.appendingPathComponent("experiments/specs")
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            paths = files.filter { $0.hasSuffix(".json") }.sorted().map { "experiments/specs/" + $0 }
                .filter { FileManager.default.fileExists(atPath: resultsRoot.appendingPathComponent(URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent).path) }
            if paths.isEmpty { Console.info("no results under \(results)/ yet: run a spec first"); return }
        }
        var plans: [RunPlan] = []
        do {
            for path in paths {
                let (spec, url) = try ExperimentSpec.load(path: path, lookupRoots: ExperimentSpec.defaultLookupRoots(repositoryRoot: root))
                plans.append(try RunPlan.resolve(spec, modelShape: try LoadedModel.shape(of: spec.model, repositoryRoot: root),
                                                 baseDirectory: root, file: ExperimentSpec.displayName(for: url),
                                                 specDirectory: url.deletingLastPathComponent()))
            }
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(2)
        }
        try reportingErrors {
            let ordered = ExperimentSpec.reportOrder(plans.map(\.spec)).map { plans[$0] }
            var built = Set<String>()
            for plan in ordered {
                let runner = ExperimentRunner(plan: plan, repositoryRoot: root, options: .init(resultsRoot: resultsRoot))
                let claims = runner.specDirectory.appendingPathComponent("claims.csv")
                let before = FileManager.default.contents(atPath: claims.path)
                try buildReport(runner: runner, timings: timings)
                built.insert(plan.spec.name)
                // A spec built earlier whose `lengthCheckedBy` names this one sets these verdicts beside its own: when they
                // changed, its report is built again so that it reads the new ones.
                guard FileManager.default.contents(atPath: claims.path) != before else { continue }
                for reader in ordered where reader.spec.lengthCheckedBy == plan.spec.name && built.contains(reader.spec.name) {
                    Console.info("rebuilding \(reader.spec.name): the verdicts of \(plan.spec.name) it reads changed")
                    try buildReport(runner: ExperimentRunner(plan: reader, repositoryRoot: root, options: .init(resultsRoot: resultsRoot)),
                                    timings: timings)
                }
            }
        }
    }
}

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Section 7 analyses on PEFT LoRA adapters from anywhere.",
        discussion: "Subspace similarity between adapters (two or more), projection and amplification (Table 7), W versus ΔW directions (App. H.3) and spectra, written as the same CSVs and a report.md into --output.")

    @Option(help: "The base model: a GGUF file (or its folder), a .safetensors file, or a Hugging Face folder with model.safetensors or a sharded model.safetensors.index.json (BERT or Llama, by config.json's model_type).")
    var checkpoint: String = "models/all-MiniLM-L6-v2"
    @Argument(help: "PEFT adapter directories (adapter_config.json + adapter_model.safetensors).")
    var adapters: [String]
    @Option(help: "Output folder.")
    var output: String = "results/analyze"
    @Option(help: "Largest i of the φ grids.") var maxI: Int = 8
    @Option(help: "Largest j of the φ grids.") var maxJ: Int = 64
    @Flag(help: "Also print how long each phase of the analyses took.") var timings = false
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        guard !adapters.isEmpty else { throw ValidationError("give at least one adapter directory") }
        if output.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--output must name a folder, got an empty string") }
        do { try AdapterAnalysis.checkInputs(adapterDirectories: adapters.map { URL(fileURLWithPath: $0) }, maxI: maxI, maxJ: maxJ) } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() throws {
        try compute.apply()
        try reportingErrors {
            let url = URL(fileURLWithPath: checkpoint)
            let summary = try LoadedModel.isGGUF(url) ? analyzeOverModel() : analyzeOverSafeTensors(url)
            for line in summary.terminalLines(timings: timings) { print(line) }
        }
    }

    /// A GGUF base: the whole model is loaded (dequantised), and W read from it.
    private func analyzeOverModel() throws -> ReportSummary {
        let model = try LoadedModel.load(.checkpoint(checkpoint), repositoryRoot: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        let base = model.model
        AdapterNotes.printIgnoredTensors(adapters: adapters) { try PEFTAdapterFile.load($0, for: base) }
        return try AdapterAnalysis.analyze(adapterDirectories: adapters.map { URL(fileURLWithPath: $0) },
                                           baseWeights: { l, t in try base.weight(layer: l, site: t) }, naming: base.naming,
                                           layers: base.layerCount, options: AdapterAnalysis.options(maxI: maxI, maxJ: maxJ),
                                           outputDirectory: URL(fileURLWithPath: output))
    }

    /// A safetensors base (one file or shards): only the adapted matrices are read (`SafeTensorsBase`).
    private func analyzeOverSafeTensors(_ url: URL) throws -> ReportSummary {
        let base = try SafeTensorsBase(url: url)
        AdapterNotes.printIgnoredTensors(adapters: adapters) {
            try PEFTAdapterFile.load($0, naming: base.naming, dimensions: { try base.dimensions(layer: $0, site: $1) }, layers: base.layerCount)
        }
        return try AdapterAnalysis.analyze(adapterDirectories: adapters.map { URL(fileURLWithPath: $0) },
                                           baseWeights: { l, t in try base.weight(layer: l, site: t) },
                                           baseDimensions: { l, t in try base.dimensions(layer: l, site: t) }, naming: base.naming,
                                           layers: base.layerCount, options: AdapterAnalysis.options(maxI: maxI, maxJ: maxJ),
                                           outputDirectory: URL(fileURLWithPath: output))
    }
}
