import ArgumentParser
import Experiments
import Foundation

struct Submit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Hand a spec's grid to Slurm: one array task per unfinished run, then a report job.",
        discussion: """
            Writes results/<spec>/slurm/ (array.sh, report.sh, tasks.tsv, logs/, submissions.jsonl) and submits with sbatch: \
            a job array with one task per selected run that has not finished (--array=0-(n-1)%K), each running \
            `experiment run <spec> --only <run id> --threads $SLURM_CPUS_PER_TASK`, and a report job that starts when \
            every task has ended (--dependency=afterany) and runs `experiment report <spec>`. The scripts call this same \
            binary by absolute path from the current directory (the repository root). A preempted or requeued task \
            resumes from its checkpoint; a task whose run another runner holds exits 0 without training it. Submitting \
            again hands over only the runs still unfinished. A rank search is submitted one step at a time: the runs of the \
            candidate it needs next, since which candidate follows depends on their results; submit again once they have \
            finished. Watch with `experiment status <spec>`.
            """)

    @Argument(help: "Experiment spec (JSON), e.g. specs/qv-rank.json, or a name under experiments/specs/, e.g. qv-rank.")
    var spec: String
    @Option(help: "Folder for all outputs.")
    var results: String = "results"
    @Option(help: "Slurm partition (or comma-separated list); default: the cluster's default partition.")
    var partition: String?
    @Option(help: "Time limit of each job, HH:MM:SS or D-HH:MM:SS; default: the partition's.")
    var time: String?
    @Option(help: "CPUs of each job; also the --threads each run trains with.")
    var cpusPerTask: Int = 1
    @Option(help: "Memory of each job, e.g. 4G or 4000M; default: the cluster's.")
    var mem: String?
    @Option(help: "At most this many array tasks at once (the %K of --array); default: all.")
    var maxParallel: Int?
    @Option(help: "Only runs whose id matches this shell pattern, e.g. 'qv-r64-*'.")
    var only: String?
    @Flag(help: "Print the batch scripts, task table and sbatch command lines; write and submit nothing.")
    var dryRun = false

    var jobOptions: SlurmJobOptions {
        SlurmJobOptions(partition: partition, time: time, cpusPerTask: cpusPerTask, mem: mem, maxParallel: maxParallel)
    }

    func validate() throws {
        if results.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--results must name a folder, got an empty string") }
        do { try jobOptions.validate() } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let (plan, specURL) = try loadPlan(spec, root: root)
        var options = ExperimentRunner.Options(resultsRoot: URL(fileURLWithPath: results, relativeTo: root).standardizedFileURL)
        options.only = only
        let runner = ExperimentRunner(plan: plan, repositoryRoot: root, options: options)
        if runner.selectableRuns.isEmpty {
            Console.error("error: --only '\(only ?? "")' matches none of the \(plan.allRuns.count) runs (\(plan.allRuns.map(\.id).joined(separator: ", ")))")
            throw ExitCode(2)
        }
        var search: RankSearchPath?
        try reportingErrors { search = try runner.rankSearchPath() }
        let submission: SlurmSubmission
        do { submission = try SlurmSubmission(runner: runner, specFile: specURL, binary: currentExecutable(), options: jobOptions) } catch {
            Console.error("error: \(error)")
            throw ExitCode(2)
        }
        if submission.runIDs.isEmpty {
            if let next = search?.next {
                print("\(plan.spec.name): nothing to submit: the rank search waits for \(next.label), whose runs --only does not select")
            } else {
                print("\(plan.spec.name): every selected run has finished; nothing submitted (`experiment report \(spec)` rebuilds the report)")
            }
            return
        }
        try reportingErrors {
            if dryRun { printDryRun(submission, root: root) } else { try submitToSlurm(submission, root: root) }
        }
        if let next = search?.next {
            print("rank search: this submission trains its next step, \(next.label); the steps after it depend on its result: "
                  + "run `experiment submit \(spec)` again once it has finished (`experiment status \(spec)` shows the path)")
        }
    }

    /// Checks the jobs with `sbatch --test-only` (script on standard input) before writing anything, then writes the
    /// folder, submits the array and the report job, and appends the submission to `submissions.jsonl`.
    private func submitToSlurm(_ s: SlurmSubmission, root: URL) throws {
        _ = try SlurmTools.check("sbatch", ["--test-only"] + s.arrayArguments(script: nil), input: s.arrayScript)
        try s.write()
        let arrayJob = try SlurmTools.submit(s.arrayArguments(script: s.arrayScriptURL))
        var reportJob: String?
        var reportFailure: Error?
        do { reportJob = try SlurmTools.submit(s.reportArguments(arrayJob: arrayJob, script: s.reportScriptURL)) } catch { reportFailure = error }
        try SlurmSubmissionRecord(submitted: Date(), arrayJob: arrayJob, reportJob: reportJob, runs: s.runIDs, options: s.options)
            .append(to: s.recordsURL)
        if let reportFailure { throw SlurmError.reportNotSubmitted(arrayJob: arrayJob, reason: "\(reportFailure)") }
        let folder = displayPath(s.folder, root: root)
        print("\(s.specName): submitted \(s.runIDs.count) run\(s.runIDs.count == 1 ? "" : "s") to Slurm")
        print("array job: \(arrayJob) (--array=\(s.arraySpec), \(s.options.cpusPerTask) CPU\(s.options.cpusPerTask == 1 ? "" : "s") per task)")
        print("report job: \(reportJob ?? "-") (starts when every array task has ended)")
        print("scripts: \(folder)/array.sh, \(folder)/report.sh; task table: \(folder)/tasks.tsv; logs: \(folder)/logs/")
        print("watch: experiment status \(spec)" + (results == "results" ? "" : " --results \(results)"))
    }

    private func printDryRun(_ s: SlurmSubmission, root: URL) {
        for (url, text) in [(s.arrayScriptURL, s.arrayScript), (s.reportScriptURL, s.reportScript), (s.tableURL, s.table)] {
            print("==> \(displayPath(url, root: root)) <==")
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            print("")
        }
        print("==> sbatch command lines (dry run: nothing written, nothing submitted) <==")
        print((["sbatch"] + s.arrayArguments(script: s.arrayScriptURL)).map(shellWord).joined(separator: " "))
        print((["sbatch"] + s.reportArguments(arrayJob: "<array job id>", script: s.reportScriptURL)).map(shellWord).joined(separator: " "))
    }
}

/// `word` as the shell reads it: unchanged when it holds only safe characters, else in single quotes.
func shellWord(_ word: String) -> String {
    let safe = !word.isEmpty && word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./=:%,+@".contains($0)) }
    return safe ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// The absolute path of the running `experiment` binary: `/proc/self/exe` where it exists, else `argv[0]` made
/// absolute against the current directory or found on PATH.
func currentExecutable() -> URL {
    if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        return URL(fileURLWithPath: target)
    }
    let arg0 = CommandLine.arguments[0]
    if arg0.contains("/") { return URL(fileURLWithPath: arg0).standardizedFileURL }
    return SlurmTools.locate(arg0) ?? URL(fileURLWithPath: arg0).standardizedFileURL
}
