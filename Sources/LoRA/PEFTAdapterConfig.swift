import Foundation

/// `adapter_config.json` of a PEFT LoRA adapter directory (the fields PEFT reads, plus the project's own).
///
/// Adapters this project writes carry `task_type` "FEATURE_EXTRACTION" (LoRA on the bare encoder; the task head is
/// saved beside the adapter, not in it) and a `base_model_name_or_path` PEFT can resolve (a Hugging Face Hub id when the
/// checkpoint is a known one); the local checkpoint path is kept in the project's own `lora_harness.base_model_path`.
public struct PEFTAdapterConfig: Codable, Equatable, Sendable {
    public var peftType = "LORA"
    /// PEFT's `task_type`: "FEATURE_EXTRACTION" for ours; "SEQ_CLS" for a PEFT sequence-classification adapter.
    public var taskType: String?
    public var r: Int
    public var loraAlpha: Double
    public var targetModules: PEFTTargetModules
    public var useRslora: Bool
    /// PEFT's `init_lora_weights`: "gaussian" for the Gaussian scheme; `true` (kaiming-uniform) is written as "true".
    public var initLoraWeights: String
    public var loraDropout: Double
    public var baseModelNameOrPath: String
    public var layersToTransform: [Int]?
    /// PEFT's `modules_to_save`: modules trained in full beside LoRA (a SEQ_CLS adapter's classifier); their tensors are
    /// not LoRA factors and the analyses leave them out.
    public var modulesToSave: [String]?
    public var bias = "none"
    public var fanInFanOut = false
    /// PEFT's DoRA, per-module ranks and per-module α: read only to refuse what this harness would misread.
    public var useDora: Bool?
    public var rankPattern: [String: Double]?
    public var alphaPattern: [String: Double]?
    /// Project fields: the adapter-initialisation seed and the data-order seed (separate, both recorded), the std of a
    /// Gaussian A, the run id and the local checkpoint path.
    public var harness: HarnessFields?

    public struct HarnessFields: Codable, Equatable, Sendable {
        public var initSeed: UInt64?
        public var dataSeed: UInt64?
        public var gaussianStd: Double?
        public var runId: String?
        public var note: String?
        /// The checkpoint as the spec names it (`models/all-MiniLM-L6-v2`), when `base_model_name_or_path` is a Hub id.
        public var baseModelPath: String?
        public init(initSeed: UInt64? = nil, dataSeed: UInt64? = nil, gaussianStd: Double? = nil, runId: String? = nil, note: String? = nil,
                    baseModelPath: String? = nil) {
            self.initSeed = initSeed; self.dataSeed = dataSeed; self.gaussianStd = gaussianStd; self.runId = runId; self.note = note
            self.baseModelPath = baseModelPath
        }
        enum CodingKeys: String, CodingKey {
            case initSeed = "init_seed", dataSeed = "data_seed", gaussianStd = "gaussian_std", runId = "run_id", note
            case baseModelPath = "base_model_path"
        }
    }

    enum CodingKeys: String, CodingKey {
        case peftType = "peft_type", taskType = "task_type", r, loraAlpha = "lora_alpha", targetModules = "target_modules"
        case useRslora = "use_rslora", initLoraWeights = "init_lora_weights", loraDropout = "lora_dropout"
        case baseModelNameOrPath = "base_model_name_or_path", layersToTransform = "layers_to_transform"
        case modulesToSave = "modules_to_save", bias, fanInFanOut = "fan_in_fan_out", useDora = "use_dora"
        case rankPattern = "rank_pattern", alphaPattern = "alpha_pattern", harness = "lora_harness"
    }

    public init(r: Int, loraAlpha: Double, targetModules: PEFTTargetModules, useRslora: Bool, initLoraWeights: String, loraDropout: Double,
                baseModelNameOrPath: String, layersToTransform: [Int]?, harness: HarnessFields?, taskType: String? = nil) {
        self.r = r; self.loraAlpha = loraAlpha; self.targetModules = targetModules; self.useRslora = useRslora
        self.initLoraWeights = initLoraWeights; self.loraDropout = loraDropout; self.baseModelNameOrPath = baseModelNameOrPath
        self.layersToTransform = layersToTransform; self.harness = harness; self.taskType = taskType
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        peftType = try c.decode(String.self, forKey: .peftType)
        taskType = try c.decodeIfPresent(String.self, forKey: .taskType)
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
        modulesToSave = try c.decodeIfPresent([String].self, forKey: .modulesToSave)
        bias = try c.decodeIfPresent(String.self, forKey: .bias) ?? "none"
        fanInFanOut = try c.decodeIfPresent(Bool.self, forKey: .fanInFanOut) ?? false
        useDora = try c.decodeIfPresent(Bool.self, forKey: .useDora)
        rankPattern = try c.decodeIfPresent([String: Double].self, forKey: .rankPattern)
        alphaPattern = try c.decodeIfPresent([String: Double].self, forKey: .alphaPattern)
        harness = try c.decodeIfPresent(HarnessFields.self, forKey: .harness)
    }
}
