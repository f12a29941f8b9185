import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Folder creation with errors a user can act on (`FileSystemError`), instead of Foundation's `NSCocoaErrorDomain` codes.
public enum Folder {
    /// Creates `url` and any missing parents (like `mkdir -p`). Succeeds when the folder exists already.
    /// - Throws: `FileSystemError.notAFolder` when an existing path component is a file (naming that component), else a
    ///   `FileSystemError` with operation `.createFolder` and the `errno` of the failing `mkdir` (e.g. EACCES, EROFS, ENOSPC).
    public static func create(_ url: URL) throws {
        let target = url.standardizedFileURL.path
        var prefix = ""
        for component in target.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += "/" + component
            var st = stat()
            if stat(prefix, &st) == 0 {
                guard (st.st_mode & S_IFMT) == S_IFDIR else { throw FileSystemError.notAFolder(prefix, neededFor: target) }
                continue
            }
            if mkdir(prefix, 0o755) != 0 {
                let code = errno
                if code == EEXIST, isFolder(prefix) { continue }   // created concurrently by another process
                throw FileSystemError(path: prefix, operation: .createFolder, code: code)
            }
        }
    }

    /// True when `path` exists and is a folder (symbolic links followed).
    public static func isFolder(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}
