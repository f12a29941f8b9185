import Foundation

/// The state Slurm reports for one job or one array task.
public struct SlurmJobState: Equatable, Sendable {
    /// The job (`13`) or the array job a task belongs to (`12`).
    public var job: String
    /// The array task index, nil for a job that is not an array task.
    public var arrayTask: Int?
    /// Slurm's state word: PENDING, RUNNING, COMPLETED, CANCELLED, FAILED, TIMEOUT, PREEMPTED, REQUEUED …
    public var state: String
    /// squeue's reason for a job that waits or ended abnormally (`Dependency`, `Resources`), nil when none.
    public var reason: String?

    public init(job: String, arrayTask: Int?, state: String, reason: String?) {
        self.job = job
        self.arrayTask = arrayTask
        self.state = state
        self.reason = reason
    }
}

/// Job states read from `sacct` when accounting works, else from `squeue` (which only knows jobs that are queued,
/// running, or ended less than the cluster's MinJobAge ago).
public struct SlurmQueueSnapshot: Equatable, Sendable {
    public enum Source: String, Sendable { case sacct, squeue }
    public var source: Source
    public var states: [SlurmJobState]
    /// Why sacct was not used: its own message ("Slurm accounting storage is disabled") or "not on PATH"; nil when used.
    public var sacctUnavailable: String?

    /// The state of task `index` of array `job`, when Slurm reported it.
    public func task(_ job: String, _ index: Int) -> SlurmJobState? {
        states.first { $0.job == job && $0.arrayTask == index }
    }

    /// The state of a job that is not an array (e.g. the report job).
    public func job(_ job: String) -> SlurmJobState? { states.first { $0.job == job && $0.arrayTask == nil } }
}

public enum SlurmQueue {
    /// The states of `jobs` (job ids; an array job id stands for all its tasks): from `sacct -X -P -n -j …` when that
    /// works, else from `squeue -r --states=all --jobs …` (jobs squeue no longer knows are left out).
    /// - Throws: `SlurmError.toolMissing("squeue")` when sacct did not answer and squeue is not on PATH;
    ///   `SlurmError.toolFailed` when squeue fails for another reason than unknown job ids.
    public static func snapshot(jobs: [String]) throws -> SlurmQueueSnapshot {
        let list = jobs.joined(separator: ",")
        var sacctProblem = "not on PATH"
        if SlurmTools.locate("sacct") != nil {
            let o = try SlurmTools.run("sacct", ["-X", "-P", "-n", "-j", list, "-o", "JobID,State"])
            if o.status == 0 { return SlurmQueueSnapshot(source: .sacct, states: parseSacct(o.stdout), sacctUnavailable: nil) }
            let message = (o.stderr + "\n" + o.stdout).trimmingCharacters(in: .whitespacesAndNewlines)
            sacctProblem = message.isEmpty ? "exit status \(o.status)" : message
        }
        let o = try SlurmTools.run("squeue", ["-h", "-r", "--states=all", "-o", "%i|%T|%r", "--jobs=\(list)"])
        if o.status != 0 && !o.stderr.contains("Invalid job id") {
            throw SlurmError.toolFailed(command: "squeue --jobs=\(list)", status: o.status, message: o.stderr)
        }
        return SlurmQueueSnapshot(source: .squeue, states: o.status == 0 ? parseSqueue(o.stdout) : [], sacctUnavailable: sacctProblem)
    }

    /// Lines `JobID|State` of sacct: `12_3|COMPLETED`, `12_[4-6%2]|PENDING` (one state per listed index),
    /// `13|CANCELLED by 0` (the state's first word is kept).
    static func parseSacct(_ text: String) -> [SlurmJobState] {
        lines(text).flatMap { fields -> [SlurmJobState] in
            guard fields.count >= 2 else { return [] }
            let state = String(fields[1].split(separator: " ").first ?? "")
            return parseJobID(fields[0]).map { SlurmJobState(job: $0.job, arrayTask: $0.task, state: state, reason: nil) }
        }
    }

    /// Lines `%i|%T|%r` of `squeue -r`: `12_3|RUNNING|None`, `13|PENDING|Dependency`.
    static func parseSqueue(_ text: String) -> [SlurmJobState] {
        lines(text).flatMap { fields -> [SlurmJobState] in
            guard fields.count >= 3 else { return [] }
            let reason = fields[2] == "None" || fields[2].isEmpty ? nil : fields[2]
            return parseJobID(fields[0]).map { SlurmJobState(job: $0.job, arrayTask: $0.task, state: fields[1], reason: reason) }
        }
    }

    private static func lines(_ text: String) -> [[String]] {
        text.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } }
    }

    /// `13` → (13, nil); `12_3` → (12, 3); `12_[0-2,5%2]` → (12, 0), (12, 1), (12, 2), (12, 5). Unreadable → none.
    static func parseJobID(_ id: String) -> [(job: String, task: Int?)] {
        guard let underscore = id.firstIndex(of: "_") else { return id.isEmpty ? [] : [(id, nil)] }
        let job = String(id[..<underscore])
        var rest = id[id.index(after: underscore)...]
        if let single = Int(rest) { return [(job, single)] }
        guard rest.hasPrefix("["), rest.hasSuffix("]") else { return [] }
        rest = rest.dropFirst().dropLast()
        if let percent = rest.firstIndex(of: "%") { rest = rest[..<percent] }
        var out: [(String, Int?)] = []
        for part in rest.split(separator: ",") {
            let bounds = part.split(separator: "-").compactMap { Int($0) }
            guard let lo = bounds.first, let hi = bounds.last, bounds.count <= 2, lo <= hi, hi - lo < 1_000_000 else { continue }
            out += (lo...hi).map { (job, $0) }
        }
        return out
    }
}
