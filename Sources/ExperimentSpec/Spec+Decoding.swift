import Foundation
import LoRA

extension ExperimentSpec {
    static let topLevelKeys = ["name", "title", "notes", "model", "task", "adapters", "rankSearch", "lora", "training", "seeds", "analyses", "reference",
                               "quickLookOf", "lengthCheckOf", "lengthCheckedBy"]

    /// Decodes a spec strictly from JSON bytes; `file` names the spec in errors. Throws the first `SpecError`.
    public static func decode(data: Data, file: String) throws -> ExperimentSpec {
        try ExperimentSpec(reading: JSONReader(root: StrictJSON.parse(data, file: file), file: file))
    }

    /// Reads the sections in schema order; within an object, an unknown key is reported before any value.
    public init(reading r: JSONReader) throws {
        let o = try r.object(allowed: Self.topLevelKeys)
        let nameReader = try o.required("name")
        name = try nameReader.string()
        if !Self.isValidName(name) {
            throw nameReader.error("must be 1–64 characters of a–z, 0–9 and '-', not starting or ending with '-' "
                                   + "(it names the folder results/<name>/), got \(nameReader.shortDescription)")
        }
        title = try o.optional("title", default: name) { try $0.nonEmptyString() }
        notes = try o.nullable("notes", default: nil) { try $0.string() }
        model = try ModelSource(reading: o.required("model"))
        task = try TaskSpec(reading: o.required("task"))
        // With a rank search, `adapters` may be left out (no grid); when given it is never empty.
        let searches = o["rankSearch"].map { !$0.isNull } ?? false
        adapters = searches && !o.has("adapters") ? []
            : try o.required("adapters").nonEmptyArray().map { try AdapterSetSpec(reading: $0) }
        rankSearch = try o.nullable("rankSearch", default: nil) { try RankSearchSpec(reading: $0) }
        lora = try o.optional("lora", default: LoRASpec()) { try LoRASpec(reading: $0) }
        (training, checkpointEvery) = try TrainingSpec.read(o.required("training"), allowCheckpointEvery: true)
        seeds = try o.optional("seeds", default: SeedSpec()) { try SeedSpec(reading: $0) }
        let kind = task.kind
        analyses = try o.optional("analyses", default: AnalysesSpec(gridDefaultsFor: kind, adapters: adapters, seeds: seeds)) {
            try AnalysesSpec(reading: $0, taskKind: kind)
        }
        reference = try o.nullable("reference", default: nil) { try $0.enumeration(PaperTable.self, what: "reference table") }
        let ownName = name
        quickLookOf = try o.nullable("quickLookOf", default: nil) { v in
            try Self.otherSpecName(v, own: ownName, role: "the full spec this one is a quick look at")
        }
        lengthCheckOf = try o.nullable("lengthCheckOf", default: nil) { v in
            try Self.otherSpecName(v, own: ownName, role: "the spec whose configurations this one trains longer")
        }
        lengthCheckedBy = try o.nullable("lengthCheckedBy", default: nil) { v in
            try Self.otherSpecName(v, own: ownName, role: "the spec that trains this one's configurations longer")
        }
        try checkCrossReferences(file: r.file)
    }

    /// A member naming another spec: a valid spec name, not this spec's own.
    static func otherSpecName(_ v: JSONReader, own: String, role: String) throws -> String {
        let s = try v.string()
        guard Self.isValidName(s) else { throw v.error("must name a spec (1–64 characters of a–z, 0–9 and '-'), got \(v.shortDescription)") }
        guard s != own else { throw v.error("names this spec itself; it must name \(role)") }
        return s
    }

    /// `[a-z0-9-]`, 1–64 characters, no leading or trailing `-`.
    static func isValidName(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 64 && !s.hasPrefix("-") && !s.hasSuffix("-")
            && s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// Checks between sections that need no model: at most one head-only set, and only on a task with a head; extra
    /// seeds name an existing target set (or the head-only set); plantedRecovery goes with a planted-rank task, and a
    /// rank search with a classification task.
    func checkCrossReferences(file: String) throws {
        let headOnly = adapters.indices.filter { adapters[$0].isHeadOnly }
        if headOnly.count > 1 {
            throw SpecError(file: file, path: JSONPath([.key("adapters"), .index(headOnly[1])]),
                            reason: "a second head-only set (adapters[\(headOnly[0])] is one); give one, and add seed pairs "
                                + "to seeds or seeds.extra for more baseline runs")
        }
        if let k = headOnly.first, task.kind == .plantedRank || task.kind.isCausalLM {
            throw SpecError(file: file, path: JSONPath([.key("adapters"), .index(k)]),
                            reason: "a head-only baseline needs a task with a head (task kind '\(task.kind.rawValue)' trains none)")
        }
        for (k, extra) in seeds.extra.enumerated() where !adapters.contains(where: { $0.targets == extra.targets }) {
            if extra.isHeadOnly {
                throw SpecError(file: file, path: JSONPath([.key("seeds"), .key("extra"), .index(k), .key("headOnly")]),
                                reason: "no adapter set is head-only (add {\"headOnly\": true} to adapters)")
            }
            let sets = adapters.map { $0.isHeadOnly ? RunConfig.headOnlyLabel : $0.targets.map(\.rawValue).joined(separator: "+") }
            throw SpecError(file: file, path: JSONPath([.key("seeds"), .key("extra"), .index(k), .key("targets")]),
                            reason: "no adapter set has targets \(extra.targets.map(\.rawValue).joined(separator: "+")) "
                                + "(adapters have \(sets.joined(separator: ", ")))")
        }
        if analyses.plantedRecovery && task.kind != .plantedRank {
            throw SpecError(file: file, path: JSONPath([.key("analyses"), .key("plantedRecovery")]),
                            reason: "needs task kind 'planted-rank' (the task is '\(task.kind.rawValue)')")
        }
        if analyses.dataMetric && task.kind == .plantedRank {
            throw SpecError(file: file, path: JSONPath([.key("analyses"), .key("dataMetric")]),
                            reason: "needs a classification task (the planted-rank task judges recovery in the data metric already, with its own covariances)")
        }
        if analyses.dataMetric && task.kind.isCausalLM {
            throw SpecError(file: file, path: JSONPath([.key("analyses"), .key("dataMetric")]),
                            reason: "needs a classification task on an encoder (task kind '\(task.kind.rawValue)' trains a decoder)")
        }
        if analyses.accuracySplit == .test {
            let reason: String?
            switch task {
            case .plantedRank, .wordnetGloss: reason = "task kind '\(task.kind.rawValue)' has no accuracy"
            case .jsonl(let t) where t.test == nil: reason = "the jsonl task names no test file (task.test)"
            case .glueTSV(let t) where t.test == nil: reason = "the glue-tsv task names no test file (task.test)"
            default: reason = nil
            }
            if let reason {
                throw SpecError(file: file, path: JSONPath([.key("analyses"), .key("accuracySplit")]),
                                reason: "\"test\" needs a classification task with a test split: \(reason)")
            }
        }
        if rankSearch != nil && task.kind.isCausalLM {
            throw SpecError(file: file, path: JSONPath([.key("rankSearch")]),
                            reason: "needs a classification task: it compares validation accuracies, and task kind '\(task.kind.rawValue)' reports loss and perplexity")
        }
        if rankSearch != nil && task.kind == .plantedRank {
            throw SpecError(file: file, path: JSONPath([.key("rankSearch")]),
                            reason: "needs a classification task: it compares validation accuracies, and task kind 'planted-rank' reports mse")
        }
    }
}

extension ModelSource {
    /// `{"checkpoint": "<dir>"}` or `{"builtin": "tiny"}`, exactly one key.
    public init(reading r: JSONReader) throws {
        let o = try r.object(allowed: ["checkpoint", "builtin"])
        switch (o["checkpoint"], o["builtin"]) {
        case (let c?, nil): self = .checkpoint(try c.nonEmptyString())
        case (nil, let b?): self = .builtin(try b.enumeration(BuiltinModel.self, what: "built-in model"))
        case (_?, _?): throw r.error("give exactly one of 'checkpoint' or 'builtin', not both")
        case (nil, nil):
            throw r.error("give exactly one of 'checkpoint' (a model directory) or 'builtin' (\(BuiltinModel.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
    }
}
