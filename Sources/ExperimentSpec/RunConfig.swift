import Foundation
import LoRA
import Support

/// Everything that affects the training of one run — and nothing else (no title, analyses, report or
/// checkpoint cadence), so that a run's id changes exactly when its result could.
///
/// Conventions (docs/conventions.md): ΔW = (α/r)·B·A (rsLoRA: α/√r); `dataSeed` orders the training data and
/// `initSeed` initialises the adapters (A; B starts at zero) — separate, both recorded. `training` is resolved
/// (`headLearningRate` is never nil); epochs stay epochs until the runner knows the training-set size
/// (`TrainingSpec.totalSteps(trainExamples:)`). Paths stay as written in the spec (relative to the repository
/// root), so ids do not depend on where the repository is checked out; the runner should also record the
/// checkpoint's digest, which the id does not cover.
///
/// JSON (the run folder's resolved config): `{"id", "model", "task", "targets", "layers", "lora": {"rank",
/// "alpha", "rsLoRA", "init", "gaussianStd", "dropout"}, "training", "dataSeed", "initSeed", "trainableParameters"}`.
/// A head-only baseline run (`RunConfig.headOnly`) has no adapters: `"targets": []`, `"layers": []`, `"lora": null`,
/// `"trainableParameters": 0`; its `initSeed` initialises the task head, as in every run.
public struct RunConfig: SpecSection {
    public var model: ModelSource
    public var task: TaskSpec
    /// Sorted (q, k, v, o, ffn_up, ffn_down order), distinct; empty for a head-only run.
    public var targets: [LoRATarget]
    /// Sorted layer indices that carry adapters.
    public var layers: [Int]
    /// Rank, resolved α, rsLoRA, initialisation, Gaussian σ (nil = PEFT's 1/r), dropout.
    public var lora: LoRAParameters
    public var training: TrainingSpec
    public var dataSeed: UInt64
    public var initSeed: UInt64
    /// LoRA parameters: Σ over adapted matrices and layers of r·(in + out). The task head's parameters are
    /// counted separately by the runner.
    public var trainableParameters: Int
    /// `<prefix>-<hash10>`, e.g. `qv-r8-d1-i1-3f9a0c1b2d` (`head-d1-i1-…` for a head-only run): the prefix is for
    /// people (targets, rank, data seed, init seed); the hash is the first 10 hex digits of SHA-256 of
    /// `canonicalIdentity`. Set by the initialiser; after changing a field call `refreshID()`.
    public private(set) var id: String

    /// With no targets the run is head-only: `layers`, `lora` and `trainableParameters` then take their no-adapter
    /// values ([], `RunConfig.noAdapters`, 0) whatever is passed, so a head-only run has one identity.
    public init(model: ModelSource, task: TaskSpec, targets: [LoRATarget], layers: [Int], lora: LoRAParameters,
                training: TrainingSpec, dataSeed: UInt64, initSeed: UInt64, trainableParameters: Int) {
        self.model = model
        self.task = task
        self.targets = Array(Set(targets)).sorted()
        self.layers = targets.isEmpty ? [] : Array(Set(layers)).sorted()
        self.lora = targets.isEmpty ? Self.noAdapters : lora
        var t = training
        t.headLearningRate = training.effectiveHeadLearningRate
        self.training = t
        self.dataSeed = dataSeed
        self.initSeed = initSeed
        self.trainableParameters = targets.isEmpty ? 0 : trainableParameters
        self.id = ""
        self.id = computedID()
    }

    // MARK: identity

    /// Short code of the targets: q, k, v, o by letter, ffn_up as `up`, ffn_down as `down`, ffn_gate as `gate` (`qv`,
    /// `qkvo`, `qup`).
    public static func targetCode(_ targets: [LoRATarget]) -> String {
        targets.sorted().map { t -> String in
            switch t {
            case .ffnUp: return "up"
            case .ffnDown: return "down"
            case .ffnGate: return "gate"
            default: return t.rawValue
            }
        }.joined()
    }

    /// `<targets>-r<rank>-d<data seed>-i<init seed>`, e.g. `qv-r8-d1-i1`; `head-d<data seed>-i<init seed>` for a
    /// head-only run.
    public var prefix: String {
        isHeadOnly ? "head-d\(dataSeed)-i\(initSeed)" : "\(Self.targetCode(targets))-r\(lora.rank)-d\(dataSeed)-i\(initSeed)"
    }

    /// This config's JSON without `id` (`"lora": null` for a head-only run, whose identity the spec's LoRA settings,
    /// which it does not use, must not change).
    public var identityJSON: JSONValue {
        .object([
            JSONMember("model", model.json),
            JSONMember("task", task.json),
            JSONMember("targets", .strings(targets.map(\.rawValue))),
            JSONMember("layers", .ints(layers)),
            JSONMember("lora", isHeadOnly ? .null : .object([
                JSONMember("rank", .int(lora.rank)),
                JSONMember("alpha", .double(lora.alpha)),
                JSONMember("rsLoRA", .bool(lora.rsLoRA)),
                JSONMember("init", .string(lora.initialization.rawValue)),
                JSONMember("gaussianStd", .optional(lora.gaussianStd, JSONValue.double)),
                JSONMember("dropout", .double(lora.dropout)),
            ])),
            JSONMember("training", training.json),
            JSONMember("dataSeed", .uint(dataSeed)),
            JSONMember("initSeed", .uint(initSeed)),
            JSONMember("trainableParameters", .int(trainableParameters)),
        ])
    }

    /// The hashed text: `identityJSON` with sorted keys, no whitespace, normalised numbers (`CanonicalJSON`).
    public var canonicalIdentity: String { CanonicalJSON.canonical(identityJSON) }

    /// The id these fields give.
    public func computedID() -> String { "\(prefix)-\(SHA256.hex(canonicalIdentity).prefix(10))" }

    /// Whether `id` matches the fields (false for a config edited by hand, or written by a version of this
    /// code that encoded configs differently — either way, not the same run).
    public var hasCurrentID: Bool { id == computedID() }

    public mutating func refreshID() { id = computedID() }

    // MARK: JSON

    public var json: JSONValue {
        guard case .object(let members) = identityJSON else { return identityJSON }
        return .object([JSONMember("id", .string(id))] + members)
    }

    /// Pretty, sorted-key bytes for the run folder (identical for equal configs).
    public func jsonData() -> Data { Data(CanonicalJSON.pretty(json).utf8) }

    /// Reads a run config strictly; the stored `id` is kept as written (check `hasCurrentID`). `"lora": null` reads a
    /// head-only run (`readHeadOnly`).
    public init(reading r: JSONReader) throws {
        let o = try r.object(allowed: ["id", "model", "task", "targets", "layers", "lora", "training", "dataSeed", "initSeed",
                                       "trainableParameters"])
        let id = try o.required("id").nonEmptyString()
        if try o.required("lora").isNull {
            self = try Self.readHeadOnly(o)
            self.id = id
            return
        }
        let l = try o.required("lora").object(allowed: ["rank", "alpha", "rsLoRA", "init", "gaussianStd", "dropout"])
        let lora = LoRAParameters(rank: try l.required("rank").positiveInt(), alpha: try l.required("alpha").positiveDouble(),
                                  rsLoRA: try l.required("rsLoRA").bool(),
                                  initialization: try l.required("init").enumeration(LoRAInitialization.self, what: "init"),
                                  gaussianStd: try l.nullable("gaussianStd", default: nil) { try $0.positiveDouble() },
                                  dropout: try l.required("dropout").double(in: 0, 1, upperOpen: true))
        self.init(model: try ModelSource(reading: o.required("model")), task: try TaskSpec(reading: o.required("task")),
                  targets: try SpecRead.targets(o.required("targets")), layers: try SpecRead.layers(o.required("layers")),
                  lora: lora, training: try TrainingSpec(reading: o.required("training")),
                  dataSeed: try o.required("dataSeed").uint64(), initSeed: try o.required("initSeed").uint64(),
                  trainableParameters: try o.required("trainableParameters").positiveInt())
        self.id = id
    }
}
