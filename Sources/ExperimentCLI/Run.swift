import ArgumentParser
import Experiments
import Foundation
import LinearAlgebra

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train every run of a spec's grid (cached and resumable), then write its analyses and report.",
        discussion: "A spec path is looked up as given, then under experiments/; a bare name such as qv-rank means experiments/specs/qv-rank.json. Finished runs are reused; an interrupted run resumes from its last checkpoint. Everything is written under --results.")

    @Argument(help: "Experiment spec (JSON), e.g. specs/qv-rank.json, or a name under experiments/specs/, e.g. qv-rank.")
    var spec: String
    @Flag(help: "Print the planned runs (targets, rank, α, seeds, trainable parameters, cached or not, estimated time) and exit.")
    var dryRun = false
    @Flag(help: "Retrain runs even when cached results exist.")
    var force = false
    @Option(help: "Only runs whose id matches this shell pattern, e.g. 'qv-r64-*'.")
    var only: String?
    @Option(help: "Folder for all outputs.")
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
        let plan: RunPlan
        do {
            let (spec, url) = try ExperimentSpec.load(path: self.spec, lookupRoots: ExperimentSpec.defaultLookupRoots(repositoryRoot: root))
            let shape = try LoadedModel.shape(of: spec.model, repositoryRoot: root)
            plan = try RunPlan.resolve(spec, modelShape: shape, baseDirectory: root, file: ExperimentSpec.displayName(for: url),
                                       specDirectory: url.deletingLastPathComponent())
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(2)
        }
        var options = ExperimentRunner.Options(resultsRoot: URL(fileURLWithPath: results, relativeTo: root).standardizedFileURL)
        options.force = force
        options.only = only
        options.shouldStop = { StopSignals.requested }
        let runner = ExperimentRunner(plan: plan, repositoryRoot: root, options: options)
        if runner.selectableRuns.isEmpty {
            Console.error("error: --only '\(only ?? "")' matches none of the \(plan.allRuns.count) runs (\(plan.allRuns.map(\.id).joined(separator: ", ")))")
            throw ExitCode(2)
        }
        try reportingErrors {
            if dryRun { try printPlan(runner) } else { try train(runner) }
        }
    }

    /// The plan as a table: for each selected run its settings, its steps (a cached run's from its final.json, else
    /// from the spec and the calibration's training-set size) and the estimated time of uncached runs, with the thread
    /// count training uses (`Parallel.width`, as set by --threads). The head-only baseline shows as targets `head-only`,
    /// no layers, r = 0, no α and "head only" trainable; the calibration times a LoRA run when there is one to train. With a rank search, its path as the finished runs
    /// decide it (`RankSearchTable`), the runs of the candidate it trains next (estimated like the grid's) and what is
    /// still open.
    private func printPlan(_ runner: ExperimentRunner) throws {
        let runs = runner.selectedRuns
        let searchRuns = try runner.rankSearchRunsToSubmit()
        var estimate: (Double, Int)?
        let uncached = (runs + searchRuns).filter { !runner.isCached($0) }
        if let first = uncached.first(where: { !$0.isHeadOnly }) ?? uncached.first {
            Console.info("calibrating: timing a few steps of \(first.id)…")
            estimate = try runner.calibrateSecondsPerStep(first)
        }
        print("\(runner.plan.spec.name): \(runner.plan.spec.title)")
        var totalSeconds = 0.0
        if !runs.isEmpty { print(try planTable(runs, runner: runner, estimate: estimate, totalSeconds: &totalSeconds)) }
        if let plan = runner.plan.rankSearch, let path = try runner.rankSearchPath() {
            if !runs.isEmpty { print("") }
            print(try RankSearchTable.render(path, plan: plan, validationExamples: runner.recordedValidationExamples()) { id in
                guard let run = runner.plan.run(id: id) else { return "?" }
                return try runner.state(of: run).name
            }, terminator: "")
            if !searchRuns.isEmpty {
                print("runs of the next step (the steps after it depend on its result):")
                print(try planTable(searchRuns, runner: runner, estimate: estimate, totalSeconds: &totalSeconds))
            }
        }
        let threads = "\(Parallel.width) thread\(Parallel.width == 1 ? "" : "s")"
        if estimate != nil {
            let scope = runner.plan.rankSearch == nil ? "uncached runs" : "uncached runs and the rank search's next step"
            print("estimated training time for \(scope): \(formatDuration(totalSeconds)) (\(threads); from a short calibration, evaluation not included)")
        }
        else { print("every selected run is cached; training would use \(threads)") }
    }

    /// One row per run: settings, steps, cached or not, estimated time (added to `totalSeconds` for uncached runs).
    private func planTable(_ runs: [RunConfig], runner: ExperimentRunner, estimate: (Double, Int)?, totalSeconds: inout Double) throws -> String {
        var rows = [["run", "targets", "layers", "r", "α", "data seed", "init seed", "trainable", "steps", "cached", "estimate"]]
        for r in runs {
            let cached = runner.isCached(r)
            var steps: Int?
            if case .steps(let n) = r.training.length { steps = n }
            if let (_, n) = estimate { steps = r.training.totalSteps(trainExamples: n) }
            if cached { steps = try runner.record(r).outcome.steps }
            var est = "-"
            if let (sps, _) = estimate, let s = steps, !cached {
                let seconds = sps * Double(s) * Double(r.lora.rank > 32 ? 1.1 : 1.0)
                totalSeconds += seconds
                est = formatDuration(seconds)
            }
            let head = r.isHeadOnly
            let layers = head ? "-" : r.layers.count == runner.plan.modelShape.layers ? "all" : r.layers.map(String.init).joined(separator: ",")
            rows.append([r.id, head ? RunRecord.headOnlyLabel : r.targets.map(\.rawValue).joined(separator: "+"), layers,
                         "\(r.lora.rank)", head ? "-" : NumberFormatter.compact(r.lora.alpha), "\(r.dataSeed)", "\(r.initSeed)",
                         head ? "head only" : "\(r.trainableParameters)", steps.map(String.init) ?? "?", cached ? "yes" : "no", est])
        }
        return renderTable(rows)
    }

    private func train(_ runner: ExperimentRunner) throws {
        let renderer = ProgressRenderer()
        StopSignals.install()
        let records: [RunRecord]
        do {
            records = try runner.run { renderer.handle($0) }
        } catch let RunnerError.interrupted(run, step) {
            Console.endStatus()
            Console.info("\(StopSignals.name): stopped \(run) after step \(step) and saved a checkpoint; run the same command again to resume")
            throw StopSignals.exitCode
        }
        StopSignals.uninstall()
        Console.endStatus()
        var rows = [["run", "status", "steps", "metric", "value", "majority", "train time"]]
        for r in records {
            let o = r.outcome
            rows.append([r.id, o.status.rawValue, "\(o.steps)", o.primaryMetric, o.primaryValue.map { String(format: "%.4f", $0) } ?? "-",
                         o.majorityBaseline.map { String(format: "%.4f", $0) } ?? "-", formatDuration(o.trainSeconds)])
        }
        print(renderTable(rows))
        let diverged = records.filter { $0.outcome.status == .diverged }
        if !diverged.isEmpty { Console.info("warning: \(diverged.count) run(s) diverged: \(diverged.map(\.id).joined(separator: ", "))") }
        if StopSignals.requested {
            Console.info("\(StopSignals.name): the selected runs have finished; the report was not rebuilt (run `experiment report`)")
            throw StopSignals.exitCode
        }
        try buildReport(runner: runner, timings: timings)
    }
}

/// "42s", "3m07s", "2h05m" (integers never wrap: durations beyond 10⁹ s print as "> 30 years"); "?" when not finite.
func formatDuration(_ s: Double) -> String {
    guard s.isFinite else { return "?" }
    if s >= 1e9 { return "> 30 years" }
    let t = Int(s.rounded(.down))
    if s < 60 { return String(format: "%.0fs", s) }
    if s < 3600 { return "\(t / 60)m" + String(format: "%02lds", t % 60) }
    return "\(t / 3600)h" + String(format: "%02ldm", (t % 3600) / 60)
}

func renderTable(_ rows: [[String]]) -> String {
    guard let header = rows.first else { return "" }
    let widths = header.indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
    func line(_ r: [String]) -> String { r.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ") }
    return ([line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.dropFirst().map(line)).joined(separator: "\n")
}

enum NumberFormatter {
    static func compact(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e9 ? String(Int(x)) : String(x) }
}
