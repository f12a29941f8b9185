import Foundation
import LinearAlgebra
import SafeTensors
import Support

/// A PEFT-compatible LoRA adapter directory: `adapter_config.json` + `adapter_model.safetensors` with float32 tensors
/// named `base_model.model.<module path>.lora_A.weight` (r × in) and `….lora_B.weight` (out × r), the module path as the
/// family's `ModuleNaming` spells it (`encoder.layer.L.<module>`, `model.layers.L.<module>`).
///
/// Written BERT adapters load in PEFT on the bare encoder (`task_type` FEATURE_EXTRACTION):
/// `PeftModel.from_pretrained(AutoModel.from_pretrained(base_model_name_or_path), directory)`; Llama adapters on
/// `AutoModelForCausalLM` (CAUSAL_LM).
public enum PEFTAdapterFile {
    public static let configName = "adapter_config.json"
    public static let weightsName = "adapter_model.safetensors"

    /// What written BERT adapters carry as `task_type`: LoRA on the bare encoder, whose head is saved elsewhere.
    public static let taskType = ModuleNaming.bert.taskType

    /// Writes `adapters` (all with the same parameters) into `directory`; both files are written atomically and
    /// byte-deterministically (sorted JSON keys, tensors in name order). `baseModel` becomes `base_model_name_or_path`
    /// (a Hub id PEFT can resolve, or a path); the local checkpoint path belongs in `harness.baseModelPath`.
    public static func write(_ adapters: [LoRAAdapter], to directory: URL, baseModel: String,
                             harness: PEFTAdapterConfig.HarnessFields?) throws {
        guard let first = adapters.first else { throw AdapterFileError.invalidConfig(file: directory.path, reason: "no adapters to save") }
        let p = first.parameters
        let naming = first.site.naming
        let used = Set(adapters.map(\.site.rawValue))
        let targets = naming.sites.filter { used.contains($0.rawValue) }
        let layers = Array(Set(adapters.map(\.layer))).sorted()
        let allLayersUsed = layers.count == (layers.max() ?? 0) + 1 && layers.first == 0
        let config = PEFTAdapterConfig(
            r: p.rank, loraAlpha: p.alpha, targetModules: .names(targets.flatMap { $0.peftTargetModules(layers: layers) }), useRslora: p.rsLoRA,
            initLoraWeights: p.initialization == .gaussian ? "gaussian" : "true", loraDropout: p.dropout,
            baseModelNameOrPath: baseModel, layersToTransform: allLayersUsed ? nil : layers, harness: harness, taskType: naming.taskType)
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
    /// not finite, `bias` other than "none", `fan_in_fan_out`, DoRA, per-module `rank_pattern` / `alpha_pattern`, and
    /// `target_modules` naming no module of a `layers`-layer model of `naming`'s family.
    /// - Throws: `AdapterFileError.unsupported` naming `file`, the field and the reason.
    static func validate(_ config: PEFTAdapterConfig, file: String, layers: Int, naming: ModuleNaming = .bert) throws {
        func refuse(_ field: String, _ reason: String) -> AdapterFileError { .unsupported(file: file, field: field, reason: reason) }
        guard config.peftType == "LORA" else { throw refuse("peft_type", "expected \"LORA\", got \"\(config.peftType)\"") }
        guard config.r > 0 else { throw refuse("r", "must be positive, got \(config.r)") }
        guard config.loraAlpha > 0, config.loraAlpha.isFinite else { throw refuse("lora_alpha", "must be a number > 0, got \(config.loraAlpha)") }
        guard config.bias == "none" else {
            throw refuse("bias", "only \"none\" is supported (an adapter with bias \"\(config.bias)\" also trains biases, which this "
                         + "harness neither reads nor applies), got \"\(config.bias)\"")
        }
        guard !config.fanInFanOut else { throw refuse("fan_in_fan_out", "only false (PyTorch (out, in) layout) is supported") }
        guard config.useDora != true else { throw refuse("use_dora", "DoRA adapters (a learned magnitude beside B·A) are not supported") }
        for (field, pattern) in [("rank_pattern", config.rankPattern), ("alpha_pattern", config.alphaPattern)] where !(pattern ?? [:]).isEmpty {
            throw refuse(field, "per-module ranks or α are not supported (every module must use r and lora_alpha)")
        }
        let modules = (0..<max(0, layers)).flatMap { l in naming.sites.map { naming.modulePath(layer: l, suffix: $0.moduleSuffix) } }
        if let problem = config.targetModules.problem(among: modules, naming: naming) { throw refuse("target_modules", problem) }
    }
}
