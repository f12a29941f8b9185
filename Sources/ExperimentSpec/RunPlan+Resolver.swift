import Foundation
import LoRA

/// The checks and expansion behind `RunPlan.resolve`, in schema order (model, task, adapters, seeds,
/// analyses); the first failure is thrown.
struct Resolver {
    let spec: ExperimentSpec
    let shape: ModelShape
    let base: URL
    let file: String
    /// The spec file's folder: relative task data paths are tried there first.
    var dataBase: URL? = nil

    func error(_ components: [JSONPath.Component], _ reason: String) -> SpecError {
        SpecError(file: file, path: JSONPath(components), reason: reason)
    }

    func missingLayerReason(_ layer: Int) -> String {
        "layer \(layer) does not exist (the model has \(shape.layers) layer\(shape.layers == 1 ? "" : "s"), 0–\(shape.layers - 1))"
    }

    /// "relative to the repository root /x" for relative paths.
    func whereLooked(_ path: String) -> String {
        path.hasPrefix("/") ? "" : " (relative paths are resolved against the repository root \(base.path))"
    }

    /// Where a relative task data path was looked for.
    func whereLookedForData(_ path: String) -> String {
        guard let dataBase, !path.hasPrefix("/") else { return whereLooked(path) }
        return " (relative data paths are resolved against the spec's folder \(dataBase.path), then the repository root \(base.path))"
    }

    // MARK: model and task

    func checkModel() throws {
        guard case .checkpoint(let p) = spec.model else { return }
        let url = SpecPaths.resolve(p, against: base)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw error([.key("model"), .key("checkpoint")], "checkpoint directory '\(p)' not found\(whereLooked(p))")
        }
        if SpecPaths.ggufFile(url) != nil { return }
        guard isDirectory.boolValue else {
            throw error([.key("model"), .key("checkpoint")], "'\(p)' is a file; expected a checkpoint directory or a .gguf file")
        }
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("config.json").path) else {
            throw error([.key("model"), .key("checkpoint")], "'\(p)' is not a checkpoint directory: it has no config.json (nor exactly one .gguf file)")
        }
    }

    /// `quickLookOf`, `lengthCheckOf` and `lengthCheckedBy` name a spec file beside this one (`<name>.json` in the spec's
    /// folder) or under `experiments/specs/` of the repository root: the report links (or compares with) its results.
    /// The spec `lengthCheckedBy` names must be a valid spec whose `lengthCheckOf` names this one.
    func checkQuickLook() throws {
        let keys = [("quickLookOf", spec.quickLookOf), ("lengthCheckOf", spec.lengthCheckOf), ("lengthCheckedBy", spec.lengthCheckedBy)]
        for (key, name) in keys {
            guard let other = name else { continue }
            let candidates = [dataBase, base.appendingPathComponent("experiments/specs")].compactMap { $0 }
                .map { $0.appendingPathComponent(other + ".json") }
            guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
                throw error([.key(key)], "no spec '\(other).json' beside this spec or in experiments/specs/ (looked for "
                            + candidates.map(\.path).joined(separator: ", ") + ")")
            }
            if key == "lengthCheckedBy" { try checkLengthCheckedBy(found) }
        }
    }

    /// The spec at `url` (named by `lengthCheckedBy`) decodes and its `lengthCheckOf` names this spec.
    private func checkLengthCheckedBy(_ url: URL) throws {
        let other: ExperimentSpec
        do { other = try ExperimentSpec.decode(data: try Data(contentsOf: url), file: url.lastPathComponent) } catch {
            throw self.error([.key("lengthCheckedBy")], "spec '\(url.lastPathComponent)' cannot be read: \(error)")
        }
        guard other.lengthCheckOf == spec.name else {
            throw error([.key("lengthCheckedBy")], "spec '\(url.lastPathComponent)' must name this spec in its lengthCheckOf "
                        + "(it has \(other.lengthCheckOf.map { "'\($0)'" } ?? "none"))")
        }
    }

    /// A causal-LM task needs a decoder and every other task an encoder: the objective (next-token loss, or a head on
    /// pooled states) decides which.
    func checkFamily() throws {
        let kind = spec.task.kind
        if kind.isCausalLM && !shape.isDecoder {
            throw error([.key("task"), .key("kind")], "'\(kind.rawValue)' is a generation task trained with the causal-LM objective; "
                        + "it needs a decoder checkpoint (a Llama-family GGUF file), and the model is a BERT encoder")
        }
        if !kind.isCausalLM, shape.isDecoder {
            throw error([.key("task"), .key("kind")], "'\(kind.rawValue)' trains an encoder (a head on pooled hidden states or "
                        + "the planted hidden states); the model is a \(shape.family ?? "") decoder, which trains 'wordnet-gloss'")
        }
    }

    /// `ffn_gate` is a decoder's MLP gate: an encoder (BERT) has no such matrix, wherever a spec names it.
    func checkGateTargets() throws {
        guard !shape.isDecoder else { return }
        let reason = "'ffn_gate' is the MLP gate of a Llama-family decoder; the model is a BERT encoder, whose matrices are "
            + LoRATarget.encoderTargets.map(\.rawValue).joined(separator: ", ")
        for (i, set) in spec.adapters.enumerated() where set.targets.contains(.ffnGate) {
            throw error([.key("adapters"), .index(i), .key("targets")], reason)
        }
        if case .plantedRank(let t) = spec.task, t.targets.contains(.ffnGate) { throw error([.key("task"), .key("targets")], reason) }
        if let search = spec.rankSearch, search.targetSets.contains(where: { $0.contains(.ffnGate) }) {
            throw error([.key("rankSearch")], reason)
        }
    }

    func checkTask() throws {
        let task = spec.task
        try checkFamily()
        try checkGateTargets()
        if task.maxTokens > shape.maxPositions {
            throw error([.key("task"), .key("maxTokens")], "\(task.maxTokens) exceeds the model's \(shape.maxPositions) positions")
        }
        for (key, path, wantDirectory) in task.userPaths {
            let url = SpecPaths.resolveData(path, specDirectory: dataBase, repositoryRoot: base)
            var isDirectory: ObjCBool = false
            let noun = wantDirectory ? "directory" : "file"
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw error([.key("task"), .key(key)], "\(noun) '\(path)' not found\(whereLookedForData(path))")
            }
            if isDirectory.boolValue != wantDirectory {
                throw error([.key("task"), .key(key)], "'\(path)' is a \(isDirectory.boolValue ? "directory" : "file"); expected a \(noun)")
            }
        }
        if case .plantedRank(let t) = task {
            for (k, layer) in (t.layers ?? []).enumerated() where layer >= shape.layers {
                throw error([.key("task"), .key("layers"), .index(k)], missingLayerReason(layer))
            }
            let b = RunPlan.rankBound(targets: t.targets, shape: shape)
            if t.plantRank > b.bound {
                throw error([.key("task"), .key("plantRank")],
                            "\(t.plantRank) exceeds \(b.bound) = min(in, out) of \(b.target.rawValue) (in \(b.inFeatures), out \(b.outFeatures))")
            }
        }
    }

    // MARK: adapters

    /// Each set with its layers and ranks; the head-only baseline as no targets, no layers and the one rank 0.
    func resolveAdapterSets() throws -> [ResolvedAdapterSet] {
        try spec.adapters.enumerated().map { i, a in
            if a.isHeadOnly { return .headOnly }
            let at: [JSONPath.Component] = [.key("adapters"), .index(i)]
            for (k, layer) in (a.layers ?? []).enumerated() where layer >= shape.layers {
                throw error(at + [.key("layers"), .index(k)], missingLayerReason(layer))
            }
            let layers = a.layers?.sorted() ?? Array(0..<shape.layers)
            let unit = RunPlan.parametersPerRank(targets: a.targets, layerCount: layers.count, shape: shape)
            let b = RunPlan.rankBound(targets: a.targets, shape: shape)
            let bindsText = "\(b.bound) = min(in, out) of \(b.target.rawValue) (in \(b.inFeatures), out \(b.outFeatures))"
            switch a.size {
            case .ranks(let ranks):
                for (k, r) in ranks.enumerated() where r > b.bound {
                    throw error(at + [.key("ranks"), .index(k)], "rank \(r) exceeds \(bindsText)")
                }
                return ResolvedAdapterSet(targets: a.targets, layers: layers, ranks: ranks, budget: nil, parametersPerRank: unit)
            case .budget(let budget):
                guard let r = RunPlan.rank(forBudget: budget, targets: a.targets, layerCount: layers.count, shape: shape) else {
                    throw error(at + [.key("budget")],
                                RunPlan.budgetMismatchReason(budget: budget, targets: a.targets, layerCount: layers.count, shape: shape))
                }
                if r > b.bound { throw error(at + [.key("budget")], "gives rank \(r) (= \(budget) ÷ \(unit)), which exceeds \(bindsText)") }
                return ResolvedAdapterSet(targets: a.targets, layers: layers, ranks: [r], budget: budget, parametersPerRank: unit)
            case .headOnly:
                return .headOnly
            }
        }
    }

    // MARK: seeds and runs

    func checkExtraSeeds(_ sets: [ResolvedAdapterSet]) throws {
        for (k, e) in spec.seeds.extra.enumerated() {
            let matching = sets.filter { $0.targets == e.targets }
            let available = Set(matching.flatMap(\.ranks))
            for (j, r) in (e.ranks ?? []).enumerated() where !available.contains(r) {
                let listed = matching.flatMap(\.ranks).map(String.init).joined(separator: ", ")
                throw error([.key("seeds"), .key("extra"), .index(k), .key("ranks"), .index(j)],
                            "rank \(r) is not a rank of the adapter sets with targets \(e.targets.map(\.rawValue).joined(separator: "+")) (their ranks: \(listed))")
            }
        }
    }

    /// The grid, in plan order, with each run's adapter-set index.
    func expand(_ sets: [ResolvedAdapterSet]) throws -> ([RunConfig], [Int]) {
        var runs: [RunConfig] = []
        var indices: [Int] = []
        var firstSet: [String: Int] = [:]
        var extraAdds = [Bool](repeating: false, count: spec.seeds.extra.count)
        for (i, set) in sets.enumerated() {
            for r in set.ranks {
                var pairs = spec.seeds.pairs
                for (k, e) in spec.seeds.extra.enumerated() where e.targets == set.targets && (e.ranks?.contains(r) ?? true) {
                    for p in e.pairs where !pairs.contains(p) {
                        pairs.append(p)
                        extraAdds[k] = true
                    }
                }
                for p in pairs {
                    let run = set.isHeadOnly
                        ? RunConfig.headOnly(model: spec.model, task: spec.task, training: spec.training, dataSeed: p.data,
                                             initSeed: p.initialization)
                        : RunConfig(model: spec.model, task: spec.task, targets: set.targets, layers: set.layers,
                                    lora: spec.lora.parameters(rank: r), training: spec.training, dataSeed: p.data,
                                    initSeed: p.initialization, trainableParameters: r * set.parametersPerRank)
                    if let previous = firstSet[run.id] {
                        throw error([.key("adapters"), .index(i)],
                                    "repeats run \(run.prefix) of adapters[\(previous)] (same targets, layers, rank and seeds)")
                    }
                    firstSet[run.id] = i
                    runs.append(run)
                    indices.append(i)
                }
            }
        }
        if let k = extraAdds.firstIndex(of: false) {
            throw error([.key("seeds"), .key("extra"), .index(k)],
                        "adds no runs: each of its (data, init) seed pairs already runs for its targets and ranks")
        }
        return (runs, indices)
    }

    // MARK: analyses

    func checkAnalyses(_ sets: [ResolvedAdapterSet], runs: [RunConfig], indices: [Int]) throws {
        let a = spec.analyses
        if let s = a.subspaceSimilarity {
            for (k, p) in s.pairs.enumerated() where !sets.contains(where: { $0.ranks.contains(p.first) && $0.ranks.contains(p.second) }) {
                throw error([.key("analyses"), .key("subspaceSimilarity"), .key("pairs"), .index(k)],
                            "no adapter set has both ranks \(p.first) and \(p.second)")
            }
        }
        if let s = a.seedSimilarity {
            let at: [JSONPath.Component] = [.key("analyses"), .key("seedSimilarity"), .key("rank")]
            guard sets.contains(where: { $0.ranks.contains(s.rank) }) else { throw error(at, "no adapter set has rank \(s.rank)") }
            let perSet = Dictionary(grouping: zip(indices, runs).filter { $0.1.lora.rank == s.rank }, by: \.0)
            if !perSet.values.contains(where: { $0.count >= 2 }) {
                throw error(at, "needs two runs of one adapter set at rank \(s.rank) that differ in seeds; "
                                + "add a seed to seeds.init or an entry to seeds.extra")
            }
        }
        if let p = a.projection, let layer = p.layer {
            let at: [JSONPath.Component] = [.key("analyses"), .key("projection"), .key("layer")]
            if layer >= shape.layers { throw error(at, missingLayerReason(layer)) }
            if !sets.contains(where: { $0.layers.contains(layer) }) { throw error(at, "no adapter set adapts layer \(layer)") }
        }
    }
}
