import LinearAlgebra
import Model

/// What the encoder is trained to do.
public enum Objective {
    /// Pooled state → linear head → softmax cross-entropy over classes (WordNet supersense, pairs, user datasets).
    case classification(head: LinearHead, pooling: Pooling)
    /// Pooled state → linear head → mean squared error against a target vector per example.
    case regression(head: LinearHead, pooling: Pooling)
    /// Final hidden states of every real token against target states, mean squared error (the planted-rank task).
    case hiddenStates

    /// The head, if the objective has one.
    public var head: LinearHead? {
        switch self {
        case let .classification(head, _), let .regression(head, _): return head
        case .hiddenStates: return nil
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
