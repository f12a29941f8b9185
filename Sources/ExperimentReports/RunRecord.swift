import ExperimentSpec
import Foundation
import LoRA

/// What a finished (or diverged) run leaves in its folder `results/<spec>/runs/<run-id>/`, as the report needs it.
///
/// Folder layout (docs/conventions.md, "Results"):
/// - `config.json`    — the resolved run configuration and resolved spec (`RunConfigFile`)
/// - `metrics.jsonl`  — one JSON object per optimizer step: step, loss, lr, grad_norm, tokens_per_s
/// - `eval.jsonl`     — one JSON object per validation pass: step, metrics
/// - `final.json`     — `RunOutcome` (status, final validation metrics, timing, machine facts)
/// - `adapter/`       — PEFT LoRA directory (`adapter_config.json`, `adapter_model.safetensors`); not written for a
///                      head-only run, which has no adapters (`isHeadOnly`: every reader of adapters skips it)
/// - `head.safetensors` — the task head (`head.weight`, `head.bias`), when the task has one
/// - `generations.json` — generation tasks: greedy continuations before and after fine-tuning (`GenerationRecord`)
/// - `checkpoint/`    — resumable training state; deleted when the run finishes, never committed
public struct RunRecord: Codable, Equatable, Sendable {
    /// Stable run id, e.g. `qv-r8-d1-i1-3fa9c0d2e1` (`head-d1-i1-…` for the head-only baseline).
    public var id: String
    /// Empty for a head-only run.
    public var targets: [LoRATarget]
    public var layers: [Int]
    /// 0 for a head-only run.
    public var rank: Int
    /// 0 for a head-only run.
    public var alpha: Double
    public var rsLoRA: Bool
    /// α/r, or α/√r with rsLoRA: ΔW = scaling·B·A (0 for a head-only run).
    public var scaling: Double
    public var dataSeed: UInt64
    public var initSeed: UInt64
    public var trainableParameters: Int
    public var outcome: RunOutcome
    /// The run folder.
    public var directory: URL
    /// The PEFT adapter directory inside it (absent for a head-only run).
    public var adapterDirectory: URL { directory.appendingPathComponent("adapter") }

    public init(id: String, targets: [LoRATarget], layers: [Int], rank: Int, alpha: Double, rsLoRA: Bool, scaling: Double,
                dataSeed: UInt64, initSeed: UInt64, trainableParameters: Int, outcome: RunOutcome, directory: URL) {
        self.id = id; self.targets = targets; self.layers = layers; self.rank = rank; self.alpha = alpha; self.rsLoRA = rsLoRA
        self.scaling = scaling; self.dataSeed = dataSeed; self.initSeed = initSeed; self.trainableParameters = trainableParameters
        self.outcome = outcome; self.directory = directory
    }

    /// Short label of the target set, e.g. "q+v"; `headOnlyLabel` for the head-only baseline.
    public var targetLabel: String { isHeadOnly ? Self.headOnlyLabel : targets.map(\.rawValue).joined(separator: "+") }

    /// The target label of the head-only baseline in CSVs and reports (`accuracy.csv`'s `targets` column).
    public static let headOnlyLabel = RunConfig.headOnlyLabel

    /// True for a head-only baseline run: the task head trained on the frozen model with no adapters.
    public var isHeadOnly: Bool { targets.isEmpty }
    /// Label identifying rank and seeds, e.g. "r8-s1" (init seed; data seed added when it differs: "r8-s1-d2").
    public var rankSeedLabel: String { "r\(rank)-s\(initSeed)" + (dataSeed == initSeed ? "" : "-d\(dataSeed)") }
}

/// `final.json` of a run.
public struct RunOutcome: Codable, Equatable, Sendable {
    public enum Status: String, Codable, Sendable { case finished, diverged }
    public var status: Status
    /// Steps completed (the diverging step for diverged runs).
    public var steps: Int
    /// Name of the validation metric the task reports first ("accuracy" for classification, "mse" for planted-rank).
    public var primaryMetric: String
    /// Final validation metrics by name (accuracy, macro_f1, loss, mse, cosine …).
    public var validation: [String: Double]
    /// Majority-class share of the validation split (classification only).
    public var majorityBaseline: Double?
    public var trainSeconds: Double
    /// Seconds spent in validation passes (packed batches, forward only); nil in runs recorded before it was measured.
    public var evalSeconds: Double?
    public var headParameters: Int
    public var machine: MachineFacts

    public init(status: Status, steps: Int, primaryMetric: String, validation: [String: Double], majorityBaseline: Double?,
                trainSeconds: Double, evalSeconds: Double? = nil, headParameters: Int, machine: MachineFacts) {
        self.status = status; self.steps = steps; self.primaryMetric = primaryMetric; self.validation = validation
        self.majorityBaseline = majorityBaseline; self.trainSeconds = trainSeconds; self.evalSeconds = evalSeconds
        self.headParameters = headParameters
        self.machine = machine
    }

    /// The primary validation metric's value.
    public var primaryValue: Double? { validation[primaryMetric] }
}

/// Facts about the machine a run used, recorded with it.
public struct MachineFacts: Codable, Equatable, Sendable {
    public var cpu: String
    public var cores: Int
    public var threads: Int
    public var blas: String
    public var gitCommit: String
    public var swiftVersion: String?
    public init(cpu: String, cores: Int, threads: Int, blas: String, gitCommit: String, swiftVersion: String?) {
        self.cpu = cpu; self.cores = cores; self.threads = threads; self.blas = blas; self.gitCommit = gitCommit; self.swiftVersion = swiftVersion
    }
}
