import LoRA

/// One target set of the grid: which matrices get adapters, in which layers, at which ranks — or the head-only
/// baseline, which trains the task head alone on the frozen model so the gain LoRA adds over it is visible.
///
/// JSON: `{"targets": ["q","v"], "ranks": [1, 2, 4, 8, 64]}` or `{"targets": ["q"], "budget": 18432}`,
/// optionally with `"layers": [0, 1, 2]` (default `null` = every layer). Exactly one of `ranks`/`budget`.
/// Targets are q, k, v, o, ffn_up, ffn_down (no repeats; stored sorted as a set). Ranks are positive and
/// distinct, run in the order given. A budget is a number of trainable LoRA parameters from which the rank
/// is derived as in the paper's Table 5 (see `RunPlan.rank(forBudget:…)`).
///
/// The head-only baseline is `{"headOnly": true}` with no other key (no targets, ranks, budget or layers); a spec has
/// at most one. It is stored as `targets == []`, `size == .headOnly`, `layers == nil` (`AdapterSetSpec.headOnly`), and
/// runs once per seed pair, at rank 0 with no LoRA parameters (`RunConfig.headOnly`).
public struct AdapterSetSpec: SpecSection {
    /// Empty for the head-only baseline only.
    public var targets: [LoRATarget]
    public var size: AdapterSize
    /// Layer indices (distinct, as written), or nil for every layer of the model (always nil for head-only).
    public var layers: [Int]?

    public init(targets: [LoRATarget], size: AdapterSize, layers: [Int]? = nil) {
        self.targets = Array(Set(targets)).sorted()
        self.size = size
        self.layers = layers
    }

    /// The head-only baseline set: `{"headOnly": true}`.
    public static let headOnly = AdapterSetSpec(targets: [], size: .headOnly)

    /// True for the head-only baseline (no adapters; the task head trains alone).
    public var isHeadOnly: Bool { size == .headOnly }
}

/// Ranks given explicitly, a parameter budget to derive one rank from, or no adapters at all (the head-only baseline).
public enum AdapterSize: Equatable, Sendable {
    case ranks([Int])
    case budget(Int)
    case headOnly
}

/// How the LoRA adapters are parameterised (paper Sec 4.1): ΔW = (α/r)·B·A, or α/√r with rsLoRA.
///
/// JSON: `{"alpha": 8, "rsLoRA": false, "init": "gaussian", "gaussianStd": null, "dropout": 0.0}`.
/// `alpha` is a number > 0, or `"rank"` for α = r (scaling 1). The default α = 8 is fixed across ranks, as
/// in the paper, which sets α to the first r tried and does not tune it. `init` is `gaussian` (PEFT's:
/// A ~ N(0, σ²), σ = `gaussianStd`, default 1/r) or `kaiming-uniform`; `gaussianStd` (> 0) is only allowed
/// with `gaussian`. `dropout` is in [0, 1).
public struct LoRASpec: SpecSection {
    public var alpha: LoRAAlpha
    public var rsLoRA: Bool
    public var initialization: LoRAInitialization
    public var gaussianStd: Double?
    public var dropout: Double

    public init(alpha: LoRAAlpha = .value(8), rsLoRA: Bool = false, initialization: LoRAInitialization = .gaussian,
                gaussianStd: Double? = nil, dropout: Double = 0) {
        self.alpha = alpha
        self.rsLoRA = rsLoRA
        self.initialization = initialization
        self.gaussianStd = gaussianStd
        self.dropout = dropout
    }

    /// The adapter hyper-parameters at rank `r`, with α resolved.
    public func parameters(rank r: Int) -> LoRAParameters {
        let a: Double
        switch alpha {
        case .value(let v): a = v
        case .rank: a = Double(r)
        }
        return LoRAParameters(rank: r, alpha: a, rsLoRA: rsLoRA, initialization: initialization,
                              gaussianStd: gaussianStd, dropout: dropout)
    }
}

/// α: a fixed number, or `"rank"` (α = r).
public enum LoRAAlpha: Equatable, Sendable {
    case value(Double)
    case rank
}

/// Optimisation of one run: AdamW on the LoRA parameters and the task head.
///
/// JSON: exactly one of `steps` (integer ≥ 1) or `epochs` (number > 0), then, with defaults from
/// `docs/calibration.md`: `batchSize` 32, `learningRate` 0.001 (peak), `headLearningRate` null (= the
/// learning rate), `schedule` "linear" (warm-up then linear decay to 0) | "cosine" (warm-up then cosine decay
/// to 0) | "constant" (warm-up then flat), `warmupFraction` 0.1 (of all steps, in [0, 1]), `weightDecay` 0.0
/// (≥ 0), `clipNorm` null (no clipping; else the max global gradient norm, > 0), `evalEvery` null (evaluate
/// only at the end; else every n steps and at the end), `accumulationSteps` 1 (gradient accumulation: each optimiser
/// step sums the gradients of this many batches of `batchSize`, so the effective batch is batchSize × accumulationSteps;
/// `TrainingStep.step(microBatches:…)`).
///
/// Epochs stay epochs here because the step count needs the training-set size, which only the runner
/// knows once the task is loaded: it calls `totalSteps(trainExamples:)`.
public struct TrainingSpec: SpecSection {
    public var length: TrainingLength
    public var batchSize: Int
    public var learningRate: Double
    /// nil = same as `learningRate` (`RunConfig` always holds the resolved value).
    public var headLearningRate: Double?
    public var schedule: LearningRateSchedule
    public var warmupFraction: Double
    public var weightDecay: Double
    /// nil = no gradient clipping.
    public var clipNorm: Double?
    /// nil = evaluate only after the last step.
    public var evalEvery: Int?
    /// Batches per optimiser step (gradient accumulation); 1 = none.
    public var accumulationSteps: Int = 1

    public init(length: TrainingLength, batchSize: Int = 32, learningRate: Double = 1e-3, headLearningRate: Double? = nil,
                schedule: LearningRateSchedule = .linear, warmupFraction: Double = 0.1, weightDecay: Double = 0,
                clipNorm: Double? = nil, evalEvery: Int? = nil) {
        self.length = length
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.headLearningRate = headLearningRate
        self.schedule = schedule
        self.warmupFraction = warmupFraction
        self.weightDecay = weightDecay
        self.clipNorm = clipNorm
        self.evalEvery = evalEvery
    }

    /// Examples per optimiser step: batchSize × accumulationSteps.
    public var effectiveBatchSize: Int { batchSize * accumulationSteps }

    /// Optimiser steps for a training set of `trainExamples`: `steps`, or ⌈epochs · n / effectiveBatchSize⌉
    /// (the last batch of an epoch may be short), at least 1 and at most 2⁵³ (so an absurd epoch count cannot trap
    /// converting to `Int`).
    public func totalSteps(trainExamples n: Int) -> Int {
        switch length {
        case .steps(let s): return s
        case .epochs(let e): return max(1, Int(min((e * Double(n) / Double(effectiveBatchSize)).rounded(.up), 0x1p53)))
        }
    }

    /// Warm-up steps: ⌊warmupFraction · total⌋.
    public func warmupSteps(totalSteps: Int) -> Int { Int((warmupFraction * Double(totalSteps)).rounded(.down)) }

    /// The head's learning rate (`learningRate` when not given).
    public var effectiveHeadLearningRate: Double { headLearningRate ?? learningRate }
}

/// Length of training: optimiser steps, or passes over the training set.
public enum TrainingLength: Equatable, Sendable {
    case steps(Int)
    case epochs(Double)
}

public enum LearningRateSchedule: String, CaseIterable, Codable, Sendable {
    case linear, cosine, constant
}

/// The seeds of the grid. Data-order and adapter-initialisation seeds are separate (docs/conventions.md) and both
/// recorded in every run.
///
/// JSON: `{"data": [1], "init": [1], "extra": [{"targets": ["q","v"], "ranks": [64], "data": [1], "init": [2]}]}`.
/// Every (target set, rank) runs once for each pair in `data × init`. Each `extra` entry adds runs for the
/// adapter sets whose targets equal its `targets` (as a set), only at its `ranks` (default: every rank of those
/// sets), for each pair in its `data × init` (defaults: the top-level lists) not already run — e.g. a second
/// initialisation at r = 64 for Fig. 4 without doubling the whole grid. Seeds are integers ≥ 0, distinct per list.
/// An entry for the head-only baseline is `{"headOnly": true, "data": […], "init": […]}`: `headOnly` in place of
/// `targets`, and no `ranks` (the baseline has none); the init seed initialises its task head.
public struct SeedSpec: SpecSection {
    public var data: [UInt64]
    public var initialization: [UInt64]
    public var extra: [ExtraSeeds]

    public init(data: [UInt64] = [1], initialization: [UInt64] = [1], extra: [ExtraSeeds] = []) {
        self.data = data
        self.initialization = initialization
        self.extra = extra
    }

    /// `data × init`, data-major: (d1,i1), (d1,i2), (d2,i1)…
    public var pairs: [SeedPair] { data.flatMap { d in initialization.map { SeedPair(data: d, initialization: $0) } } }
}

/// Extra seed pairs for some (targets, ranks) of the grid, or for the head-only baseline (`targets == []`, `ranks == nil`).
public struct ExtraSeeds: Equatable, Sendable {
    /// Empty for an entry of the head-only baseline.
    public var targets: [LoRATarget]
    /// nil = every rank of the matching adapter sets (always nil for the head-only baseline).
    public var ranks: [Int]?
    public var data: [UInt64]
    public var initialization: [UInt64]

    public init(targets: [LoRATarget], ranks: [Int]? = nil, data: [UInt64], initialization: [UInt64]) {
        self.targets = Array(Set(targets)).sorted()
        self.ranks = ranks
        self.data = data
        self.initialization = initialization
    }

    /// Extra seed pairs of the head-only baseline: `{"headOnly": true, "data": […], "init": […]}`.
    public static func headOnly(data: [UInt64], initialization: [UInt64]) -> ExtraSeeds {
        ExtraSeeds(targets: [], data: data, initialization: initialization)
    }

    /// True for an entry of the head-only baseline.
    public var isHeadOnly: Bool { targets.isEmpty }

    public var pairs: [SeedPair] { data.flatMap { d in initialization.map { SeedPair(data: d, initialization: $0) } } }
}

/// A data-order seed and an adapter-initialisation seed.
public struct SeedPair: Equatable, Hashable, Codable, Sendable {
    public var data: UInt64
    public var initialization: UInt64
    public init(data: UInt64, initialization: UInt64) {
        self.data = data
        self.initialization = initialization
    }
}
