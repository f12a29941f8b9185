/// A weight matrix of a Llama decoder layer that can carry a LoRA adapter: the attention projections q, k, v, o and
/// the SwiGLU MLP's gate, up and down projections (the seven `target_modules` PEFT users list for Llama models).
///
/// Raw values are the short names of specs and run ids. q, k, v, o, `ffn_up` and `ffn_down` are spelled as BERT's
/// `LoRATarget` spells the matrices with the same role (so one family-neutral name can later cover both); `ffn_gate` has
/// no BERT counterpart. They are also llama.cpp's GGUF names minus the `attn_` prefix of q, k, v.
public enum LlamaTarget: String, CaseIterable, Codable, Sendable, Comparable, AdapterSite {
    case q, k, v, o
    /// The MLP's gate projection `mlp.gate_proj` (d → d_ff), the argument of SiLU.
    case ffnGate = "ffn_gate"
    /// The MLP's up projection `mlp.up_proj` (d → d_ff), multiplied by SiLU(gate).
    case ffnUp = "ffn_up"
    /// The MLP's down projection `mlp.down_proj` (d_ff → d).
    case ffnDown = "ffn_down"

    /// The module path inside a Hugging Face `LlamaDecoderLayer` (`model.layers.N.<suffix>`), as in PEFT's names.
    public var moduleSuffix: String {
        switch self {
        case .q: return "self_attn.q_proj"
        case .k: return "self_attn.k_proj"
        case .v: return "self_attn.v_proj"
        case .o: return "self_attn.o_proj"
        case .ffnGate: return "mlp.gate_proj"
        case .ffnUp: return "mlp.up_proj"
        case .ffnDown: return "mlp.down_proj"
        }
    }

    /// The tensor of this matrix in a llama.cpp GGUF file: `blk.N.<name>.weight`.
    public var ggufName: String {
        switch self {
        case .q: return "attn_q"
        case .k: return "attn_k"
        case .v: return "attn_v"
        case .o: return "attn_output"
        case .ffnGate: return "ffn_gate"
        case .ffnUp: return "ffn_up"
        case .ffnDown: return "ffn_down"
        }
    }

    /// PEFT's `target_modules` entry: the last component (`q_proj`, …, `down_proj`), unique within a Llama layer.
    public var peftTargetModule: String { String(moduleSuffix.split(separator: ".").last!) }

    /// `peftTargetModule`, which selects this matrix in every layer (`layers_to_transform` limits the layers).
    public func peftTargetModules(layers: [Int]) -> [String] { [peftTargetModule] }

    public static var naming: ModuleNaming { .llama }

    /// GGUF tensor name of the frozen weight at `layer`.
    public func ggufWeightName(layer: Int) -> String { "blk.\(layer).\(ggufName).weight" }

    /// (in, out) of this matrix for hidden size d, key/value width d_kv = H_kv·dₕ and MLP size d_ff.
    public func dimensions(hidden d: Int, keyValue dKV: Int, intermediate dFF: Int) -> (inFeatures: Int, outFeatures: Int) {
        switch self {
        case .q, .o: return (d, d)
        case .k, .v: return (d, dKV)
        case .ffnGate, .ffnUp: return (d, dFF)
        case .ffnDown: return (dFF, d)
        }
    }

    public static func < (a: LlamaTarget, b: LlamaTarget) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
