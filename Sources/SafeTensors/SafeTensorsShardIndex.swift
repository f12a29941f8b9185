import Foundation
import Support

/// The index of a sharded Hugging Face checkpoint, `model.safetensors.index.json`:
/// `{"metadata": {…}, "weight_map": {"<tensor name>": "<shard file name>", …}}`, as `save_pretrained` writes it.
///
/// Strict: the file is strict JSON (UTF-8, no duplicate keys, so no tensor is listed twice); the top level is an object
/// with a `weight_map` object whose every value is a string naming a file in the index's own folder (no `/`, `\`, not
/// empty, `.` or `..`). `metadata` and any other top-level key are ignored. Every violation is
/// `SafeTensorsError.invalidIndex` naming the file and, in its reason, the field and tensor.
public struct SafeTensorsShardIndex: Sendable {
    /// The index's file name in a checkpoint folder.
    public static let fileName = "model.safetensors.index.json"
    /// The index file's path, used in error messages.
    public let file: String
    /// Tensor name → shard file name (in the index's folder).
    public let weightMap: [String: String]

    /// Reads and validates the index at `path`; `io` when it cannot be read.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SafeTensorsError.io(file: path, reason: FileSystemError.readFailure(path))
        }
        try self.init(data: data, file: path)
    }

    /// Validates index bytes; `file` names them in errors.
    public init(data: Data, file: String) throws {
        func invalid(_ reason: String) -> SafeTensorsError { .invalidIndex(file: file, reason: reason) }
        let root: JSONValue = try data.withUnsafeBytes { bytes in
            guard String(validating: bytes, as: UTF8.self) != nil else { throw invalid("not valid UTF-8") }
            do throws(JSONSyntaxError) {
                return try JSONParser.parse(bytes, options: HeaderJSON.options)
            } catch {
                throw invalid("not valid JSON: \(HeaderJSON.what(error, bytes, document: "file")) at byte \(error.stop)")
            }
        }
        guard case .object = root else { throw invalid("the top level is \(root.typeWithArticle), not an object") }
        guard let map = root["weight_map"] else { throw invalid("field 'weight_map' is missing") }
        guard case let .object(members) = map else { throw invalid("field 'weight_map' is \(map.typeWithArticle), not an object") }
        var weightMap: [String: String] = [:]
        for member in members {
            guard case let .string(shard) = member.value else {
                throw invalid("field 'weight_map': tensor '\(member.key)': the shard is \(member.value.typeWithArticle), not a file name")
            }
            guard !shard.isEmpty, shard != ".", shard != "..", !shard.contains("/"), !shard.contains("\\") else {
                throw invalid("field 'weight_map': tensor '\(member.key)': \"\(shard)\" is not a file name in the index's folder")
            }
            weightMap[member.key] = shard
        }
        self.file = file
        self.weightMap = weightMap
    }
}
