import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Crash-safe file output: every file the project writes goes to a temporary file of its own in the same folder,
/// `.<name>.<pid>@<host>.tmp`, which is renamed over the destination, so a reader (or a resumed run) never sees a
/// half-written file. Only POSIX calls are used (no Foundation temporary files such as `.dat.nosync…`), so a process
/// killed while writing leaves at most one temporary file behind, which `removeStaleTemporaryFiles(under:)` deletes
/// later. The host name keeps runners on different nodes of a cluster, sharing one results folder, from taking each
/// other's live files for leftovers.
public enum AtomicFile {
    /// Writes `data` to `url` atomically, creating parent folders as needed (`Folder.create`).
    /// - Throws: `FileSystemError` naming the folder or file and the system's reason ("No space left on device",
    ///   "Permission denied", "is a file, not a folder", …). On failure the temporary file is removed and `url` is unchanged.
    public static func write(_ data: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        try Folder.create(dir)
        let tmp = temporaryURL(for: url)
        let fd = open(tmp.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystemError(path: url.path, operation: .write, code: errno) }
        do {
            try writeAll(data, to: fd, path: url.path)
        } catch {
            close(fd)
            unlink(tmp.path)
            throw error
        }
        if close(fd) != 0 {
            let code = errno
            unlink(tmp.path)
            throw FileSystemError(path: url.path, operation: .write, code: code)
        }
        if rename(tmp.path, url.path) != 0 {
            let code = errno
            unlink(tmp.path)
            throw FileSystemError(path: url.path, operation: .rename, code: code)
        }
    }

    /// Writes UTF-8 text atomically.
    public static func write(_ text: String, to url: URL) throws { try write(Data(text.utf8), to: url) }

    /// The temporary file `write` uses for `url`: `.<name>.<pid>@<host>.tmp` beside it (`host`: `hostName`).
    public static func temporaryURL(for url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid())@\(hostName).tmp")
    }

    /// This machine's host name with every character other than ASCII letters, digits and `-` replaced by `-`
    /// ("localhost" when it cannot be read), so it never adds a `.` to a temporary name.
    public static let hostName: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(cString: buffer)
        let safe = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
        return safe.isEmpty ? "localhost" : safe
    }()

    /// Writes every byte of `data` to the open descriptor `fd` (retrying short writes and EINTR).
    /// - Throws: `FileSystemError(path:operation: .write, code:)` with the `errno` of the failing `write(2)`.
    static func writeAll(_ data: Data, to fd: Int32, path: String) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileSystemError(path: path, operation: .write, code: errno)
                }
                offset += n
            }
        }
    }

    /// Deletes, anywhere under `folder`, the temporary files this type names (`.<name>.<pid>@<host>.tmp`, and the older
    /// `.<name>.<pid>.tmp`, taken as this host's) that this host wrote and whose process no longer exists — the leftovers
    /// of a process killed mid-write. Files of running processes (another runner on the same folder), files of other
    /// hosts (whose processes cannot be seen from here) and every other file are left alone. Returns the files removed;
    /// a missing folder removes nothing.
    @discardableResult
    public static func removeStaleTemporaryFiles(under folder: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [] }
        var removed: [URL] = []
        for case let url as URL in walker {
            guard let (pid, host) = writer(ofTemporaryName: url.lastPathComponent), host == nil || host == hostName,
                  pid != getpid(), !isRunning(pid) else { continue }
            if unlink(url.path) == 0 { removed.append(url) }
        }
        return removed
    }

    /// The process id and host in a temporary name `.<name>.<pid>@<host>.tmp` (host nil in `.<name>.<pid>.tmp`), or nil
    /// when `name` is not one.
    static func writer(ofTemporaryName name: String) -> (pid: pid_t, host: String?)? {
        guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return nil }
        let parts = name.dropLast(4).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return nil }
        let owner = parts.last!.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        guard let pid = pid_t(owner[0]), pid > 0 else { return nil }
        if owner.count == 2 { return owner[1].isEmpty ? nil : (pid, String(owner[1])) }
        return (pid, nil)
    }

    /// True when a process with id `pid` exists (signal 0 probes without sending anything).
    static func isRunning(_ pid: pid_t) -> Bool { kill(pid, 0) == 0 || errno == EPERM }
}
