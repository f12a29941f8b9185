import Foundation
import LoRA

/// A spec made concrete for one model: every target set with its layers and ranks resolved, and the runs of
/// the grid, each a `RunConfig` with a stable id.
///
/// Run order is deterministic: adapter sets in spec order; within a set, ranks in the order given; within a
/// rank, the pairs of `seeds.data × seeds.init` (data-major), then the pairs added by `seeds.extra` entries in
/// their order (pairs already present are not repeated).
public struct RunPlan: Sendable {
    public let spec: ExperimentSpec
    public let modelShape: ModelShape
    /// One per `spec.adapters` entry, same order.
    public let adapterSets: [ResolvedAdapterSet]
    public let runs: [RunConfig]
    /// For each run, the index of its adapter set in `adapterSets`.
    public let adapterSetIndices: [Int]
    /// The spec file's folder, against which relative task data paths are resolved first (nil: repository root only).
    public internal(set) var dataDirectory: URL? = nil
    /// The spec's rank search resolved: every candidate it may train (nil: the spec has none).
    public internal(set) var rankSearch: RankSearchPlan? = nil
    /// The runs of every rank-search candidate that are not grid runs, in candidate order. Which of them train is
    /// decided step by step from finished results (`ExperimentRunner.rankSearchPath`).
    public internal(set) var searchRuns: [RunConfig] = []

    /// Resolves `spec` against a model: derives ranks from budgets (Table 5 rule), fills in "every layer",
    /// checks ranks, layers, token lengths, seeds and analyses against the model, checks that the checkpoint
    /// directory and the task's files exist (relative paths resolved against `baseDirectory`, the repository
    /// root; task data paths first against `specDirectory`, the spec file's folder, when given), and expands the grid.
    /// `file` names the spec in errors. Throws the first `SpecError`.
    public static func resolve(_ spec: ExperimentSpec, modelShape: ModelShape, baseDirectory: URL, file: String,
                               specDirectory: URL? = nil) throws -> RunPlan {
        let resolver = Resolver(spec: spec, shape: modelShape, base: baseDirectory, file: file, dataBase: specDirectory)
        try resolver.checkModel()
        try resolver.checkTask()
        let sets = try resolver.resolveAdapterSets()
        try resolver.checkExtraSeeds(sets)
        let (runs, indices) = try resolver.expand(sets)
        try resolver.checkAnalyses(sets, runs: runs, indices: indices)
        try resolver.checkQuickLook()
        var plan = RunPlan(spec: spec, modelShape: modelShape, adapterSets: sets, runs: runs, adapterSetIndices: indices,
                           dataDirectory: specDirectory)
        if let (search, candidateRuns) = try resolver.resolveRankSearch() {
            let grid = Set(runs.map(\.id))
            plan.rankSearch = search
            plan.searchRuns = candidateRuns.filter { !grid.contains($0.id) }
        }
        return plan
    }

    /// The grid's runs, then the rank search's that are not grid runs: every run this spec may train.
    public var allRuns: [RunConfig] { runs + searchRuns }

    /// The spec with every default filled in, the model's shape, the resolved sets, the grid's run ids and the rank
    /// search's candidates.
    public var resolved: ResolvedSpec {
        ResolvedSpec(spec: spec, modelShape: modelShape, adapters: adapterSets, runs: runs.map(\.id), rankSearch: rankSearch)
    }

    /// The runs of a target set (as a set) at a rank, in plan order.
    public func runs(targets: [LoRATarget], rank: Int) -> [RunConfig] {
        let t = Array(Set(targets)).sorted()
        return runs.filter { $0.targets == t && $0.lora.rank == rank }
    }

    /// The run with this id (of the grid or of the rank search).
    public func run(id: String) -> RunConfig? { allRuns.first { $0.id == id } }
}

/// One `adapters` entry after resolution (the head-only baseline as `ResolvedAdapterSet.headOnly`).
public struct ResolvedAdapterSet: Codable, Equatable, Sendable {
    public var targets: [LoRATarget]
    /// Sorted; every layer of the model when the spec gave none.
    public var layers: [Int]
    /// The spec's ranks, or the one rank the budget gives.
    public var ranks: [Int]
    /// The budget the rank came from, if any.
    public var budget: Int?
    /// L · Σ (in + out): trainable LoRA parameters per unit of rank.
    public var parametersPerRank: Int

    /// The head-only baseline: no targets, no layers, the one rank 0, no LoRA parameters.
    public static let headOnly = ResolvedAdapterSet(targets: [], layers: [], ranks: [0], budget: nil, parametersPerRank: 0)

    /// True for the head-only baseline.
    public var isHeadOnly: Bool { targets.isEmpty }

    public init(targets: [LoRATarget], layers: [Int], ranks: [Int], budget: Int?, parametersPerRank: Int) {
        self.targets = targets
        self.layers = layers
        self.ranks = ranks
        self.budget = budget
        self.parametersPerRank = parametersPerRank
    }
}
