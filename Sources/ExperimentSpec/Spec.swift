import Foundation
import LoRA

/// A declarative experiment: which model, which task, which grid of LoRA adapters, how to train, which seeds,
/// and which of the paper's Section 7 analyses to run (Hu et al., arXiv:2106.09685 v2).
///
/// Written by researchers as JSON (`experiments/specs/*.json`) and read strictly by `decode(data:file:)`:
/// every key is known, every value has the right JSON type, defaults are filled in here (so an
/// `ExperimentSpec` has no "unset" fields except where `nil` has a meaning, such as "no gradient clipping").
/// Things that need the model (ranks from a budget, layer indices, rank bounds) or the file system
/// (checkpoint and data files) are checked by `RunPlan.resolve`.
///
/// JSON shape (required keys marked *; the rest show their default):
/// ```
/// {
///   "name"*:    "qv-rank",            // 1–64 of [a-z0-9-], no leading/trailing '-'; results go to results/<name>/
///   "title":    <name>,               // free text for reports
///   "notes":    null,                 // free text (JSON has no comments)
///   "model"*:   {"checkpoint": "models/all-MiniLM-L6-v2"} | {"builtin": "tiny"},
///   "task"*:    {"kind": "wordnet-supersense", …}           // see TaskSpec
///   "adapters"*: [{"targets": ["q","v"], "ranks": [1,2,4,8,64], "layers": null}
///                 | {"targets": ["q"], "budget": 18432}
///                 | {"headOnly": true}],                     // see AdapterSetSpec; headOnly: at most one, nothing else;
///                                                            // adapters is optional with a rankSearch
///   "rankSearch": null,               // {"targets", "ranks", "minGain", "z", "thenTargets"}: see RankSearchSpec
///   "lora":     {"alpha": 8, "rsLoRA": false, "init": "gaussian", "gaussianStd": null, "dropout": 0.0},
///   "training"*: {"steps"* | "epochs"*, "batchSize": 32, "learningRate": 0.001, "headLearningRate": null,
///                "schedule": "linear", "warmupFraction": 0.1, "weightDecay": 0.0, "clipNorm": null,
///                "evalEvery": null, "checkpointEvery": null},
///   "seeds":    {"data": [1], "init": [1], "extra": []},    // an extra: {"targets": […], "ranks": …, "data": …,
///                                                            // "init": …} or {"headOnly": true, "data": …, "init": …}
///   "analyses": <every analysis the grid supports, see AnalysesSpec(gridDefaultsFor:…)>; keys left out of a
///               given object: {"subspaceSimilarity": null, "seedSimilarity": null, "projection": null,
///                "directionOverlap": false, "spectra": false, "accuracy": true, "learningDiagnostics": true,
///                "plantedRecovery": <true for task kind planted-rank, else false>, "randomSeed": 0,
///                "nullDraws": 200},
///   "reference": null,                // "table5" | "table6" | "table7"
///   "quickLookOf": null,              // name of the spec this one is a quick look at (its report says so and links it)
///   "lengthCheckOf": null,            // name of the spec whose configurations this one repeats with more training steps
///                                     // (its report compares the two run for run: the doubling test of convergence)
///   "lengthCheckedBy": null           // name of the spec whose lengthCheckOf names this one: this report reads that
///                                     // spec's verdicts beside its own (the reproduction's convergence criterion)
/// }
/// ```
/// `{"headOnly": true}` adds the head-only baseline: the same task head trained on the frozen model with no adapters
/// (run ids `head-d<data>-i<init>-<hash>`, rank 0, no LoRA parameters), so the gain LoRA adds is visible; analyses of
/// adapters skip it. An `extra` seed entry targets it with `"headOnly": true` in place of `targets` (and no `ranks`).
/// It needs a task with a head (not planted-rank).
/// A relative checkpoint path is relative to the repository root, i.e. the directory `experiment` runs in. Relative
/// task data paths (data files, WordNet directory) are looked up in the spec file's folder first, then under the
/// repository root (`SpecPaths.resolveData`).
public struct ExperimentSpec: SpecSection {
    /// Names the results folder `results/<name>/`.
    public var name: String
    public var title: String
    public var notes: String?
    public var model: ModelSource
    public var task: TaskSpec
    /// The grid of target sets, in spec order (run order follows it); empty only when `rankSearch` is given.
    public var adapters: [AdapterSetSpec]
    /// A rank search trained after the grid, one step at a time (nil: none).
    public var rankSearch: RankSearchSpec?
    public var lora: LoRASpec
    public var training: TrainingSpec
    /// Steps between resumable checkpoints; nil = only the final state. Written in the spec as
    /// `training.checkpointEvery`, but kept out of `TrainingSpec` (and so out of run ids) because the cadence
    /// of checkpoints does not change what is trained — the runner must make resumption exact.
    public var checkpointEvery: Int?
    public var seeds: SeedSpec
    public var analyses: AnalysesSpec
    /// The paper table to set beside ours in reports.
    public var reference: PaperTable?
    /// The spec (by name, in the same specs folder) that this spec is a quick look at — a short, few-seed version
    /// of a reproduction: its report opens by saying so and links the reproduction's report (issue 11 part 7).
    public var quickLookOf: String?
    /// The spec (by name, in the same specs folder) whose configurations this spec repeats with more training steps:
    /// its report compares the two run for run — accuracy, final loss, Fig 3's φ and Table 7's projection against the
    /// other spec's seed spread — the doubling test of whether that spec trained long enough (issue 11 part 1).
    public var lengthCheckOf: String?
    /// The spec (by name, in the same specs folder) whose `lengthCheckOf` names this one: this spec's report sets that
    /// spec's verdicts beside its own and applies the convergence criterion of `LengthCheckedVerdict` — a verdict stands
    /// only when training twice as long gives the same one (issue 11 part 1).
    public var lengthCheckedBy: String?

    public init(name: String, title: String? = nil, notes: String? = nil, model: ModelSource, task: TaskSpec,
                adapters: [AdapterSetSpec], lora: LoRASpec = LoRASpec(), training: TrainingSpec,
                checkpointEvery: Int? = nil, seeds: SeedSpec = SeedSpec(), analyses: AnalysesSpec? = nil,
                reference: PaperTable? = nil, rankSearch: RankSearchSpec? = nil, quickLookOf: String? = nil,
                lengthCheckOf: String? = nil, lengthCheckedBy: String? = nil) {
        self.name = name
        self.title = title ?? name
        self.notes = notes
        self.model = model
        self.task = task
        self.adapters = adapters
        self.rankSearch = rankSearch
        self.lora = lora
        self.training = training
        self.checkpointEvery = checkpointEvery
        self.seeds = seeds
        self.analyses = analyses ?? AnalysesSpec(gridDefaultsFor: task.kind, adapters: adapters, seeds: seeds)
        self.reference = reference
        self.quickLookOf = quickLookOf
        self.lengthCheckOf = lengthCheckOf
        self.lengthCheckedBy = lengthCheckedBy
    }
}

/// Where the frozen base model comes from: exactly one of `{"checkpoint": "<path>"}` — a Hugging Face BERT model
/// directory with `config.json`, `model.safetensors` and tokenizer files, or a llama.cpp GGUF checkpoint of the Llama
/// family (the `.gguf` file, or a folder holding exactly one, e.g. `models/SmolLM2-135M-Instruct`) — or
/// `{"builtin": "tiny"}`.
public enum ModelSource: SpecSection {
    /// A checkpoint directory, as written in the spec (relative to the repository root unless absolute).
    case checkpoint(String)
    case builtin(BuiltinModel)

    /// The checkpoint directory resolved against `base` (nil for built-in models).
    public func checkpointURL(relativeTo base: URL) -> URL? {
        guard case .checkpoint(let p) = self else { return nil }
        return SpecPaths.resolve(p, against: base)
    }
}

/// Models the Model module constructs itself (no files needed).
public enum BuiltinModel: String, CaseIterable, Codable, Sendable {
    case tiny
}

/// A table of the paper (arXiv:2106.09685 v2, Section 7) that reports set beside our numbers.
public enum PaperTable: String, CaseIterable, Codable, Sendable {
    /// Sec 7.1: which weight types to adapt under a fixed parameter budget.
    case table5
    /// Sec 7.2: accuracy by rank r.
    case table6
    /// Sec 7.3: ‖UᵀWV‖_F and the amplification factor.
    case table7
}

/// Paths written in specs.
public enum SpecPaths {
    /// `path` if absolute, else `base/path` (standardised).
    public static func resolve(_ path: String, against base: URL) -> URL {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path).standardizedFileURL }
        return base.appendingPathComponent(path).standardizedFileURL
    }

    /// The GGUF file a checkpoint path names: the `.gguf` file itself, or a folder holding exactly one `.gguf` and no
    /// `config.json` (a Hugging Face folder is BERT's). nil when it is neither (or does not exist).
    public static func ggufFile(_ url: URL) -> URL? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { return nil }
        guard isFolder.boolValue else { return url.pathExtension == "gguf" ? url : nil }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        let ggufs = names.filter { $0.hasSuffix(".gguf") }
        guard !names.contains("config.json"), ggufs.count == 1 else { return nil }
        return url.appendingPathComponent(ggufs[0])
    }

    /// A task's data path (data files, WordNet folder): absolute as is; relative first against `specDirectory` (the
    /// spec file's folder) when that holds it, else against `repositoryRoot` (where older specs' paths point).
    public static func resolveData(_ path: String, specDirectory: URL?, repositoryRoot: URL) -> URL {
        if let specDirectory, !path.hasPrefix("/") {
            let candidate = resolve(path, against: specDirectory)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        return resolve(path, against: repositoryRoot)
    }
}
