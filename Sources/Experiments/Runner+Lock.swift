import Foundation
import Support
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive advisory lock (flock) on `<run>.lock` that keeps two runners off the same run. The kernel releases it
/// when the process ends, even by `kill -9`, so a lock file left behind never blocks a rerun.
final class RunLock {
    private let fd: Int32
    let url: URL

    /// Takes the lock, or returns nil when another process holds it; with `wait`, waits until the holder releases it
    /// instead (never nil then).
    init?(url: URL, wait: Bool = false) throws {
        try Folder.create(url.deletingLastPathComponent())
        let fd = open(url.path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RunnerError.io(path: url.path, reason: String(cString: strerror(errno))) }
        var status = flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB)
        while status != 0 && wait && errno == EINTR { status = flock(fd, LOCK_EX) }
        if status != 0 {
            close(fd)
            return nil
        }
        self.fd = fd
        self.url = url
    }

    deinit {
        // The lock file stays (git-ignored): unlinking it could let a third process lock a fresh file while a second
        // still waits on the old inode.
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// Errors of the runner; each names the file or run concerned.
public enum RunnerError: Error, Equatable, CustomStringConvertible {
    case io(path: String, reason: String)
    case corruptRun(path: String, reason: String)
    case unsupported(field: String, reason: String)
    case interrupted(run: String, step: Int)

    public var description: String {
        switch self {
        case let .io(path, reason): return "\(path): \(reason)"
        case let .corruptRun(path, reason): return "\(path): \(reason)"
        case let .unsupported(field, reason): return "\(field): \(reason)"
        case let .interrupted(run, step): return "run \(run) interrupted after step \(step); rerun to resume from its last checkpoint"
        }
    }
}
