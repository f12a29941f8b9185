import Foundation

/// The text of the two batch scripts of a submission. Both `cd` to the repository root and call the same `experiment`
/// binary by absolute path, with the spec file and results folder as absolute paths, so they run the same way from any
/// node that sees these paths. Their log files are given on the sbatch command line (`SlurmSubmission`), not in
/// `#SBATCH` lines, which cannot carry a path with spaces.
struct SlurmScripts {
    var specName: String
    /// Run ids in array-index order.
    var runIDs: [String]
    var repositoryRoot: URL
    var binary: URL
    var specFile: URL
    var resultsRoot: URL
    var options: SlurmJobOptions

    /// Array task `i` trains run `RUNS[i]` with `experiment run <spec> --only <id> --threads $SLURM_CPUS_PER_TASK`.
    /// The run ids live inside the script (sbatch keeps a copy of the script at submission, so a later submission that
    /// rewrites `tasks.tsv` cannot change what a queued task trains). `--requeue` lets Slurm requeue a preempted task,
    /// which resumes from its checkpoint; `--open-mode=append` keeps the log of every attempt.
    var array: String {
        let runs = runIDs.map { "  " + Shell.quote($0) }.joined(separator: "\n")
        return header(jobName: "lora-\(specName)", extra: ["--requeue", "--open-mode=append"]) + """
            # Array task i trains RUNS[i] (the same table is in tasks.tsv). A run another runner holds is skipped (exit 0);
            # a finished run is reused; an interrupted run resumes from its checkpoint.
            RUNS=(
            \(runs)
            )
            task="${SLURM_ARRAY_TASK_ID:?this script runs as a Slurm array task}"
            run_id="${RUNS[$task]:?array task $task has no run in this submission}"
            echo "array task $task: run $run_id on $(hostname), job ${SLURM_JOB_ID:-?}, restart ${SLURM_RESTART_COUNT:-0}"
            exec \(Shell.quote(binary.path)) run \(Shell.quote(specFile.path)) --results \(Shell.quote(resultsRoot.path)) \\
              --only "$run_id" --threads "${SLURM_CPUS_PER_TASK:-1}"

            """
    }

    /// The report job: `experiment report <spec>` over every finished run of the results folder.
    var report: String {
        header(jobName: "lora-\(specName)-report", extra: []) + """
            exec \(Shell.quote(binary.path)) report \(Shell.quote(specFile.path)) --results \(Shell.quote(resultsRoot.path)) \\
              --threads "${SLURM_CPUS_PER_TASK:-1}"

            """
    }

    /// The task-index → run-id table, `index<TAB>run id` per line after a header line.
    var table: String {
        "index\trun\n" + runIDs.enumerated().map { "\($0.offset)\t\($0.element)\n" }.joined()
    }

    private func header(jobName: String, extra: [String]) -> String {
        let directives = (["--job-name=\(jobName)"] + options.directives + extra)
            .map { "#SBATCH \($0)\n" }.joined()
        return """
            #!/bin/bash
            # Written by `experiment submit` for spec \(specName); submitted with sbatch (see submissions.jsonl).
            \(directives)set -euo pipefail
            cd \(Shell.quote(repositoryRoot.path))
            export OPENBLAS_NUM_THREADS="${SLURM_CPUS_PER_TASK:-1}"

            """
    }
}

/// POSIX shell quoting.
enum Shell {
    /// `s` in single quotes (a `'` inside becomes `'\''`), so the shell reads it as one literal word.
    static func quote(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
