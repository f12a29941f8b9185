import Foundation

/// Errors of `experiment submit` and `experiment status`; each names the option, tool or file concerned and the reason.
public enum SlurmError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A command-line value is not acceptable, e.g. `--time: '25:61:00' is not HH:MM:SS …`.
    case invalidOption(field: String, value: String, reason: String)
    /// A run id cannot be handed to a batch script (it holds characters outside letters, digits and `+-_.`).
    case unsafeRunID(String)
    /// A stock Slurm command is not on PATH.
    case toolMissing(tool: String)
    /// A Slurm command ran and failed: its exit status and what it printed on stderr (e.g. sbatch's
    /// "invalid partition specified").
    case toolFailed(command: String, status: Int32, message: String)
    /// A Slurm command succeeded but printed something this harness cannot read.
    case unexpectedOutput(command: String, output: String)
    /// The array was submitted but its report job was not.
    case reportNotSubmitted(arrayJob: String, reason: String)
    /// `slurm/submissions.jsonl` holds a line that is not a submission record.
    case corruptRecord(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case let .invalidOption(field, value, reason):
            return "\(field): '\(value)' \(reason)"
        case let .unsafeRunID(id):
            return "run id '\(id)' holds characters a batch script cannot pass safely (allowed: letters, digits, + - _ .)"
        case let .toolMissing(tool):
            return "\(tool) was not found on PATH: this needs Slurm's client commands (install slurm-client, or run "
                + "scripts/slurm-local.sh start and export the SLURM_CONF it prints)"
        case let .toolFailed(command, status, message):
            let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
            return "\(command) failed (exit status \(status))" + (text.isEmpty ? "" : ": \(text)")
        case let .unexpectedOutput(command, output):
            return "\(command) printed '\(output.trimmingCharacters(in: .whitespacesAndNewlines))', not a job id"
        case let .reportNotSubmitted(arrayJob, reason):
            return "array job \(arrayJob) was submitted, but its report job was not (\(reason)); "
                + "run `experiment report` when the array has finished"
        case let .corruptRecord(path, line, reason):
            return "\(path): line \(line): \(reason)"
        }
    }
}
