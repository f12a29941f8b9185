/// Which Section 7 / App. H analyses to compute from the trained adapters, and how: the one options type of every
/// analysis, whether it runs for a spec (`experiment run`, `experiment report`) or on adapter directories
/// (`experiment analyze`, which sets its own values explicitly).
///
/// JSON (defaults of a key left out of a given `analyses` object): `{"subspaceSimilarity": null, "seedSimilarity": null,
/// "projection": null, "directionOverlap": false, "spectra": false, "accuracy": true, "learningDiagnostics": true,
/// "plantedRecovery": <task is planted-rank>, "dataMetric": false, "accuracySplit": "validation", "randomSeed": 0,
/// "nullDraws": 200}`: within a given `analyses` object an
/// analysis runs only when asked for, except the cheap per-run ones (accuracy, learning diagnostics). A spec with no
/// `analyses` key at all gets every analysis its grid supports instead (`init(gridDefaultsFor:adapters:seeds:)`). The
/// three parameterised analyses are off when absent, `null` or `false`, and on when given an object.
/// `plantedRecovery` needs task kind `planted-rank`. Analyses never affect training, so they never change run ids.
/// `ReportAnalysis.all` lists what each analysis computes and writes.
public struct AnalysesSpec: SpecSection {
    /// Fig. 3: φ between A of two ranks. Its `maxI`/`maxJ` also bound the App. H.3 grid and claim 4's K.
    public var subspaceSimilarity: SubspaceSimilaritySpec?
    /// Fig. 4: φ between A of two seeds at one rank.
    public var seedSimilarity: SeedSimilaritySpec?
    /// Table 7: ‖UᵀWV‖_F and the amplification factor.
    public var projection: ProjectionSpec?
    /// App. H.3: overlap of ΔW's top directions with W's.
    public var directionOverlap: Bool
    /// Singular-value spectra of ΔW.
    public var spectra: Bool
    /// Validation accuracy per run (Tables 5 and 6).
    public var accuracy: Bool
    /// How far each A moved from its initialisation (`InitialisationDiagnostics`).
    public var learningDiagnostics: Bool
    /// Recovery of the planted ΔW (task kind planted-rank).
    public var plantedRecovery: Bool
    /// Figs 3 and 4 also in the data metric: φ on the right singular vectors of ΔW·C^{1/2}, C the covariance of the inputs
    /// each matrix acts on (the basis the planted control validates; `PlantedRecovery.dataMetric`). The runner writes the
    /// task's input covariances (`input_covariance.safetensors`); a classification task on a BERT model only.
    public var dataMetric: Bool
    /// The split whose accuracy the accuracy tables and claims 1–2 read (`AccuracySplit`).
    public var accuracySplit: AccuracySplit
    /// Seed of every random baseline (`SeededGenerator` streams named per analysis, layer, matrix and rank).
    public var randomSeed: UInt64
    /// Draws of every Monte-Carlo null (≥ `minimumNullDraws`): random directions of Table 7, random subspaces of
    /// Fig 3, Fig 4 and App. H.3, fresh for each (layer, matrix, rank).
    public var nullDraws: Int

    /// The fewest null draws a spec may ask for: with 200 draws the 2.5 % and 97.5 % quantiles rest on 5 draws each.
    public static let minimumNullDraws = 200

    public init(subspaceSimilarity: SubspaceSimilaritySpec? = nil, seedSimilarity: SeedSimilaritySpec? = nil,
                projection: ProjectionSpec? = nil, directionOverlap: Bool = false, spectra: Bool = false,
                accuracy: Bool = true, learningDiagnostics: Bool = true, plantedRecovery: Bool = false, dataMetric: Bool = false,
                accuracySplit: AccuracySplit = .validation, randomSeed: UInt64 = 0, nullDraws: Int = AnalysesSpec.minimumNullDraws) {
        self.subspaceSimilarity = subspaceSimilarity
        self.seedSimilarity = seedSimilarity
        self.projection = projection
        self.directionOverlap = directionOverlap
        self.spectra = spectra
        self.accuracy = accuracy
        self.learningDiagnostics = learningDiagnostics
        self.plantedRecovery = plantedRecovery
        self.dataMetric = dataMetric
        self.accuracySplit = accuracySplit
        self.randomSeed = randomSeed
        self.nullDraws = nullDraws
    }

    /// The defaults for a task kind (`plantedRecovery` on for planted-rank).
    public init(defaultsFor kind: TaskKind) { self.init(plantedRecovery: kind == .plantedRank) }
}

/// The split whose accuracy the accuracy tables (Tables 5 and 6) and the accuracy claims (1 and 2) read.
///
/// `validation` (the default): the accuracy training's last evaluation recorded in `final.json`. `test`: the accuracy on
/// the task's test split, which no choice of the harness ever reads (the recipe sweep chose on validation accuracy), so
/// numbers that chose a recipe are not also the numbers that judge it; `experiment run` evaluates every finished run on
/// it (`<run>/test.json`, as `experiment evaluate --split test` does) before the report. WordNet's test split has
/// 8,171 examples against the validation split's 2,000, so the binomial error of an accuracy, which floors the
/// intervals of claims 1–2, is half as wide. Classification tasks only.
public enum AccuracySplit: String, CaseIterable, Codable, Sendable {
    case validation
    case test
}

/// Fig. 3: φ(A_r1, A_r2, i, j) for each pair of ranks, i ≤ maxI, j ≤ maxJ.
///
/// JSON: `{"pairs": [[8, 64]], "maxI": null, "maxJ": null}`. Each pair is two different ranks of the grid
/// (checked at resolution: some adapter set must have both); `maxI`/`maxJ` default to each pair's first/second
/// rank and may not exceed them.
public struct SubspaceSimilaritySpec: Equatable, Sendable {
    public var pairs: [RankPair]
    public var maxI: Int?
    public var maxJ: Int?

    public init(pairs: [RankPair], maxI: Int? = nil, maxJ: Int? = nil) {
        self.pairs = pairs
        self.maxI = maxI
        self.maxJ = maxJ
    }
}

/// Two ranks to compare, written `[8, 64]`.
public struct RankPair: Equatable, Hashable, Codable, Sendable {
    public var first: Int
    public var second: Int
    public init(_ first: Int, _ second: Int) {
        self.first = first
        self.second = second
    }
}

/// Fig. 4: φ between A from two runs at `rank` that differ only in seeds (resolution checks such runs exist).
///
/// JSON: `{"rank": 64, "maxI": null, "maxJ": null}` (`maxI`/`maxJ` default to `rank`, at most `rank`).
public struct SeedSimilaritySpec: Equatable, Sendable {
    public var rank: Int
    public var maxI: Int?
    public var maxJ: Int?

    public init(rank: Int, maxI: Int? = nil, maxJ: Int? = nil) {
        self.rank = rank
        self.maxI = maxI
        self.maxJ = maxJ
    }
}

/// Table 7 at one layer, or at every layer.
///
/// JSON: `{"layer": null}` (null = every layer; else an index checked against the model at resolution).
public struct ProjectionSpec: Equatable, Sendable {
    public var layer: Int?
    public init(layer: Int? = nil) { self.layer = layer }
}
