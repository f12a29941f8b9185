import Foundation
import Model
import Tasks
import Training

/// Validation metrics of a causal LM on a generation task: the mean cross-entropy over every target token of the split,
///   loss = (1/M)·Σ_examples Σ_t −log P(y_t | x, y_<t),  M = the split's target tokens (end-of-text included),
/// and perplexity = exp(loss) — the paper's conditional language-modelling objective (Sec 2) on held-out data.
public struct CausalLMMetrics: Equatable, Sendable {
    public var loss: Double
    public var tokens: Int
    public var perplexity: Double { exp(loss) }
    /// As `eval.jsonl` and `final.json` record them.
    public var asDictionary: [String: Double] { ["loss": loss, "perplexity": perplexity] }
}

extension TrainingStep {
    /// `CausalLMMetrics` over `examples` in packed batches of `batchSize` examples through the forward-only workspace:
    /// each batch's mean loss weighted by its target tokens, so the result is the mean over all M tokens. Every target
    /// token is predicted (a prompt has at least one token), so a batch's M is its examples' target-token count.
    func causalLMMetrics(_ examples: [TokenizedGenerationExample], batchSize: Int = 16) throws -> CausalLMMetrics {
        var lossSum = 0.0, tokens = 0
        for start in stride(from: 0, to: examples.count, by: batchSize) {
            let chunk = Array(examples[start..<min(examples.count, start + batchSize)])
            let (batch, mask) = GenerationBatching.batch(chunk)
            let m = chunk.reduce(0) { $0 + $1.ids.count - $1.promptTokens }
            lossSum += try lossAndGradients(batch, targets: .targetMask(mask), backward: false) * Double(m)
            tokens += m
        }
        return CausalLMMetrics(loss: tokens == 0 ? 0 : lossSum / Double(tokens), tokens: tokens)
    }
}
