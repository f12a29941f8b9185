/// A weight matrix a `LoRAAdapter` can sit on, in some model family: BERT's `LoRATarget`, Llama's `LlamaTarget`.
///
/// The adapter needs only its short name, which seeds A's initialisation stream (`lora/<layer>/<name>/r<rank>`), and its
/// module path inside a layer; every full name (PEFT tensor prefix, checkpoint weight) comes from the family's
/// `ModuleNaming`, so it is spelled in one place.
public protocol AdapterSite: Sendable {
    /// The short name used in specs, run ids and A's initialisation stream (`q`, `ffn_up`, …): family-neutral, the same
    /// for matrices of the same role in different families.
    var rawValue: String { get }
    /// The module path inside one layer (`attention.self.query`, `self_attn.q_proj`).
    var moduleSuffix: String { get }
    /// PEFT's `target_modules` entries that select exactly this matrix in `layers` and no other.
    func peftTargetModules(layers: [Int]) -> [String]
    /// The family's module names.
    static var naming: ModuleNaming { get }
}

extension LoRATarget: AdapterSite {
    public static var naming: ModuleNaming { .bert }
}
