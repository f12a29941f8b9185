import ExperimentReports
import Foundation
import LinearAlgebra
import LoRA
import Support
import Tasks

/// Runs the grid of a resolved spec: every run is trained once and cached in `results/<spec>/runs/<run-id>/`; a finished
/// run (its `final.json` exists) is reused unless `force`; an interrupted run resumes from its last checkpoint.
public struct ExperimentRunner {
    public struct Options: Sendable {
        public var resultsRoot: URL
        public var force = false
        /// Only runs whose id matches this shell pattern (fnmatch), e.g. `qv-r64-*`.
        public var only: String?
        /// Default checkpoint cadence when the spec sets none.
        public var defaultCheckpointEvery = 50
        /// Polled after every training step; true stops the grid (the current run stays resumable).
        public var shouldStop: @Sendable () -> Bool = { false }
        public init(resultsRoot: URL) { self.resultsRoot = resultsRoot }
    }

    public let plan: RunPlan
    public let repositoryRoot: URL
    public let options: Options

    public init(plan: RunPlan, repositoryRoot: URL, options: Options) {
        self.plan = plan
        self.repositoryRoot = repositoryRoot
        self.options = options
    }

    /// `results/<spec>/`.
    public var specDirectory: URL { options.resultsRoot.appendingPathComponent(plan.spec.name) }

    /// Folder of one run.
    public func runDirectory(_ id: String) -> URL { specDirectory.appendingPathComponent("runs").appendingPathComponent(id) }

    /// The grid's runs selected by `--only`.
    public var selectedRuns: [RunConfig] { plan.runs.filter(isSelected) }

    /// Every run of the spec, grid and rank search, that `--only` selects (all without it).
    public var selectableRuns: [RunConfig] { plan.allRuns.filter(isSelected) }

    /// Whether `--only` selects the run (true without it).
    public func isSelected(_ run: RunConfig) -> Bool { options.only.map { fnmatch($0, run.id, 0) == 0 } ?? true }

    /// True when the run has finished before (and is not forced).
    public func isCached(_ run: RunConfig) -> Bool { !options.force && isFinished(run) }

    /// The record of a finished run, read from its folder (a head-only run's α and scaling are 0: it has no adapters).
    /// - Throws: `JSONFileError` naming `final.json`, the field and the reason when the file is not a valid outcome.
    public func record(_ run: RunConfig) throws -> RunRecord {
        let dir = runDirectory(run.id)
        let outcome = try JSONFile.read(RunOutcome.self, from: dir.appendingPathComponent("final.json"))
        return RunRecord(id: run.id, targets: run.targets, layers: run.layers, rank: run.lora.rank, alpha: run.lora.alpha,
                         rsLoRA: run.lora.rsLoRA, scaling: run.isHeadOnly ? 0 : run.lora.scaling, dataSeed: run.dataSeed, initSeed: run.initSeed,
                         trainableParameters: run.trainableParameters, outcome: outcome, directory: dir)
    }

    /// Trains every selected run that is not cached, then walks the spec's rank search (if any) a step at a time,
    /// training each candidate it names next (`trainRankSearch`); returns the records of all selected grid runs in plan
    /// order, then those of the search's candidates on its path.
    ///
    /// Every input is validated before anything is written: the cached runs' `final.json` files are read, and when some
    /// run needs training the model checkpoint and the task data are loaded. Only then are the spec folder,
    /// `resolved-spec.json` and `task.json` written (and leftover temporary files of killed writers removed from the
    /// spec folder). A run another process finished while this one waited for its lock is reused, not retrained.
    public func run(progress: @escaping (RunnerEvent) -> Void) throws -> [RunRecord] {
        let runs = selectedRuns
        let pending = runs.filter { !isCached($0) }
        _ = try runs.filter(isCached).map(record)
        let searchPending = try rankSearchRunsToTrain(trained: [])
        var loaded = pending.isEmpty && searchPending.isEmpty && !plantedInputsMissing && !inputCovariancesMissing
            ? nil : try loadInputs()
        try Folder.create(specDirectory)
        AtomicFile.removeStaleTemporaryFiles(under: specDirectory)
        try AtomicFile.write(plan.resolved.jsonData(), to: specDirectory.appendingPathComponent("resolved-spec.json"))
        if let loaded { try prepare(loaded, progress: progress, trains: !(pending.isEmpty && searchPending.isEmpty)) }
        // Loaded at most once; lazily only when a rank-search step needs training that no run needed at the start (when
        // another process finished runs meanwhile).
        func inputs() throws -> (LoadedModel, LoadedTask, TaskSummary) {
            if let loaded { return loaded }
            let l = try loadInputs()
            try prepare(l, progress: progress)
            loaded = l
            return l
        }
        var session = TrainingSession(machine: MachineFacts.current(repositoryRoot: repositoryRoot), progress: progress)
        var records: [RunRecord] = []
        for (index, run) in runs.enumerated() {
            if let r = try obtain(run, position: index + 1, total: runs.count, inputs: inputs, session: &session) { records.append(r) }
        }
        if plan.rankSearch != nil {
            records += try trainRankSearch(after: records, session: &session, inputs: inputs)
        }
        return records
    }

    /// What one `run` call shares between its runs: the machine facts and event sink, and the ids of the runs it
    /// trained (with `force`, only those count as finished for the rank search).
    struct TrainingSession {
        let machine: MachineFacts
        let progress: (RunnerEvent) -> Void
        var trained: Set<String> = []
    }

    /// Writes `task.json` (and the planted adapter and its input covariances of a planted-rank task, the input covariances
    /// a `dataMetric` spec needs, the base model's validation loss of a generation task) from freshly loaded inputs. When
    /// nothing is to be trained (`trains` false: the task was loaded only to add missing covariances), an existing planted
    /// adapter is kept: it is the teacher the cached runs were trained against, and a rebuild can differ from it in the
    /// last bits.
    private func prepare(_ loaded: (LoadedModel, LoadedTask, TaskSummary), progress: (RunnerEvent) -> Void, trains: Bool = true) throws {
        let (model, task, summary) = loaded
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(summary) + Data("\n".utf8), to: specDirectory.appendingPathComponent("task.json"))
        if case .planted(let data) = task {
            let folder = specDirectory.appendingPathComponent("planted-adapter")
            let existing = FileManager.default.fileExists(atPath: folder.appendingPathComponent(PEFTAdapterFile.weightsName).path)
            try PEFTAdapterFileWriter.writePlant(data, to: folder, model: model, adapter: trains || !existing)
        }
        try writeInputCovariances(model: model, task: task)
        if case .generation(let data) = task { try writeBaseValidation(model: model, task: data) }
        progress(.taskReady(summary))
    }

    /// The record of `run`: reused when cached (or finished by another runner while this one waited for its lock), else
    /// trained under its lock with the inputs `inputs` gives; nil when another process holds the lock.
    func obtain(_ run: RunConfig, position: Int, total: Int, inputs: () throws -> (LoadedModel, LoadedTask, TaskSummary),
                session: inout TrainingSession) throws -> RunRecord? {
        let progress = session.progress
        if isCached(run) {
            let r = try record(run)
            progress(.runCached(index: position, total: total, record: r))
            return r
        }
        guard let lock = try RunLock(url: runDirectory(run.id).deletingLastPathComponent().appendingPathComponent(run.id + ".lock")) else {
            progress(.runLocked(index: position, total: total, id: run.id))
            return nil
        }
        if !options.force, isFinished(run) {   // another runner finished it while we waited
            let r = try record(run)
            progress(.runCached(index: position, total: total, record: r))
            return r
        }
        let r = try train(run, position: position, total: total, inputs: try inputs(), machine: session.machine, progress: progress)
        session.trained.insert(run.id)
        progress(.runFinished(index: position, total: total, record: r))
        withExtendedLifetime(lock) {}
        return r
    }

    /// True when the run's folder holds a `final.json` (whatever `force` says).
    public func isFinished(_ run: RunConfig) -> Bool {
        FileManager.default.fileExists(atPath: runDirectory(run.id).appendingPathComponent("final.json").path)
    }

    /// The model and task data every pending run needs, loaded (and so validated) before anything is written.
    func loadInputs() throws -> (LoadedModel, LoadedTask, TaskSummary) {
        var model = try LoadedModel.load(plan.spec.model, repositoryRoot: repositoryRoot)
        try model.resolveHubID()
        let (task, summary) = try LoadedTask.load(plan.spec.task, model: model, repositoryRoot: repositoryRoot, dataDirectory: plan.dataDirectory)
        return (model, task, summary)
    }

    /// Trains one run (holding its lock) into a fresh or resumed folder and returns its record.
    private func train(_ run: RunConfig, position: Int, total: Int, inputs: (LoadedModel, LoadedTask, TaskSummary),
                       machine: MachineFacts, progress: @escaping (RunnerEvent) -> Void) throws -> RunRecord {
        let dir = runDirectory(run.id)
        if options.force { try? FileManager.default.removeItem(at: dir) }
        // Metrics of an earlier adapter on another split (`experiment evaluate`) do not describe the one trained now.
        for split in Split.allCases { try? FileManager.default.removeItem(at: SplitMetricsFile.url(run: dir, split: split.rawValue)) }
        try Folder.create(dir)
        try AtomicFile.write(run.jsonData(), to: dir.appendingPathComponent("config.json"))
        try AtomicFile.write(plan.resolved.jsonData(), to: dir.appendingPathComponent("resolved-spec.json"))
        let checkpoint = RunCheckpoint.url(in: dir)
        let resumeStep = FileManager.default.fileExists(atPath: checkpoint.path) ? (try? RunCheckpoint.read(checkpoint).state.step) : nil
        progress(.runStarting(index: position, total: total, id: run.id, resumeStep: resumeStep ?? nil))
        let executor = RunExecutor(config: run, directory: dir, model: inputs.0, task: inputs.1,
                                   checkpointEvery: plan.spec.checkpointEvery ?? options.defaultCheckpointEvery,
                                   machine: machine, progress: progress, shouldStop: options.shouldStop)
        _ = try executor.execute()
        return try record(run)
    }
}

extension ExperimentRunner {
    /// A short calibration for `--dry-run`: times a few training steps of `run` on the task's real batches and returns
    /// seconds per step (the first step, which plans buffers, is not timed). Loads the model and task data.
    public func calibrateSecondsPerStep(_ run: RunConfig, steps: Int = 3) throws -> (secondsPerStep: Double, trainExamples: Int) {
        let model = try LoadedModel.load(plan.spec.model, repositoryRoot: repositoryRoot)
        let (task, _) = try LoadedTask.load(plan.spec.task, model: model, repositoryRoot: repositoryRoot, dataDirectory: plan.dataDirectory)
        let seconds = try RunExecutor(config: run, directory: specDirectory, model: model, task: task, checkpointEvery: nil,
                                      machine: MachineFacts.current(repositoryRoot: repositoryRoot), progress: { _ in })
            .timeSteps(steps)
        return (seconds, task.trainCount)
    }
}
