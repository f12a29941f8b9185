import Foundation
import Support
#if canImport(Glibc)
import Glibc
#endif

/// Where one run of a grid stands, as its folder and lock show it.
public enum RunState: Equatable, Sendable {
    /// `final.json` says finished, after `steps` steps.
    case finished(steps: Int)
    /// `final.json` says diverged, at step `steps`.
    case diverged(steps: Int)
    /// A process holds the run's lock; `checkpointStep` is the step of its last checkpoint, if one was written.
    case running(checkpointStep: Int?)
    /// A checkpoint and no lock holder: the next runner resumes from `checkpointStep` (nil: the checkpoint cannot be read).
    case interrupted(checkpointStep: Int?)
    /// No `final.json`, no checkpoint, no lock holder.
    case notStarted

    /// `finished`, `diverged`, `running`, `interrupted` or `not started`.
    public var name: String {
        switch self {
        case .finished: return "finished"
        case .diverged: return "diverged"
        case .running: return "running"
        case .interrupted: return "interrupted"
        case .notStarted: return "not started"
        }
    }
}

extension ExperimentRunner {
    /// The state of `run` in the results folder, read without disturbing a runner: the lock is looked up in
    /// `/proc/locks` (Linux), never taken, so a status query cannot make a starting runner skip its run. Where
    /// `/proc/locks` cannot be read, the lock is probed with a non-blocking shared `flock` released at once (a runner
    /// starting in that instant would skip the run). Only locks of this machine are seen: a run that trains on another
    /// node of a cluster shows as `interrupted` or `notStarted` here (`experiment status` adds Slurm's task states).
    /// - Throws: `JSONFileError` or `FileSystemError` when `final.json` exists but is not a valid outcome.
    public func state(of run: RunConfig) throws -> RunState {
        if isFinished(run) {
            let outcome = try record(run).outcome
            return outcome.status == .finished ? .finished(steps: outcome.steps) : .diverged(steps: outcome.steps)
        }
        let checkpoint = RunCheckpoint.url(in: runDirectory(run.id))
        let hasCheckpoint = FileManager.default.fileExists(atPath: checkpoint.path)
        let step = hasCheckpoint ? (try? RunCheckpoint.read(checkpoint))?.state.step : nil
        let lock = runDirectory(run.id).deletingLastPathComponent().appendingPathComponent(run.id + ".lock")
        if LockProbe.isHeld(lock) { return .running(checkpointStep: step) }
        if hasCheckpoint { return .interrupted(checkpointStep: step) }
        return .notStarted
    }
}

/// Whether some process holds an exclusive `flock` on a file.
enum LockProbe {
    static func isHeld(_ url: URL) -> Bool {
        var st = stat()
        guard stat(url.path, &st) == 0 else { return false }
        if let text = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) {
            return procLocks(text, holdFlockOnDevice: UInt64(st.st_dev), inode: UInt64(st.st_ino))
        }
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) != 0 { return true }
        flock(fd, LOCK_UN)
        return false
    }

    /// True when a line of `/proc/locks` (`1: FLOCK  ADVISORY  WRITE 7265 fe:00:16220164 0 EOF`) is a granted FLOCK
    /// (not a `->` waiter) on the file with this device (major:minor in hex, Linux's encoding of `st_dev`) and inode.
    static func procLocks(_ text: String, holdFlockOnDevice dev: UInt64, inode: UInt64) -> Bool {
        let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfff)
        let minor = (dev & 0xff) | ((dev >> 12) & ~0xff)
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count >= 6, f[1] == "FLOCK" else { continue }   // a waiter's line reads "N: -> FLOCK …"
            let id = f[5].split(separator: ":")
            guard id.count == 3, UInt64(id[0], radix: 16) == major, UInt64(id[1], radix: 16) == minor,
                  UInt64(id[2]) == inode else { continue }
            return true
        }
        return false
    }
}
