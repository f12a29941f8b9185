import Foundation

/// The spec as it was run: every default filled in, the model's shape, each adapter set with its layers and
/// ranks resolved (budgets turned into ranks), and the ids of the runs in plan order. The runner writes it
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

    public init(spec: ExperimentSpec, modelShape: ModelShape, adapters: [ResolvedAdapterSet], runs: [String]) {
        self.spec = spec
        self.modelShape = modelShape
        self.adapters = adapters
        self.runs = runs
    }

    /// The resolved spec as JSON, every optional written out (`null`).
    public var json: JSONValue {
        .object([
            JSONMember("spec", spec.json),
            JSONMember("modelShape", modelShape.json),
            JSONMember("adapters", .array(adapters.map(\.json))),
            JSONMember("runs", .strings(runs)),
        ])
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
        ])
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
