import Foundation
import Support

/// The Hugging Face Hub id of a checkpoint folder, for an adapter's `base_model_name_or_path`, so that PEFT users can
/// load our adapters with `AutoModel.from_pretrained(id)`.
///
/// Two rules, in order: a folder inside the Hugging Face cache (`…/models--<org>--<name>/snapshots/<revision>`) is
/// `<org>/<name>`; otherwise a `model.safetensors` whose SHA-256 is one of `knownWeights` is that model. `config.json`'s
/// `_name_or_path` is not used: sentence-transformers checkpoints keep there the model they were trained from
/// (all-MiniLM-L6-v2 says `nreimers/MiniLM-L6-H384-uncased`, whose weights differ).
public enum HubModelID {
    /// Checkpoints known by the SHA-256 of their `model.safetensors` (the one `scripts/setup.sh` verifies).
    public static let knownWeights: [String: String] = [
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db": "sentence-transformers/all-MiniLM-L6-v2",
    ]

    /// The Hub id of the checkpoint in `directory`, or nil when neither rule applies.
    /// - Throws: `ModelError.unreadable` when `model.safetensors` exists but cannot be read.
    public static func resolve(checkpointDirectory directory: URL) throws -> String? {
        if let id = cacheSnapshotID(directory) { return id }
        let weights = directory.appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: weights.path) else { return nil }
        return knownWeights[try sha256(of: weights)]
    }

    /// `…/models--sentence-transformers--all-MiniLM-L6-v2/snapshots/<revision>` → `sentence-transformers/all-MiniLM-L6-v2`
    /// (the cache spells `/` as `--`); nil for any other path.
    static func cacheSnapshotID(_ directory: URL) -> String? {
        let parts = directory.standardizedFileURL.pathComponents
        guard parts.count >= 3, parts[parts.count - 2] == "snapshots", parts[parts.count - 3].hasPrefix("models--") else { return nil }
        let name = parts[parts.count - 3].dropFirst("models--".count).components(separatedBy: "--")
        return name.contains("") ? nil : name.joined(separator: "/")
    }

    /// Hex SHA-256 of a file, read in 4 MiB blocks.
    static func sha256(of url: URL) throws -> String {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw ModelError.unreadable(path: url.path, reason: FileSystemError.readFailure(url.path))
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let block: Data
            do { block = try handle.read(upToCount: 4 << 20) ?? Data() } catch {
                throw ModelError.unreadable(path: url.path, reason: FileSystemError.readFailure(url.path))
            }
            if block.isEmpty { break }
            block.withUnsafeBytes { hasher.update($0) }
        }
        return SHA256.hexString(hasher.finalize())
    }
}
