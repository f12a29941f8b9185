import Foundation
import Support

extension ExperimentSpec {
    /// Where `experiment <spec.json>` looks for a relative spec path (docs/conventions.md): as given from the repository
    /// root (the current directory), then under `experiments/` — so `specs/qv-rank.json` finds
    /// `experiments/specs/qv-rank.json`.
    public static func defaultLookupRoots(repositoryRoot: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) -> [URL] {
        [repositoryRoot, repositoryRoot.appendingPathComponent("experiments")]
    }

    /// The first existing regular file among `root/path` for each root in order (an absolute `path` is used
    /// as is); a bare name (no `/`, no `.json`, e.g. `qv-rank`) then also tries `root/specs/<name>.json` for each root,
    /// so `experiment qv-rank` finds `experiments/specs/qv-rank.json`. Not found, or a directory, is a `SpecError` for
    /// the file that lists where it looked.
    public static func locate(path: String, lookupRoots: [URL]) throws -> URL {
        var candidates = path.hasPrefix("/") || lookupRoots.isEmpty
            ? [SpecPaths.resolve(path, against: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))]
            : lookupRoots.map { SpecPaths.resolve(path, against: $0) }
        if !path.isEmpty, !path.contains("/"), !path.hasSuffix(".json") {
            candidates += lookupRoots.map { $0.appendingPathComponent("specs/\(path).json") }
        }
        var isDirectory: ObjCBool = false
        for c in candidates where FileManager.default.fileExists(atPath: c.path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw SpecError(file: path, location: .file, reason: "is a directory, not a spec file (\(c.path))") }
            return c
        }
        throw SpecError(file: path, location: .file,
                        reason: "spec file not found (looked for \(candidates.map(\.path).joined(separator: ", ")))")
    }

    /// Locates, reads and decodes a spec. Returns the spec and the file it came from; errors name that file
    /// as `displayName(for:)` gives it.
    public static func load(path: String, lookupRoots: [URL] = defaultLookupRoots()) throws -> (ExperimentSpec, URL) {
        let url = try locate(path: path, lookupRoots: lookupRoots)
        let name = displayName(for: url)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SpecError(file: name, location: .file, reason: "cannot be read (\(FileSystemError.readFailure(url.path)))")
        }
        return (try decode(data: data, file: name), url)
    }

    /// A file's path relative to the current directory when it lies inside it (`experiments/specs/qv-rank.json`),
    /// else its absolute path.
    public static func displayName(for url: URL) -> String {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path
        let p = url.standardizedFileURL.path
        let prefix = cwd.hasSuffix("/") ? cwd : cwd + "/"
        return p.hasPrefix(prefix) ? String(p.dropFirst(prefix.count)) : p
    }
}
