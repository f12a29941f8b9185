/// One line of a run's metrics.jsonl: what one optimiser step did (written by the runner, read by reports).
public struct StepLine: Codable, Sendable {
    public let step: Int
    public let loss: Double
    public let lr: Double
    public let gradNorm: Double
    public let tokensPerS: Double
    public init(step: Int, loss: Double, lr: Double, gradNorm: Double, tokensPerS: Double) {
        self.step = step; self.loss = loss; self.lr = lr; self.gradNorm = gradNorm; self.tokensPerS = tokensPerS
    }
    enum CodingKeys: String, CodingKey { case step, loss, lr, gradNorm = "grad_norm", tokensPerS = "tokens_per_s" }
}

/// One line of a run's eval.jsonl: validation metrics after a step.
public struct EvalLine: Codable, Sendable {
    public let step: Int
    public let metrics: [String: Double]
    public init(step: Int, metrics: [String: Double]) { self.step = step; self.metrics = metrics }
}
