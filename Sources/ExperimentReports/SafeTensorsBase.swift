import Foundation
import LinearAlgebra
import LoRA
import Model
import SafeTensors
import Support

/// Why a safetensors checkpoint cannot serve as the base of `experiment analyze`; each names the file at fault.
public enum BaseCheckpointError: Error, Equatable, CustomStringConvertible {
    /// No `config.json` beside the weights: the family (and so the tensor names) is read from it.
    case missingConfig(path: String)
    /// `config.json` lacks a field the base needs, or holds a value no family accepts.
    case invalidConfig(file: String, field: String, reason: String)
    /// The base's tensor for an adapted matrix is not a matrix (W must be 2-D, out × in).
    case notAMatrix(file: String, tensor: String, shape: [Int])

    public var description: String {
        switch self {
        case let .missingConfig(path):
            return "\(path): cannot be read (the family of a safetensors base, and so its tensor names, is read from its config.json's model_type)"
        case let .invalidConfig(file, field, reason): return "\(file): field '\(field)': \(reason)"
        case let .notAMatrix(file, tensor, shape): return "\(file): tensor '\(tensor)' has shape \(shape), not a matrix (out × in)"
        }
    }
}

/// The frozen weights `experiment analyze` compares adapters with, read lazily from a Hugging Face safetensors checkpoint:
/// a `.safetensors` file, a folder holding `model.safetensors`, or a sharded folder (`model.safetensors.index.json`).
///
/// The family rule: `config.json` beside the weights (in the folder, or the file's folder) must hold `model_type`, and
/// the family whose `ModuleNaming.modelTypes` lists it names the tensors (`bert` → `encoder.layer.N.attention.self.query`,
/// `llama` → `model.layers.N.self_attn.q_proj`, each `.weight`, under any of the family's task-model prefixes, the bare
/// model's first); its `num_hidden_layers` is the layer count. Anything else is a `BaseCheckpointError`.
///
/// Only the adapted matrices are read: `dimensions` reads the header of the file that holds a matrix, `weight` that
/// matrix's bytes (`SafeTensorsCheckpoint`), widened to f32 exactly from F32, F16 or BF16.
public struct SafeTensorsBase: Sendable {
    public let naming: ModuleNaming
    public let layerCount: Int
    public let checkpoint: SafeTensorsCheckpoint

    /// Opens the checkpoint at `url` (its config and index; no weights). Throws `BaseCheckpointError`, `SafeTensorsError`
    /// or `JSONFileError` (a config field of the wrong JSON type).
    public init(url: URL, reader: any ByteRangeReader = FileRangeReader()) throws {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder)
        let folder = exists && !isFolder.boolValue ? url.deletingLastPathComponent() : url
        checkpoint = try SafeTensorsCheckpoint(url: url, reader: reader)
        (naming, layerCount) = try Self.family(config: folder.appendingPathComponent("config.json"))
    }

    struct Config: Decodable {
        var model_type: String?
        var num_hidden_layers: Int?
    }

    /// The family (`model_type`) and layer count (`num_hidden_layers`, 1 … `BertConfig`'s layer bound) of `config.json`.
    static func family(config url: URL) throws -> (ModuleNaming, Int) {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw BaseCheckpointError.missingConfig(path: url.path) }
        let config = try JSONFile.decode(Config.self, from: data, file: url.path)
        guard let type = config.model_type else {
            throw BaseCheckpointError.invalidConfig(file: url.path, field: "model_type", reason: "missing (expected \(ModuleNaming.modelTypesText))")
        }
        guard let naming = ModuleNaming.family(modelType: type) else {
            throw BaseCheckpointError.invalidConfig(file: url.path, field: "model_type",
                                                    reason: "\"\(type)\" is not a family analyze reads (expected \(ModuleNaming.modelTypesText))")
        }
        let limit = BertConfig.sizeLimit("num_hidden_layers")!
        guard let layers = config.num_hidden_layers else {
            throw BaseCheckpointError.invalidConfig(file: url.path, field: "num_hidden_layers", reason: "missing")
        }
        guard (1...limit).contains(layers) else {
            throw BaseCheckpointError.invalidConfig(file: url.path, field: "num_hidden_layers", reason: "\(layers) is not in 1…\(limit)")
        }
        return (naming, layers)
    }

    /// The checkpoint's name of W at (layer, site) and its entry: `<prefix><layers path>.L.<suffix>.weight` for the first
    /// of the family's task-model prefixes the checkpoint holds. Throws `tensorNotFound` (the bare model's name) otherwise.
    func tensor(layer: Int, site: any AdapterSite) throws -> TensorInfo {
        let names = naming.taskModelPrefixes.map { $0 + naming.modulePath(layer: layer, suffix: site.moduleSuffix) + ".weight" }
        for name in names { if let info = try checkpoint.info(name) { return info } }
        throw SafeTensorsError.tensorNotFound(file: checkpoint.label, tensor: names[0])
    }

    /// (in, out) of W at (layer, site), from the header alone.
    public func dimensions(layer: Int, site: any AdapterSite) throws -> (inFeatures: Int, outFeatures: Int) {
        let info = try tensor(layer: layer, site: site)
        guard info.shape.count == 2 else { throw BaseCheckpointError.notAMatrix(file: checkpoint.label, tensor: info.name, shape: info.shape) }
        return (info.shape[1], info.shape[0])
    }

    /// W (out × in) at (layer, site), as f32; reads only its bytes.
    public func weight(layer: Int, site: any AdapterSite) throws -> Matrix<Float> {
        let (inF, outF) = try dimensions(layer: layer, site: site)
        let name = try tensor(layer: layer, site: site).name
        return Matrix(rows: outF, cols: inF, storage: try checkpoint.floats(name))
    }
}
