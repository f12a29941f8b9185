import Foundation
import LinearAlgebra
import SafeTensors
import Support

/// What an adapter directory holds: its config, its LoRA factors, and the tensors left out because they are not LoRA
/// factors but modules PEFT trains in full (`modules_to_save`, e.g. a SEQ_CLS adapter's classifier).
public struct PEFTAdapterContents {
    public var config: PEFTAdapterConfig
    public var adapters: [LoRAAdapter]
    /// Names of the `modules_to_save` tensors that were skipped, sorted.
    public var ignoredTensors: [String]
}

extension PEFTAdapterFile {
    /// The modules PEFT trains in full for this config: its `modules_to_save`, and for `task_type` SEQ_CLS also PEFT's
    /// classifier heads `classifier` and `score`.
    static func modulesToSave(_ config: PEFTAdapterConfig) -> [String] {
        (config.modulesToSave ?? []) + (config.taskType == "SEQ_CLS" ? ["classifier", "score"] : [])
    }

    /// True when `tensor` (`base_model.model.<module path>.<parameter>`, possibly with PEFT's `modules_to_save` wrapper
    /// in the path) belongs to a module `entries` name: a module path, or one of its leading parts, equals an entry or
    /// ends with `.` + it, as PEFT matches them.
    static func isSavedModuleTensor(_ tensor: String, entries: [String]) -> Bool {
        guard !entries.isEmpty, tensor.hasPrefix("base_model.model."), !tensor.contains(".lora_") else { return false }
        let parts = tensor.dropFirst("base_model.model.".count).split(separator: ".").map(String.init)
        let path = Array(parts.prefix { $0 != "modules_to_save" }.dropLast(parts.contains("modules_to_save") ? 0 : 1))
        return (1...max(1, path.count)).contains { k in
            let module = path.prefix(k).joined(separator: ".")
            return entries.contains { module == $0 || module.hasSuffix("." + $0) }
        }
    }

    /// Reads a BERT adapter directory into (config, adapters) (see `load(_:naming:dimensions:layers:)`).
    public static func read(_ directory: URL, dimensions: (LoRATarget) -> (inFeatures: Int, outFeatures: Int), layers: Int) throws
        -> (config: PEFTAdapterConfig, adapters: [LoRAAdapter]) {
        let contents = try load(directory, dimensions: dimensions, layers: layers)
        return (contents.config, contents.adapters)
    }

    /// `load(_:naming:dimensions:layers:)` for a BERT adapter.
    public static func load(_ directory: URL, dimensions: (LoRATarget) -> (inFeatures: Int, outFeatures: Int), layers: Int) throws
        -> PEFTAdapterContents {
        try load(directory, naming: .bert, dimensions: { _, site in (site as? LoRATarget).map(dimensions) }, layers: layers)
    }

    /// Reads an adapter directory of `naming`'s family into its config, its adapters (in (layer, site) order) and the
    /// `modules_to_save` tensors it skipped (`PEFTAdapterContents.ignoredTensors`), validating the config (`validate`),
    /// names and shapes; every adapted module must be one `target_modules` selects. Config errors name the field and the
    /// reason (`JSONFileError` for a file that is not valid JSON or has a field of the wrong type). `dimensions` gives
    /// (in, out) of a (layer, site)'s matrix in the model, to check the factor shapes. Tensor names may use any of the family's
    /// `tensorPrefixes`; any other tensor is an `AdapterFileError.unexpectedTensor`. `dimensions` is called only for
    /// the (layer, site) pairs the file adapts (so a lazily read base reads nothing for the others), and its errors are
    /// passed on.
    public static func load(_ directory: URL, naming: ModuleNaming,
                            dimensions: (_ layer: Int, _ site: any AdapterSite) throws -> (inFeatures: Int, outFeatures: Int)?,
                            layers: Int) throws -> PEFTAdapterContents {
        let configURL = directory.appendingPathComponent(configName)
        let weightsURL = directory.appendingPathComponent(weightsName)
        guard let data = FileManager.default.contents(atPath: configURL.path) else { throw AdapterFileError.missingFile(path: configURL.path) }
        let config = try JSONFile.decode(PEFTAdapterConfig.self, from: data, file: configURL.path)
        try validate(config, file: configURL.path, layers: layers, naming: naming)
        guard FileManager.default.fileExists(atPath: weightsURL.path) else { throw AdapterFileError.missingFile(path: weightsURL.path) }
        let file = try SafeTensorsFile(contentsOf: weightsURL)
        var adapters: [LoRAAdapter] = []
        var used = Set<String>()
        for layer in 0..<layers {
            for site in naming.sites {
                guard let (a, b, names) = try factors(in: file, path: weightsURL.path, layer: layer, site: site, naming: naming,
                                                      config: config, dimensions: { try dimensions(layer, site) ?? (0, 0) }) else { continue }
                adapters.append(LoRAAdapter(site: site, layer: layer, parameters: parameters(config), a: a, b: b))
                used.formUnion(names)
            }
        }
        func module(_ a: LoRAAdapter) -> String { naming.modulePath(layer: a.layer, suffix: a.site.moduleSuffix) }
        if let stray = adapters.first(where: { !config.targetModules.selects(module($0), naming: naming) }) {
            throw AdapterFileError.unsupported(file: configURL.path, field: "target_modules",
                                               reason: "does not select \(module(stray)), which \(weightsName) adapts")
        }
        let rest = file.tensors.map(\.name).filter { !used.contains($0) }
        let saved = modulesToSave(config)
        if let stray = rest.first(where: { !isSavedModuleTensor($0, entries: saved) }) {
            throw AdapterFileError.unexpectedTensor(file: weightsURL.path, tensor: stray)
        }
        return PEFTAdapterContents(config: config, adapters: adapters, ignoredTensors: rest.sorted())
    }

    static func parameters(_ config: PEFTAdapterConfig) -> LoRAParameters {
        LoRAParameters(rank: config.r, alpha: config.loraAlpha, rsLoRA: config.useRslora,
                       initialization: config.initLoraWeights == "gaussian" ? .gaussian : .kaimingUniform,
                       gaussianStd: config.harness?.gaussianStd, dropout: config.loraDropout)
    }

    /// The A and B factors of one module under whichever of the family's `tensorPrefixes` the file uses, with the names
    /// read; nil when the file does not adapt that module.
    /// - Throws: `AdapterFileError` when only one factor is present, a shape does not fit, or two prefixes adapt it.
    static func factors(in file: SafeTensorsFile, path: String, layer: Int, site: any AdapterSite, naming: ModuleNaming,
                        config: PEFTAdapterConfig, dimensions: () throws -> (inFeatures: Int, outFeatures: Int)) throws
        -> (Matrix<Float>, Matrix<Float>, [String])? {
        let module = naming.modulePath(layer: layer, suffix: site.moduleSuffix)
        let present = naming.tensorPrefixes(layer: layer, suffix: site.moduleSuffix).filter { file.contains($0 + ".lora_A.weight") || file.contains($0 + ".lora_B.weight") }
        guard let prefix = present.first else { return nil }
        guard present.count == 1 else {
            throw AdapterFileError.invalidConfig(file: path, reason: "adapts \(module) twice, as \(present.joined(separator: " and "))")
        }
        let (inF, outF) = try dimensions()
        let aName = prefix + ".lora_A.weight", bName = prefix + ".lora_B.weight"
        guard let aInfo = file.info(aName) else { throw AdapterFileError.missingTensor(file: path, tensor: aName) }
        guard let bInfo = file.info(bName) else { throw AdapterFileError.missingTensor(file: path, tensor: bName) }
        guard aInfo.shape == [config.r, inF] else {
            throw AdapterFileError.tensorShape(file: path, tensor: aName, shape: aInfo.shape, expected: "[\(config.r), \(inF)]")
        }
        guard bInfo.shape == [outF, config.r] else {
            throw AdapterFileError.tensorShape(file: path, tensor: bName, shape: bInfo.shape, expected: "[\(outF), \(config.r)]")
        }
        let a = Matrix<Float>(rows: config.r, cols: inF, storage: try file.floats(aName))
        let b = Matrix<Float>(rows: outF, cols: config.r, storage: try file.floats(bName))
        return (a, b, [aName, bName])
    }
}
