import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file-system operation that failed. The description names the path, what was being attempted and the system's
/// reason in words, e.g. `/tmp/r/smoke/report.md: cannot write: No space left on device` or
/// `/tmp/r: is a file, not a folder (needed for /tmp/r/smoke)`.
public struct FileSystemError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Operation: String, Equatable, Sendable {
        case createFolder = "cannot create folder"
        case write = "cannot write"
        case rename = "cannot replace"
        case read = "cannot read"
        case remove = "cannot remove"
    }

    /// The path the operation failed on.
    public var path: String
    public var operation: Operation
    /// The `errno` value, or nil for `notAFolder`.
    public var code: Int32?
    /// Set when a path component that must be a folder is a file: the folder that was being created.
    public var neededFor: String?

    public init(path: String, operation: Operation, code: Int32) {
        self.path = path
        self.operation = operation
        self.code = code
    }

    /// `path` exists but is not a folder, so `neededFor` (a folder below it) cannot be created.
    public static func notAFolder(_ path: String, neededFor: String) -> FileSystemError {
        var e = FileSystemError(path: path, operation: .createFolder, code: ENOTDIR)
        e.code = nil
        e.neededFor = neededFor
        return e
    }

    /// The reason in words: `strerror` of the code ("Permission denied", "Read-only file system", "No space left on
    /// device"), or "is a file, not a folder".
    public var reason: String {
        guard let code else { return "is a file, not a folder" }
        return String(cString: strerror(code))
    }

    public var description: String {
        if let neededFor { return "\(path): is a file, not a folder (needed for \(neededFor))" }
        return "\(path): \(operation.rawValue): \(reason)"
    }
}

extension FileSystemError {
    /// Why the file at `path` cannot be read, in words: "is a folder, not a file", or `strerror` of `open(2)` ("No such
    /// file or directory", "Permission denied"); "cannot be read" when it opens now (a transient failure).
    public static func readFailure(_ path: String) -> String {
        var st = stat()
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { return "is a folder, not a file" }
        let fd = open(path, O_RDONLY)
        if fd >= 0 { close(fd); return "cannot be read" }
        return String(cString: strerror(errno))
    }
}
