import Foundation
import LinearAlgebra
import SafeTensors
import Support

/// `adapter_config.json` of a PEFT LoRA adapter directory (the fields PEFT reads, plus the project's own).
public struct PEFTAdapterConfig: Codable, Equatable, Sendable {
    public var peftType = "LORA"
    public var r: Int
    public var loraAlpha: Double
    public var targetModules: PEFTTargetModules
    public var useRslora: Bool
    /// PEFT's `init_lora_weights`: "gaussian" for the Gaussian scheme; `true` (kaiming-uniform) is written as "true".
    public var initLoraWeights: String
    public var loraDropout: Double
    public var baseModelNameOrPath: String
    public var layersToTransform: [Int]?
    public var bias = "none"
    public var fanInFanOut = false
    /// Project fields: the adapter-initialisation seed and the data-order seed (separate, both recorded), the std of a
    /// Gaussian A, and the run id.
    public var harness: HarnessFields?

    public struct HarnessFields: Codable, Equatable, Sendable {
        public var initSeed: UInt64?
        public var dataSeed: UInt64?
        public var gaussianStd: Double?
        public var runId: String?
        public var note: String?
        public init(initSeed: UInt64? = nil, dataSeed: UInt64? = nil, gaussianStd: Double? = nil, runId: String? = nil, note: String? = nil) {
            self.initSeed = initSeed; self.dataSeed = dataSeed; self.gaussianStd = gaussianStd; self.runId = runId; self.note = note
        }
        enum CodingKeys: String, CodingKey {
            case initSeed = "init_seed", dataSeed = "data_seed", gaussianStd = "gaussian_std", runId = "run_id", note
        }
    }

    enum CodingKeys: String, CodingKey {
        case peftType = "peft_type", r, loraAlpha = "lora_alpha", targetModules = "target_modules", useRslora = "use_rslora"
        case initLoraWeights = "init_lora_weights", loraDropout = "lora_dropout", baseModelNameOrPath = "base_model_name_or_path"
        case layersToTransform = "layers_to_transform", bias, fanInFanOut = "fan_in_fan_out", harness = "lora_harness"
    }

    public init(r: Int, loraAlpha: Double, targetModules: PEFTTargetModules, useRslora: Bool, initLoraWeights: String, loraDropout: Double,
                baseModelNameOrPath: String, layersToTransform: [Int]?, harness: HarnessFields?) {
        self.r = r; self.loraAlpha = loraAlpha; self.targetModules = targetModules; self.useRslora = useRslora
        self.initLoraWeights = initLoraWeights; self.loraDropout = loraDropout; self.baseModelNameOrPath = baseModelNameOrPath
        self.layersToTransform = layersToTransform; self.harness = harness
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        peftType = try c.decode(String.self, forKey: .peftType)
        r = try c.decode(Int.self, forKey: .r)
        loraAlpha = try c.decode(Double.self, forKey: .loraAlpha)
        // PEFT writes target_modules as a list or a single string (a regex).
        targetModules = try c.decode(PEFTTargetModules.self, forKey: .targetModules)
        useRslora = try c.decodeIfPresent(Bool.self, forKey: .useRslora) ?? false
        if let s = try? c.decode(String.self, forKey: .initLoraWeights) { initLoraWeights = s }
        else if let b = try? c.decode(Bool.self, forKey: .initLoraWeights) { initLoraWeights = b ? "true" : "false" }
        else { initLoraWeights = "true" }
        loraDropout = try c.decodeIfPresent(Double.self, forKey: .loraDropout) ?? 0
        baseModelNameOrPath = try c.decodeIfPresent(String.self, forKey: .baseModelNameOrPath) ?? ""
        if let list = try? c.decode([Int].self, forKey: .layersToTransform) { layersToTransform = list }
        else if let one = try? c.decode(Int.self, forKey: .layersToTransform) { layersToTransform = [one] }
        else { layersToTransform = nil }
        bias = try c.decodeIfPresent(String.self, forKey: .bias) ?? "none"
        fanInFanOut = try c.decodeIfPresent(Bool.self, forKey: .fanInFanOut) ?? false
        harness = try c.decodeIfPresent(HarnessFields.self, forKey: .harness)
    }
}

/// Errors reading or writing PEFT adapter directories; descriptions name the file and field/tensor.
public enum AdapterFileError: Error, Equatable, CustomStringConvertible {
    case missingFile(path: String)
    case invalidConfig(file: String, reason: String)
    case unsupported(file: String, field: String, reason: String)
    case missingTensor(file: String, tensor: String)
    case tensorShape(file: String, tensor: String, shape: [Int], expected: String)
    case unexpectedTensor(file: String, tensor: String)

    public var description: String {
        switch self {
        case let .missingFile(path): return "\(path): file not found"
        case let .invalidConfig(file, reason): return "\(file): \(reason)"
        case let .unsupported(file, field, reason): return "\(file): field '\(field)': \(reason)"
        case let .missingTensor(file, tensor): return "\(file): tensor '\(tensor)' is missing"
        case let .tensorShape(file, tensor, shape, expected): return "\(file): tensor '\(tensor)' has shape \(shape), expected \(expected)"
        case let .unexpectedTensor(file, tensor): return "\(file): tensor '\(tensor)' does not name a LoRA factor of a supported module"
        }
    }
}

/// A PEFT-compatible LoRA adapter directory: `adapter_config.json` + `adapter_model.safetensors` with float32 tensors
/// named `base_model.model.encoder.layer.L.<module>.lora_A.weight` (r × in) and `….lora_B.weight` (out × r).
public enum PEFTAdapterFile {
    public static let configName = "adapter_config.json"
    public static let weightsName = "adapter_model.safetensors"

    /// Writes `adapters` (all with the same parameters) into `directory`; both files are written atomically and
    /// byte-deterministically (sorted JSON keys, tensors in name order).
    public static func write(_ adapters: [LoRAAdapter], to directory: URL, baseModel: String,
                             harness: PEFTAdapterConfig.HarnessFields?) throws {
        guard let first = adapters.first else { throw AdapterFileError.invalidConfig(file: directory.path, reason: "no adapters to save") }
        let p = first.parameters
        let targets = Array(Set(adapters.map(\.target))).sorted()
        let layers = Array(Set(adapters.map(\.layer))).sorted()
        let allLayersUsed = layers.count == (layers.max() ?? 0) + 1 && layers.first == 0
        let config = PEFTAdapterConfig(
            r: p.rank, loraAlpha: p.alpha, targetModules: .names(targets.flatMap { $0.peftTargetModules(layers: layers) }), useRslora: p.rsLoRA,
            initLoraWeights: p.initialization == .gaussian ? "gaussian" : "true", loraDropout: p.dropout,
            baseModelNameOrPath: baseModel, layersToTransform: allLayersUsed ? nil : layers, harness: harness)
        var writer = SafeTensorsWriter(metadata: ["format": "pt"])
        for a in adapters {
            try writer.add(a.a.name, shape: [a.a.value.rows, a.a.value.cols], floats: a.a.value.storage)
            try writer.add(a.b.name, shape: [a.b.value.rows, a.b.value.cols], floats: a.b.value.storage)
        }
        try Folder.create(directory)
        try writer.write(to: directory.appendingPathComponent(weightsName))
        try AtomicFile.write(try encodeConfig(config), to: directory.appendingPathComponent(configName))
    }

    static func encodeConfig(_ config: PEFTAdapterConfig) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(config)
        data.append(0x0A)
        return data
    }

    /// Refuses settings this harness would silently misread: a `peft_type` other than LORA, r ≤ 0, `lora_alpha` ≤ 0 or
    /// not finite, `bias` other than "none", `fan_in_fan_out`, and `target_modules` naming no module of a `layers`-layer encoder.
    /// - Throws: `AdapterFileError.unsupported` naming `file`, the field and the reason.
    static func validate(_ config: PEFTAdapterConfig, file: String, layers: Int) throws {
        func refuse(_ field: String, _ reason: String) -> AdapterFileError { .unsupported(file: file, field: field, reason: reason) }
        guard config.peftType == "LORA" else { throw refuse("peft_type", "expected \"LORA\", got \"\(config.peftType)\"") }
        guard config.r > 0 else { throw refuse("r", "must be positive, got \(config.r)") }
        guard config.loraAlpha > 0, config.loraAlpha.isFinite else { throw refuse("lora_alpha", "must be a number > 0, got \(config.loraAlpha)") }
        guard config.bias == "none" else {
            throw refuse("bias", "only \"none\" is supported (an adapter with bias \"\(config.bias)\" also trains biases, which this "
                         + "harness neither reads nor applies), got \"\(config.bias)\"")
        }
        guard !config.fanInFanOut else { throw refuse("fan_in_fan_out", "only false (PyTorch (out, in) layout) is supported") }
        let modules = (0..<max(0, layers)).flatMap { l in LoRATarget.allCases.map { "encoder.layer.\(l).\($0.moduleSuffix)" } }
        if let problem = config.targetModules.problem(among: modules) { throw refuse("target_modules", problem) }
    }

    /// Reads an adapter directory into (config, [(layer, target, A, B)]), validating the config (`validate`), names and
    /// shapes; every adapted module must be one `target_modules` selects. Config errors name the field and the reason
    /// (`JSONFileError` for a file that is not valid JSON or has a field of the wrong type).
    /// `inFeatures`/`outFeatures` check the factor shapes against the model's matrices.
    public static func read(_ directory: URL, dimensions: (LoRATarget) -> (inFeatures: Int, outFeatures: Int), layers: Int) throws
        -> (config: PEFTAdapterConfig, adapters: [LoRAAdapter]) {
        let configURL = directory.appendingPathComponent(configName)
        let weightsURL = directory.appendingPathComponent(weightsName)
        guard let data = FileManager.default.contents(atPath: configURL.path) else { throw AdapterFileError.missingFile(path: configURL.path) }
        let config = try JSONFile.decode(PEFTAdapterConfig.self, from: data, file: configURL.path)
        try validate(config, file: configURL.path, layers: layers)
        guard FileManager.default.fileExists(atPath: weightsURL.path) else { throw AdapterFileError.missingFile(path: weightsURL.path) }
        let file = try SafeTensorsFile(contentsOf: weightsURL)
        let initialization: LoRAInitialization = config.initLoraWeights == "gaussian" ? .gaussian : .kaimingUniform
        let parameters = LoRAParameters(rank: config.r, alpha: config.loraAlpha, rsLoRA: config.useRslora,
                                        initialization: initialization, gaussianStd: config.harness?.gaussianStd,
                                        dropout: config.loraDropout)
        var adapters: [LoRAAdapter] = []
        var used = Set<String>()
        for layer in 0..<layers {
            for target in LoRATarget.allCases {
                let prefix = target.peftPrefix(layer: layer)
                let aName = prefix + ".lora_A.weight", bName = prefix + ".lora_B.weight"
                let hasA = file.contains(aName), hasB = file.contains(bName)
                if !hasA && !hasB { continue }
                guard hasA else { throw AdapterFileError.missingTensor(file: weightsURL.path, tensor: aName) }
                guard hasB else { throw AdapterFileError.missingTensor(file: weightsURL.path, tensor: bName) }
                let (inF, outF) = dimensions(target)
                let aInfo = file.info(aName)!, bInfo = file.info(bName)!
                guard aInfo.shape == [config.r, inF] else {
                    throw AdapterFileError.tensorShape(file: weightsURL.path, tensor: aName, shape: aInfo.shape, expected: "[\(config.r), \(inF)]")
                }
                guard bInfo.shape == [outF, config.r] else {
                    throw AdapterFileError.tensorShape(file: weightsURL.path, tensor: bName, shape: bInfo.shape, expected: "[\(outF), \(config.r)]")
                }
                let a = Matrix<Float>(rows: config.r, cols: inF, storage: try file.floats(aName))
                let b = Matrix<Float>(rows: outF, cols: config.r, storage: try file.floats(bName))
                adapters.append(LoRAAdapter(target: target, layer: layer, parameters: parameters, a: a, b: b))
                used.insert(aName); used.insert(bName)
            }
        }
        if let stray = adapters.first(where: { !config.targetModules.selects("encoder.layer.\($0.layer).\($0.target.moduleSuffix)") }) {
            throw AdapterFileError.unsupported(file: configURL.path, field: "target_modules",
                                               reason: "does not select encoder.layer.\(stray.layer).\(stray.target.moduleSuffix), which "
                                                   + "\(weightsName) adapts")
        }
        if let stray = file.tensors.map(\.name).first(where: { !used.contains($0) }) {
            throw AdapterFileError.unexpectedTensor(file: weightsURL.path, tensor: stray)
        }
        return (config, adapters)
    }
}
