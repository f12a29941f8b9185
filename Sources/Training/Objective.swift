import LinearAlgebra
import Model

/// What the model is trained to do.
public enum Objective {
    /// Pooled state → linear head → softmax cross-entropy over classes (WordNet supersense, pairs, user datasets).
    case classification(head: LinearHead, pooling: Pooling)
    /// Pooled state → linear head → mean squared error against a target vector per example.
    case regression(head: LinearHead, pooling: Pooling)
    /// Final hidden states of every real token against target states, mean squared error (the planted-rank task).
    case hiddenStates
    /// The paper's conditional language-modelling objective (Sec 2): maximise Σ_t log P(y_t | x, y_<t), i.e. minimise
    /// the mean next-token cross-entropy over the target tokens y of each prompt x → target y example (the prompt is
    /// context, its tokens carry no loss). Needs a `CausalLanguageModel`; there is no head (the model's own output
    /// projection gives the logits).
    case causalLM

    /// The head, if the objective has one.
    public var head: LinearHead? {
        switch self {
        case let .classification(head, _), let .regression(head, _): return head
        case .hiddenStates, .causalLM: return nil
        }
    }
}

/// Targets of one batch, matching the objective.
public enum BatchTargets {
    /// (B) class indices.
    case labels([Int])
    /// (B × K) regression targets.
    case vectors(Matrix<Float>)
    /// (N × d) target hidden states in the batch's layout; rows of padding tokens are ignored.
    case hiddenStates([Float])
    /// (N) 1 on the target tokens of the batch's layout, 0 on prompt and padding tokens (`CausalLanguageModel`).
    case targetMask([Float])
}

/// Errors of the training layer.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    case targetsDoNotMatchObjective(String)
    case diverged(step: Int, loss: Double)

    public var description: String {
        switch self {
        case let .targetsDoNotMatchObjective(s): return "batch targets do not match the objective: \(s)"
        case let .diverged(step, loss): return "training diverged at step \(step): loss \(loss)"
        }
    }
}
