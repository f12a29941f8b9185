import Foundation
import Support

/// One submission of a spec's grid to Slurm: the runs it trains (one array task each), its batch scripts and the sbatch
/// command lines. Preparing one checks everything and writes nothing; `write()` creates `results/<spec>/slurm/`.
///
/// Layout of `results/<spec>/slurm/` (rewritten by every submission, except the history and the logs):
/// - `array.sh`  — the array script: task i runs `experiment run <spec> --only <run i> --threads $SLURM_CPUS_PER_TASK`
/// - `report.sh` — the report job: `experiment report <spec>`, submitted with `--dependency=afterany:<array job>`
/// - `tasks.tsv` — the task-index → run-id table of the latest submission
/// - `submissions.jsonl` — one `SlurmSubmissionRecord` per submission (job ids, run ids), appended
/// - `logs/` — `array-<job>_<index>.out` (every attempt of a task, appended) and `report-<job>.out`
public struct SlurmSubmission: Sendable {
    public let specName: String
    /// The runs of the array, by task index: the selected grid runs that have no `final.json`, in plan order, then the
    /// unfinished runs of the rank search's next candidate. Later rank-search steps depend on that candidate's results,
    /// so they are not submitted now: submitting again once its runs have finished hands over the next step.
    public let runIDs: [String]
    public let options: SlurmJobOptions
    /// `results/<spec>/slurm`.
    public let folder: URL
    public let arrayScript: String
    public let reportScript: String
    public let table: String

    /// Plans the submission of `runner`'s selected, unfinished runs; the scripts name `specFile` and `binary` (file URLs,
    /// absolute as `URL(fileURLWithPath:)` makes them) by their standardized paths. Writes nothing.
    /// - Throws: `SlurmError.invalidOption` for a bad option, `SlurmError.unsafeRunID` for a run id outside
    ///   letters, digits and `+ - _ .`, `JSONFileError` when a rank-search candidate's `final.json` is not a valid outcome.
    public init(runner: ExperimentRunner, specFile: URL, binary: URL, options: SlurmJobOptions) throws {
        try options.validate()
        var ids = runner.selectedRuns.filter { !runner.isFinished($0) }.map(\.id)
        for run in try runner.rankSearchRunsToSubmit() where !ids.contains(run.id) { ids.append(run.id) }
        for id in ids where !id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-_.".contains($0)) }) {
            throw SlurmError.unsafeRunID(id)
        }
        specName = runner.plan.spec.name
        runIDs = ids
        self.options = options
        folder = runner.slurmDirectory
        let root = runner.repositoryRoot.standardizedFileURL
        let scripts = SlurmScripts(specName: specName, runIDs: ids, repositoryRoot: root,
                                   binary: binary.standardizedFileURL, specFile: specFile.standardizedFileURL,
                                   resultsRoot: runner.options.resultsRoot.standardizedFileURL, options: options)
        arrayScript = scripts.array
        reportScript = scripts.report
        table = scripts.table
    }

    public var arrayScriptURL: URL { folder.appendingPathComponent("array.sh") }
    public var reportScriptURL: URL { folder.appendingPathComponent("report.sh") }
    public var tableURL: URL { folder.appendingPathComponent("tasks.tsv") }
    public var logsFolder: URL { folder.appendingPathComponent("logs") }
    public var recordsURL: URL { folder.appendingPathComponent("submissions.jsonl") }

    /// `0-(n-1)%K`, K = `--max-parallel` capped at n (n when not given).
    public var arraySpec: String {
        "0-\(runIDs.count - 1)%\(min(options.maxParallel ?? runIDs.count, runIDs.count))"
    }

    /// The arguments of `sbatch` for the array (after `sbatch`): `--parsable --array=… --output=… <array.sh>`.
    /// `script: nil` leaves the script out, for `sbatch --test-only` reading it from standard input.
    public func arrayArguments(script: URL?) -> [String] {
        ["--parsable", "--array=\(arraySpec)", "--output=\(logsFolder.appendingPathComponent("array-%A_%a.out").path)"]
            + (script.map { [$0.path] } ?? [])
    }

    /// The arguments of `sbatch` for the report job, which starts when every task of `arrayJob` has ended, however it
    /// ended (`afterany`).
    public func reportArguments(arrayJob: String, script: URL?) -> [String] {
        ["--parsable", "--dependency=afterany:\(arrayJob)", "--output=\(logsFolder.appendingPathComponent("report-%j.out").path)"]
            + (script.map { [$0.path] } ?? [])
    }

    /// Writes `array.sh` and `report.sh` (mode 0755), `tasks.tsv` and creates `logs/`.
    /// - Throws: `FileSystemError` naming the folder or file that could not be written.
    public func write() throws {
        try Folder.create(logsFolder)
        try AtomicFile.write(arrayScript, to: arrayScriptURL)
        try AtomicFile.write(reportScript, to: reportScriptURL)
        try AtomicFile.write(table, to: tableURL)
        for url in [arrayScriptURL, reportScriptURL] where chmod(url.path, 0o755) != 0 {
            throw FileSystemError(path: url.path, operation: .write, code: errno)
        }
    }
}

extension ExperimentRunner {
    /// `results/<spec>/slurm`: the scripts, task table, submission history and logs of `experiment submit`.
    public var slurmDirectory: URL { specDirectory.appendingPathComponent("slurm") }
    /// `results/<spec>/slurm/submissions.jsonl`.
    public var slurmRecordsURL: URL { slurmDirectory.appendingPathComponent("submissions.jsonl") }
}
