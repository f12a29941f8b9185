import Foundation

/// The spec as it was run: every default filled in, the model's shape, each adapter set with its layers and
/// ranks resolved (budgets turned into ranks), the ids of the grid's runs in plan order and, for a spec with a rank
/// search, every candidate it may train (`rankSearch`, absent otherwise). The runner writes it
/// beside the results (e.g. `results/<name>/resolved-spec.json`) so a report can say exactly what ran;
/// each run folder gets its own `RunConfig.jsonData()`.
///
/// `spec` is encoded in the spec's own JSON shape, so `resolved-spec.json`'s `spec` object is itself a valid,
/// fully explicit spec.
public struct ResolvedSpec: Codable, Equatable, Sendable {
    public var spec: ExperimentSpec
    public var modelShape: ModelShape
    public var adapters: [ResolvedAdapterSet]
    public var runs: [String]
    public var rankSearch: RankSearchPlan?

    public init(spec: ExperimentSpec, modelShape: ModelShape, adapters: [ResolvedAdapterSet], runs: [String],
                rankSearch: RankSearchPlan? = nil) {
        self.spec = spec
        self.modelShape = modelShape
        self.adapters = adapters
        self.runs = runs
        self.rankSearch = rankSearch
    }

    /// The resolved spec as JSON, every optional written out (`null`) except `rankSearch`, which only a spec with a
    /// rank search has (so the files of other specs keep their bytes).
    public var json: JSONValue {
        .object([
            JSONMember("spec", spec.json),
            JSONMember("modelShape", modelShape.json),
            JSONMember("adapters", .array(adapters.map(\.json))),
            JSONMember("runs", .strings(runs)),
        ] + (rankSearch.map { [JSONMember("rankSearch", $0.json)] } ?? []))
    }

    /// Pretty-printed JSON with sorted keys: the same bytes for equal values, on every run and platform.
    /// Decodes back with `JSONDecoder`.
    public func jsonData() -> Data { Data(CanonicalJSON.pretty(json).utf8) }
}

extension ModelShape {
    public var json: JSONValue {
        .object([
            JSONMember("layers", .int(layers)), JSONMember("hidden", .int(hidden)), JSONMember("intermediate", .int(intermediate)),
            JSONMember("heads", .int(heads)), JSONMember("vocabularySize", .int(vocabularySize)),
            JSONMember("maxPositions", .int(maxPositions)),
        ] + (keyValueHidden.map { [JSONMember("keyValueHidden", .int($0))] } ?? [])   // decoders only: BERT's files keep their bytes
          + (family.map { [JSONMember("family", .string($0))] } ?? []))
    }
}

extension ResolvedAdapterSet {
    public var json: JSONValue {
        .object([
            JSONMember("targets", .strings(targets.map(\.rawValue))), JSONMember("layers", .ints(layers)),
            JSONMember("ranks", .ints(ranks)), JSONMember("budget", .optional(budget, JSONValue.int)),
            JSONMember("parametersPerRank", .int(parametersPerRank)),
        ])
    }
}
