import ArgumentParser
import Experiments
import Foundation

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show where each run of a spec stands, and the Slurm jobs it was submitted as.",
        discussion: """
            Per run: finished, diverged, running (a process holds its lock, or its Slurm task runs), interrupted \
            (a checkpoint and no lock holder: the next run or submit resumes it) or not started. Where the spec was \
            submitted (results/<spec>/slurm/submissions.jsonl), the states of its array tasks and report jobs from \
            sacct, or from squeue when accounting is unavailable. For a spec with a rank search, its runs so far are listed \
            after the grid's, then its path: each step's decision and why, the choice or the candidate it waits for, and \
            what is still open. Reads only; exit status 0 without Slurm too.
            """)

    @Argument(help: "Experiment spec (JSON), e.g. specs/qv-rank.json, or a name under experiments/specs/, e.g. qv-rank.")
    var spec: String
    @Option(help: "Folder holding the results.")
    var results: String = "results"

    func validate() throws {
        if results.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--results must name a folder, got an empty string") }
    }

    func run() throws {
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let (plan, _) = try loadPlan(spec, root: root)
        let runner = ExperimentRunner(plan: plan, repositoryRoot: root,
                                      options: .init(resultsRoot: URL(fileURLWithPath: results, relativeTo: root).standardizedFileURL))
        try reportingErrors {
            // The grid's runs, then those of the rank search's candidates met so far (decided or waiting).
            let path = try runner.rankSearchPath()
            var runs = plan.runs
            var listed = Set(runs.map(\.id))
            for id in path?.visited.flatMap(\.runIDs) ?? [] where !listed.contains(id) {
                if let run = plan.run(id: id) { runs.append(run); listed.insert(id) }
            }
            let states = try runs.map { try runner.state(of: $0) }
            let records = try SlurmSubmissionRecord.readAll(runner.slurmRecordsURL)
            let (snapshot, note) = querySlurm(records, recordsPath: displayPath(runner.slurmRecordsURL, root: root))
            printRuns(plan: plan, runs: runs, states: states, records: records, snapshot: snapshot)
            if let search = plan.rankSearch, let path {
                print(try RankSearchTable.render(path, plan: search, validationExamples: runner.recordedValidationExamples()) { id in
                    if let known = zip(runs, states).first(where: { $0.0.id == id }) { return known.1.name }
                    guard let run = plan.run(id: id) else { return "?" }
                    return try runner.state(of: run).name
                }, terminator: "")
            }
            print(note)
            if let snapshot { for r in records { print("  " + describe(r, snapshot)) } }
        }
    }

    /// Job states of every recorded submission, and the line that says where they come from (or why there are none).
    private func querySlurm(_ records: [SlurmSubmissionRecord], recordsPath: String) -> (SlurmQueueSnapshot?, String) {
        let installed = SlurmTools.locate("squeue") != nil || SlurmTools.locate("sacct") != nil
        guard !records.isEmpty else {
            return (nil, "slurm: not submitted (no \(recordsPath))" + (installed ? "" : "; Slurm is not installed here (no squeue or sacct on PATH)"))
        }
        guard installed else {
            return (nil, "slurm: submitted \(records.count) time\(records.count == 1 ? "" : "s"), but Slurm is not installed here "
                    + "(no squeue or sacct on PATH): job states unavailable")
        }
        let jobs = records.flatMap { [$0.arrayJob] + ($0.reportJob.map { [$0] } ?? []) }
        do {
            let s = try SlurmQueue.snapshot(jobs: jobs)
            let source = s.source == .sacct ? "sacct" : "squeue (sacct unavailable: \(s.sacctUnavailable ?? "?"); squeue forgets jobs that ended long ago)"
            return (s, "slurm: \(records.count) submission\(records.count == 1 ? "" : "s"), job states from \(source):")
        } catch {
            return (nil, "slurm: job states unavailable: \(error)")
        }
    }

    private func printRuns(plan: RunPlan, runs: [RunConfig], states: [RunState], records: [SlurmSubmissionRecord],
                           snapshot: SlurmQueueSnapshot?) {
        var rows = [["run", "state", "step", "slurm task"]]
        var counts: [String: Int] = [:]
        for (run, local) in zip(runs, states) {
            let task = latestTask(of: run.id, in: records)
            let slurm = task.flatMap { snapshot?.task($0.job, $0.index) }
            var state = local.name
            if slurm?.state == "RUNNING", local == .notStarted || { if case .interrupted = local { return true }; return false }() {
                state = "running"   // on another node: its lock is not visible here
            }
            counts[state, default: 0] += 1
            let taskText = task.map { "\($0.job)_\($0.index) " + (slurm?.state ?? (snapshot == nil ? "?" : "unknown to Slurm")) } ?? "-"
            rows.append([run.id, state, step(local), taskText])
        }
        let order = ["finished", "diverged", "running", "interrupted", "not started"]
        let what = plan.rankSearch == nil ? "runs" : "runs (grid and rank search so far)"
        print("\(plan.spec.name): \(runs.count) \(what) — " + order.compactMap { k in counts[k].map { "\($0) \(k)" } }.joined(separator: ", "))
        print(renderTable(rows))
    }

    private func step(_ s: RunState) -> String {
        switch s {
        case .finished(let n), .diverged(let n): return "\(n)"
        case .running(let c), .interrupted(let c): return c.map(String.init) ?? "-"
        case .notStarted: return "-"
        }
    }

    /// The array job and index of the latest submission that holds `run`.
    private func latestTask(of run: String, in records: [SlurmSubmissionRecord]) -> (job: String, index: Int)? {
        for r in records.reversed() { if let i = r.runs.firstIndex(of: run) { return (r.arrayJob, i) } }
        return nil
    }

    /// `2026-12-06T23:40:00Z  array 12 (4 tasks): 3 COMPLETED, 1 CANCELLED; report 13: PENDING (Dependency)`.
    private func describe(_ r: SlurmSubmissionRecord, _ s: SlurmQueueSnapshot) -> String {
        var counts: [String: Int] = [:]
        for i in r.runs.indices { counts[s.task(r.arrayJob, i)?.state ?? "unknown", default: 0] += 1 }
        let tasks = counts.keys.sorted().map { "\(counts[$0]!) \($0)" }.joined(separator: ", ")
        var report = "not submitted"
        if let id = r.reportJob {
            let j = s.job(id)
            report = "\(id): " + (j.map { $0.state + ($0.reason.map { " (\($0))" } ?? "") } ?? "unknown")
        }
        return "\(r.submitted)  array \(r.arrayJob) (\(r.runs.count) task\(r.runs.count == 1 ? "" : "s")): \(tasks); report \(report)"
    }
}
