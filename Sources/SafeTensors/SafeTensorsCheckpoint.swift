import Foundation

/// The weights of a Hugging Face checkpoint in safetensors form, opened lazily: one `model.safetensors` (or any
/// `.safetensors` file given by path), or the shards a `model.safetensors.index.json` lists.
///
/// Nothing but the index is read on opening. Asking for a tensor reads the header of the one file that holds it (once;
/// headers are kept) and then only that tensor's bytes (`SafeTensorsRangeFile`), so a shard holding none of the tensors
/// asked for is never opened, and memory grows with the tensors asked for, not with the checkpoint.
/// Safe to use from several threads (the header cache is locked).
public final class SafeTensorsCheckpoint: @unchecked Sendable {
    /// Where the tensor names are looked up.
    public enum Layout: Equatable, Sendable {
        /// One file (its path).
        case single(String)
        /// Shards listed by the index at `index`, in the index's folder.
        case sharded(index: String)
    }

    public let layout: Layout
    /// The path error messages name for a tensor the checkpoint does not hold: the file, or the index.
    public var label: String {
        switch layout {
        case .single(let path): return path
        case .sharded(let index): return index
        }
    }
    private let weightMap: [String: String]?
    private let reader: any ByteRangeReader
    private let lock = NSLock()
    private var files: [String: SafeTensorsRangeFile] = [:]

    /// Opens `url`: a `.safetensors` file; or a folder with `model.safetensors.index.json` (sharded; preferred) or
    /// `model.safetensors`. Throws `noWeights` for a folder with neither, `io` for a path that does not exist, and
    /// `invalidIndex` for a malformed index.
    public init(url: URL, reader: any ByteRangeReader = FileRangeReader()) throws {
        self.reader = reader
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw SafeTensorsError.io(file: url.path, reason: "no such file or folder")
        }
        let index = url.appendingPathComponent(SafeTensorsShardIndex.fileName).path
        let single = url.appendingPathComponent("model.safetensors").path
        if !isFolder.boolValue {
            layout = .single(url.path)
            weightMap = nil
        } else if FileManager.default.fileExists(atPath: index) {
            layout = .sharded(index: index)
            weightMap = try SafeTensorsShardIndex(path: index).weightMap
        } else if FileManager.default.fileExists(atPath: single) {
            layout = .single(single)
            weightMap = nil
        } else {
            throw SafeTensorsError.noWeights(folder: url.path)
        }
    }

    /// The entry of the named tensor (reading the header of the file that holds it), or nil when the checkpoint does not
    /// hold it. Throws `missingShard` / `tensorNotInShard` when the index lists it in a shard that does not exist or
    /// does not hold it, and any header error of that file.
    public func info(_ name: String) throws -> TensorInfo? {
        guard let path = try filePath(of: name) else { return nil }
        let file = try open(path)
        guard let info = file.info(name) else {
            if case .sharded(let index) = layout { throw SafeTensorsError.tensorNotInShard(index: index, tensor: name, shard: path) }
            return nil
        }
        return info
    }

    /// The tensor's elements as `Float` (F32 as is, F16 and BF16 widened exactly), reading only its bytes; throws
    /// `tensorNotFound` naming `label` when the checkpoint does not hold it, and as `info(_:)` and
    /// `SafeTensorsRangeFile.floats` do.
    public func floats(_ name: String) throws -> [Float] {
        guard let path = try filePath(of: name), try info(name) != nil else {
            throw SafeTensorsError.tensorNotFound(file: label, tensor: name)
        }
        return try open(path).floats(name)
    }

    /// The path of the file that holds `name` (nil when the index does not list it; the single file otherwise).
    private func filePath(of name: String) throws -> String? {
        switch layout {
        case .single(let path): return path
        case .sharded(let index):
            guard let shard = weightMap?[name] else { return nil }
            let path = URL(fileURLWithPath: index).deletingLastPathComponent().appendingPathComponent(shard).path
            guard FileManager.default.fileExists(atPath: path) else {
                throw SafeTensorsError.missingShard(index: index, tensor: name, shard: shard)
            }
            return path
        }
    }

    /// The header of the file at `path`, read once.
    private func open(_ path: String) throws -> SafeTensorsRangeFile {
        lock.lock()
        defer { lock.unlock() }
        if let file = files[path] { return file }
        let file = try SafeTensorsRangeFile(path: path, reader: reader)
        files[path] = file
        return file
    }
}
