import Analysis
import ExperimentSpec
import Foundation

/// The rank search's decisions as a pure function of finished runs' results (`RankSearch.path`), so that
/// `experiment run` (which trains the next candidate it names) and `experiment report` (which recomputes it from the
/// cached runs) always agree. The procedure follows the LoRA paper's rank results (Hu et al., arXiv:2106.09685 v2,
/// Sec 7.2, Table 6: a very small r is already competitive; Sec 7.1, Table 5: at a small r, adapting more matrices can
/// beat a larger r on fewer); the rule is `RankSearch.compare`, the spec section `RankSearchSpec`.
public enum RankSearch {}

/// How one run of a candidate ended, as the search reads it.
public enum RankSearchRunResult: Equatable, Sendable {
    /// Finished, with its final validation accuracy (a fraction).
    case finished(Double)
    /// Diverged, or ended without a validation accuracy: nothing the rule can read.
    case failed
}

/// The results of a candidate whose runs have all ended.
public struct RankSearchMeasurement: Equatable, Sendable {
    /// Validation accuracies of its finished runs, in run order.
    public var values: [Double]
    /// Runs that failed.
    public var failed: Int

    public init(values: [Double], failed: Int) {
        self.values = values
        self.failed = failed
    }

    /// Mean ± sample standard deviation over its runs (seeds).
    public var summary: SeedSummary { SeedSummary(values) }
    /// Whether the rule can read it: every run finished with an accuracy.
    public var usable: Bool { failed == 0 && !values.isEmpty }
    public var runs: Int { values.count + failed }

    /// The standard error of its mean accuracy: the larger of the seed spread's s/√n (n ≥ 2 seeds) and the binomial
    /// √(p(1 − p)/N) of an accuracy p on N validation examples (averaging seeds scored on the same N examples does not
    /// shrink it); nil when neither is known — a missing spread is never taken as zero.
    public func standardError(validationExamples n: Int?) -> Double? {
        let s = summary
        let seed = s.standardDeviation.map { $0 / Double(s.count).squareRoot() }
        let binomial = n.flatMap { $0 > 0 ? (s.mean * (1 - s.mean) / Double($0)).squareRoot() : nil }
        return RankSearch.larger(seed, binomial)
    }
}

/// Two candidates compared by the rule (`RankSearch.compare`).
public struct RankSearchComparison: Equatable, Sendable {
    /// Whether the challenger is the costlier side: more trainable parameters, or as many.
    public var challengerIsCostlier: Bool
    /// Mean accuracy of the costlier side minus the cheaper side's (a fraction).
    public var gain: Double
    /// √(s₁²/n₁ + s₂²/n₂) over seeds, when both sides have n ≥ 2.
    public var seedError: Double?
    /// √(p₁(1 − p₁)/N + p₂(1 − p₂)/N) on N validation examples, when N is known.
    public var binomialError: Double?
    /// The larger of the two that are known; nil when neither is.
    public var standardError: Double? { RankSearch.larger(seedError, binomialError) }
    /// minGain + z·SE: what the gain must exceed for the costlier side to be preferred (nil when SE is unknown).
    public var threshold: Double?
    /// gain − z·SE > minGain (false when SE is unknown).
    public var costlierPays: Bool
    /// The cheaper side's parameters fewer than the costlier's (0 at equal cost).
    public var extraParameters: Int
}

/// One step of the path: a candidate, what its runs gave, and what the search decided.
public struct RankSearchStep: Equatable, Sendable {
    public enum Phase: String, Sendable {
        /// The searched target set, rank by rank.
        case rank
        /// Another target set at the chosen rank.
        case targets
    }

    public enum Decision: String, Sendable {
        /// The smallest rank: the first incumbent.
        case start
        /// A larger rank that paid for its cost: it becomes the incumbent and the next rank is tried.
        case `continue`
        /// A larger rank that did not: the incumbent is the chosen rank.
        case stop
        /// Another target set preferred to the incumbent.
        case adopt
        /// Another target set not preferred: the incumbent stays.
        case keep
        /// Its runs have not all ended: the search waits for them.
        case pending
        /// Never trained: the search stopped at a smaller rank.
        case skipped
    }

    public var phase: Phase
    public var candidate: RankSearchCandidate
    /// Nil for pending and skipped steps.
    public var measurement: RankSearchMeasurement?
    /// The candidate it challenged (nil for the start, pending and skipped steps).
    public var incumbent: RankSearchCandidate?
    /// Nil when no gain was computed (start, pending, skipped, or a side that failed).
    public var comparison: RankSearchComparison?
    public var decision: Decision
    /// Why, in words, with the numbers the rule read (percentage points).
    public var reason: String
    /// True on the final choice's step.
    public var chosen = false
}

/// The search as far as the finished runs decide it.
public struct RankSearchPath: Equatable, Sendable {
    /// Every candidate decided so far, the pending one, and the ranks skipped after a stop, in the order the search
    /// met them.
    public var steps: [RankSearchStep]
    /// The candidate whose runs must end before the search can go on; nil when it is over.
    public var next: RankSearchCandidate?
    /// The final choice; nil while the search goes on, or when every candidate it ended with failed.
    public var choice: RankSearchCandidate?

    public var isComplete: Bool { next == nil }
    /// The candidates whose runs the search has needed so far (every step but the skipped ones).
    public var visited: [RankSearchCandidate] { steps.filter { $0.decision != .skipped }.map(\.candidate) }
}

extension RankSearch {
    /// The larger of two optional numbers; nil only when both are.
    static func larger(_ a: Double?, _ b: Double?) -> Double? {
        switch (a, b) {
        case let (x?, y?): return Swift.max(x, y)
        case let (x?, nil): return x
        case let (nil, y?): return y
        case (nil, nil): return nil
        }
    }
}
