/// A weight matrix a spec can adapt (paper Sec 4.2 adapts Wq, Wk, Wv, Wo; the feed-forward matrices are optional extra
/// targets): BERT's six (`encoderTargets`), and `ffn_gate`, the MLP gate a Llama decoder has and BERT has not (a spec
/// naming it for an encoder is refused at resolution; the family's own site type, `LlamaTarget`, carries the names).
///
/// Raw values are the short names used in specs and run ids; full module names (`encoder.layer.3.attention.self.query`)
/// come from `ModuleNaming.bert`.
public enum LoRATarget: String, CaseIterable, Codable, Sendable, Comparable {
    case q, k, v, o
    /// A decoder's MLP gate projection (Llama's `mlp.gate_proj`, d → d_ff); BERT has none. Declared where `LlamaTarget`
    /// has it, so target labels sort alike in both; the other targets keep their relative order (and every run id).
    case ffnGate = "ffn_gate"
    /// The feed-forward up-projection `intermediate.dense` (d → d_ff).
    case ffnUp = "ffn_up"
    /// The feed-forward down-projection `output.dense` (d_ff → d).
    case ffnDown = "ffn_down"

    /// The matrices of a BERT layer, in order: every target but `ffnGate`.
    public static let encoderTargets: [LoRATarget] = [.q, .k, .v, .o, .ffnUp, .ffnDown]

    /// The module path inside a BERT layer, as in the checkpoint and in PEFT's `target_modules`.
    public var moduleSuffix: String {
        switch self {
        case .q: return "attention.self.query"
        case .k: return "attention.self.key"
        case .v: return "attention.self.value"
        case .o: return "attention.output.dense"
        case .ffnUp: return "intermediate.dense"
        case .ffnDown: return "output.dense"
        case .ffnGate: return "mlp.gate_proj"     // not a BERT module: never part of `ModuleNaming.bert`'s sites
        }
    }

    /// PEFT's `target_modules` entries for this target in `layers`. PEFT matches an entry when it equals a module's
    /// name or is a dot-separated suffix of it, so q, k, v use the last component, o and ffn_up their sub-path, and
    /// ffn_down — whose sub-path `output.dense` is also a suffix of `attention.output.dense` — the full per-layer name.
    public func peftTargetModules(layers: [Int]) -> [String] {
        switch self {
        case .q: return ["query"]
        case .k: return ["key"]
        case .v: return ["value"]
        case .o, .ffnUp: return [moduleSuffix]
        case .ffnDown: return layers.map { Self.naming.modulePath(layer: $0, suffix: moduleSuffix) }
        case .ffnGate: return ["gate_proj"]
        }
    }

    /// (in, out) of this matrix for hidden size d and feed-forward size dFF.
    public func dimensions(hidden d: Int, intermediate dFF: Int) -> (inFeatures: Int, outFeatures: Int) {
        switch self {
        case .q, .k, .v, .o: return (d, d)
        case .ffnUp, .ffnGate: return (d, dFF)
        case .ffnDown: return (dFF, d)
        }
    }

    public static func < (a: LoRATarget, b: LoRATarget) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
