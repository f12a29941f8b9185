/// How one model family names its modules in Hugging Face checkpoints and PEFT adapter files — the one place that
/// spells `encoder.layer.N.attention.self.query` or `model.layers.N.self_attn.q_proj`.
///
/// Why one place: the adapter file writer and reader, `target_modules` matching, `analyze` (which finds the layers an
/// adapter file covers from its tensor names) and the reports all need these names, and each used to build BERT's
/// itself. A new family adds its entry here (and lists it in `all`) and every one of them reads its files.
public struct ModuleNaming: Sendable {
    /// Short family name (`bert`, `llama`).
    public let family: String
    /// Path of the layer list in the model PEFT wraps: layer N's modules are `<layersPath>.N.<module suffix>`.
    public let layersPath: String
    /// Paths a task model puts in front of `layersPath` (BERT's `BertForSequenceClassification` adds `bert.`); the bare
    /// model's own path ("") comes first. Adapter tensors and `target_modules` entries may use any of them.
    public let taskModelPrefixes: [String]
    /// PEFT's `task_type` of the adapters this harness writes for the family.
    public let taskType: String
    /// The family's adaptable matrices in canonical order.
    public let sites: [any AdapterSite]
    /// The `model_type` values of Hugging Face `config.json` files whose checkpoints name their tensors this way (how
    /// `analyze` tells a safetensors base's family: `family(modelType:)`).
    public let modelTypes: [String]

    /// Where PEFT puts the wrapped model in adapter tensor names.
    public static let peftRoot = "base_model.model."

    /// Module path of `suffix` (a site's `moduleSuffix`) in layer `layer`: `encoder.layer.3.attention.self.query`.
    public func modulePath(layer: Int, suffix: String) -> String { "\(layersPath).\(layer).\(suffix)" }

    /// The prefixes an adapter file may store the factors of (layer, suffix) under, the bare model's first:
    /// `base_model.model.encoder.layer.3.attention.self.query`, then `base_model.model.bert.encoder.layer.3…`.
    public func tensorPrefixes(layer: Int, suffix: String) -> [String] {
        taskModelPrefixes.map { Self.peftRoot + $0 + modulePath(layer: layer, suffix: suffix) }
    }

    /// The layer index a tensor or module name holds (the component after `<layersPath>.`), or nil when the name is not
    /// inside this family's layer list; -1 when that component is not a number, so callers can refuse the name.
    public func layerIndex(in name: String) -> Int? {
        guard let r = name.range(of: layersPath + ".") else { return nil }
        return Int(name[r.upperBound...].prefix { $0 != "." }) ?? -1
    }

    /// The site whose module path is `moduleSuffix`, or nil.
    public func site(moduleSuffix: String) -> (any AdapterSite)? { sites.first { $0.moduleSuffix == moduleSuffix } }

    /// For error messages: what a `target_modules` entry may name.
    public var supportedText: String {
        "\(layersPath).<L>. followed by " + Self.list(sites.map(\.moduleSuffix))
    }

    private static func list(_ items: [String]) -> String {
        items.count < 2 ? items.joined() : items.dropLast().joined(separator: ", ") + " or " + items.last!
    }

    /// BERT (Hugging Face `BertModel`): `encoder.layer.N.<module>`, also under `bert.` in a SEQ_CLS task model.
    public static let bert = ModuleNaming(family: "bert", layersPath: "encoder.layer", taskModelPrefixes: ["", "bert."],
                                          taskType: "FEATURE_EXTRACTION", sites: LoRATarget.encoderTargets, modelTypes: ["bert"])
    /// Llama (Hugging Face `LlamaForCausalLM`): `model.layers.N.<module>`; adapters are CAUSAL_LM ones.
    public static let llama = ModuleNaming(family: "llama", layersPath: "model.layers", taskModelPrefixes: [""],
                                           taskType: "CAUSAL_LM", sites: LlamaTarget.allCases, modelTypes: ["llama"])
    /// Every family, for reading a file whose family is not known yet.
    public static let all: [ModuleNaming] = [.bert, .llama]

    /// The family whose `modelTypes` holds a `config.json`'s `model_type` (`bert` → BERT, `llama` → Llama), or nil.
    public static func family(modelType: String) -> ModuleNaming? { all.first { $0.modelTypes.contains(modelType) } }

    /// Every `model_type` some family accepts, for error messages: `"bert" or "llama"`.
    public static var modelTypesText: String { list(all.flatMap(\.modelTypes).map { "\"\($0)\"" }) }

    /// The family-neutral matrix names in the order reports list them (attention, then the MLP from input to output).
    public static let matrixNames = ["q", "k", "v", "o", "ffn_gate", "ffn_up", "ffn_down"]

    /// Position of a matrix name in `matrixNames`; unknown names after all of them.
    public static func matrixOrder(_ name: String) -> Int { matrixNames.firstIndex(of: name) ?? matrixNames.count }
}

extension AdapterSite {
    /// PEFT's tensor-name prefix of the adapter at `layer`, e.g. `base_model.model.encoder.layer.3.attention.self.query`.
    public func peftPrefix(layer: Int) -> String { ModuleNaming.peftRoot + Self.naming.modulePath(layer: layer, suffix: moduleSuffix) }

    /// Checkpoint tensor name of the frozen weight W (shape out × in) at `layer`.
    public func weightName(layer: Int) -> String { Self.naming.modulePath(layer: layer, suffix: moduleSuffix) + ".weight" }

    /// The naming of this site's family (for an existential, `type(of: site).naming` without the cast).
    public var naming: ModuleNaming { Self.naming }
}
