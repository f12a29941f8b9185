/// A weight matrix a `LoRAAdapter` can sit on, in some model family: BERT's `LoRATarget`, Llama's `LlamaTarget`.
///
/// The adapter needs only two things from it: the short name that seeds A's initialisation stream
/// (`lora/<layer>/<name>/r<rank>`) and the PEFT tensor-name prefix its factors are saved under.
public protocol AdapterSite: Sendable {
    /// The short name used in specs, run ids and A's initialisation stream (`q`, `ffn_up`, …).
    var rawValue: String { get }
    /// PEFT's tensor-name prefix of the adapter at `layer`, e.g. `base_model.model.encoder.layer.3.attention.self.query`.
    func peftPrefix(layer: Int) -> String
}

extension LoRATarget: AdapterSite {}
