import Model
import Training

extension LoadedTask {
    /// What a run of this task trains: a classifier head (classification), the final hidden states (planted rank), or
    /// the causal-LM objective on target tokens (generation, Sec 2). A head is drawn from `headSeed`.
    func objective(width: Int, headSeed: UInt64) -> Objective {
        if case .generation = self { return .causalLM }
        return .forTask(classes: classCount, width: width, headSeed: headSeed)
    }

    /// The validation metric `final.json` names first: accuracy, mse (planted rank) or loss (generation: the mean
    /// target-token cross-entropy, beside its perplexity).
    var primaryMetric: String {
        switch self {
        case .classification: return "accuracy"
        case .planted: return "mse"
        case .generation: return "loss"
        }
    }
}
