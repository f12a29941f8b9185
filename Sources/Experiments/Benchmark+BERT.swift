import LoRA
import Model

/// The benchmark's FLOP model, per family: the exact matrix-product work of one training step, which turns seconds into
/// GFLOPS. It depends on the architecture, so each family has its own count; BERT's is the only one so far.
extension Benchmark {
    /// The step FLOPs of `model` on sequences of `lengths` (see the family's `stepFLOPs(config:lengths:…)`).
    /// - Throws: `ModelError.unsupportedFamily` for a family without a FLOP model.
    static func stepFLOPs(model: any AdaptableModel, lengths: [Int], targets: [LoRATarget], rank: Int, classes: Int) throws -> Int {
        guard let bert = model as? BertModel else {
            throw ModelError.unsupportedFamily(feature: "the benchmark's FLOP count", architecture: model.architectureSummary)
        }
        return stepFLOPs(config: bert.config, lengths: lengths, targets: targets, rank: rank, classes: classes)
    }

    /// Exact matrix-product FLOPs (2·m·n·k per product) of one training step, the engine-independent work, for B
    /// sequences of T tokens (N = B·T rows); see `stepFLOPs(config:lengths:…)`.
    public static func stepFLOPs(config c: BertConfig, batch b: Int, tokens t: Int, targets: [LoRATarget], rank r: Int,
                                 layers adapted: [Int]? = nil, classes k: Int) -> Int {
        stepFLOPs(config: c, lengths: [Int](repeating: t, count: b), targets: targets, rank: r, layers: adapted, classes: k)
    }

    /// Exact matrix-product FLOPs (2·m·n·k per product) of one training step on sequences of the given lengths, counted
    /// on those tokens only (N = Σ lengths rows; attention over each sequence's own length, S₂ = Σ lengths²):
    /// forward — q, k, v, o (4·2·N·d²), scores and context (2·2·S₂·d), feed-forward (2·2·N·d·d_ff), each adapter
    /// (2·N·r·(in + out)), head (2·B·d·K); backward — input gradients of the frozen linears in every layer above the lowest
    /// adapted one, and in that layer only o and the feed-forward ones; attention backward (4·2·S₂·d) per backpropagated
    /// layer; per adapter dB and dt (2·2·N·out·r), dA (2·N·r·in) and dx (2·N·r·in) where the input gradient is needed;
    /// head dW and dpooled (2·2·B·K·d).
    public static func stepFLOPs(config c: BertConfig, lengths: [Int], targets: [LoRATarget], rank r: Int,
                                 layers adapted: [Int]? = nil, classes k: Int) -> Int {
        let b = lengths.count, n = lengths.reduce(0, +), s2 = lengths.reduce(0) { $0 + $1 * $1 }
        let d = c.hiddenSize, f = c.intermediateSize
        let adaptedLayers = adapted ?? Array(0..<c.layers)
        var flop = 0
        // Forward.
        flop += c.layers * (4 * 2 * n * d * d + 2 * 2 * s2 * d + 2 * 2 * n * d * f)
        for target in targets {
            let (inF, outF) = target.dimensions(hidden: d, intermediate: f)
            flop += adaptedLayers.count * 2 * n * r * (inF + outF)
        }
        flop += 2 * b * d * k
        // Backward.
        guard let lowest = adaptedLayers.min(), !targets.isEmpty else { return flop }
        for l in lowest..<c.layers {
            let above = l > lowest
            flop += (above ? 4 : 1) * 2 * n * d * d + 2 * 2 * n * d * f     // input gradients of frozen linears
            flop += 4 * 2 * s2 * d                                           // attention backward
            guard adaptedLayers.contains(l) else { continue }
            for target in targets {
                let (inF, outF) = target.dimensions(hidden: d, intermediate: f)
                let needsDx = above || ![.q, .k, .v].contains(target)
                flop += 2 * 2 * n * outF * r + 2 * n * r * inF + (needsDx ? 2 * n * r * inF : 0)
            }
        }
        flop += 2 * 2 * b * k * d
        return flop
    }

}
