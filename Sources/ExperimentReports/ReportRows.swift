import Analysis
import ExperimentSpec
import Foundation

/// File names inside a results folder `results/<spec>/` (docs/conventions.md, "Files").
public enum ReportFiles {
    public static let accuracy = "accuracy.csv"
    public static let similarity = "subspace_similarity.csv"
    public static let projection = "weight_projection.csv"
    public static let overlap = "direction_overlap.csv"
    public static let spectra = "spectra.csv"
    public static let planted = "planted_recovery.csv"
    public static let nulls = "null_distributions.csv"
    public static let growthNulls = "null_projection_growth.csv"
    public static let learning = "learning_diagnostics.csv"
    public static let convergence = "convergence.csv"
    public static let rankSearch = "rank_search.csv"
    public static let generations = "generations.csv"
    public static let claims = "claims.csv"
    public static let report = "report.md"
    public static let context = "report-context.json"
    public static let figures = "figures"
    /// Every file this builder owns at the top of a results folder (stale ones are removed on rebuild).
    static var owned: [String] { ReportAnalysis.all.map(\.file) + [claims, report, context] }
    /// Figure name prefixes this builder owns inside `figures/`.
    static var ownedFigurePrefixes: [String] { ReportAnalysis.all.flatMap(\.figurePrefixes) }
}

/// Which φ comparison a `subspace_similarity.csv` row belongs to (column `comparison`).
enum SimilarityComparison: String, Sendable {
    /// Fig 3: A of two ranks, same targets and seeds.
    case rank
    /// Fig 4: A of two seeds at one rank, same targets.
    case seed
}

/// Whose right singular vectors φ compares (column `basis` of `subspace_similarity.csv`): A, as Sec 7.2 defines Figs 3
/// and 4 (and the claims read); A − A₀, what training added to A (A₀ regenerated from the recorded init seed); ΔW's.
enum SimilarityBasis: String, CaseIterable, Sendable {
    case a = "a"
    case learned = "a_minus_a0"
    case deltaW = "delta_w"
    /// ΔW·C^{1/2}, C the covariance of the matrix's inputs (`PlantedRecovery.dataMetric`; `AnalysesSpec.dataMetric`): the
    /// basis the planted control validates. Its null is its own (random updates in that metric).
    case dataMetric = "delta_w_data"

    /// As the report writes it.
    var label: String {
        switch self {
        case .a: return "A"
        case .learned: return "A − A₀"
        case .deltaW: return "ΔW"
        case .dataMetric: return "ΔW·C^{1/2}"
        }
    }

    /// The bases whose φ grids share one null (random subspaces of R^in).
    static let haarNull: [SimilarityBasis] = [.a, .learned, .deltaW]
}

/// One cell of a φ grid (Sec 7.2, Eq. 4), `subspace_similarity.csv`:
/// `layer,matrix,run_a,run_b,i,j,phi,expected_random,comparison,targets,rank_a,rank_b,ambient_dim,`
/// `null_mean,null_lo,null_hi,null_quantile,basis,run_a_id,run_b_id`.
/// run_a and run_b are short labels (`r8-s1`: rank and init seed); run_a_id and run_b_id are the run ids, the key of
/// `accuracy.csv`'s `run` and of the `run` column of the other per-run CSVs (for `experiment analyze`: the adapter's
/// directory label, equal to run_a/run_b). i indexes the top directions of run_a's A, j those of run_b's A; expected_random = max(i, j)/ambient_dim; the null
/// columns describe φ(i, j) between random subspaces (the mean, the central 95 % band and the mid-rank quantile of
/// `phi` among `nullDraws` draws for this layer, matrix and ranks — Fig 4's random panel is their mean).
struct SimilarityRow: Equatable, Sendable {
    var layer: Int
    var matrix: String
    var runA: String
    var runB: String
    var i: Int
    var j: Int
    var phi: Double
    var expectedRandom: Double
    var comparison: SimilarityComparison
    var targets: String
    var rankA: Int
    var rankB: Int
    var ambient: Int
    var null: CellNull?
    var basis: SimilarityBasis = .a
    var runAId: String
    var runBId: String

    /// The columns a reader requires (files written before run_a_id and run_b_id existed still read).
    static let requiredHeader = ["layer", "matrix", "run_a", "run_b", "i", "j", "phi", "expected_random", "comparison", "targets",
                                 "rank_a", "rank_b", "ambient_dim"] + CellNull.header + ["basis"]
    static let header = requiredHeader + ["run_a_id", "run_b_id"]
}

/// One row of Table 7 (Sec 7.3), `weight_projection.csv`:
/// `layer,matrix,rank,seed,directions_from,projection_norm,weight_norm,delta_norm,amplification,random_expectation,targets,data_seed,run,`
/// `null_mean,null_sd,null_lo,null_hi,null_draws,null_z,null_quantile,random_amplification,amplification_ratio,ratio_lo,ratio_hi,`
/// `init_seed`. `seed` is the adapter-initialisation seed, repeated as `init_seed` (the name `accuracy.csv` uses); `random_expectation` = r·‖W‖_F/√(out·in) on `random` rows. The null
/// columns describe ‖UᵀWV‖_F for Haar-random U, V (`nullDraws` draws for this layer, matrix and r): on `random` rows
/// projection_norm is their mean; on `delta_w` rows null_z and null_quantile place ΔW's value among them,
/// random_amplification = ‖ΔW‖_F / null_mean, amplification_ratio = amplification / random_amplification
/// = null_mean / projection_norm, and [ratio_lo, ratio_hi] = [null_lo, null_hi] / projection_norm (the ratio's band).
/// `w` rows have no null: null_draws is 0 there (so the column stays integer) and the other null columns are empty.
struct ProjectionRow: Equatable, Sendable {
    var layer: Int
    var matrix: String
    var rank: Int
    var seed: UInt64?
    var directionsFrom: DirectionSource
    var projectionNorm: Double
    var weightNorm: Double
    var deltaNorm: Double?
    var amplification: Double?
    var randomExpectation: Double?
    var targets: String
    var dataSeed: UInt64?
    var run: String
    var null: ProjectionNull?

    static let header = ["layer", "matrix", "rank", "seed", "directions_from", "projection_norm", "weight_norm", "delta_norm",
                         "amplification", "random_expectation", "targets", "data_seed", "run"] + ProjectionNull.header + ["init_seed"]
}

/// One cell of the App. H.3 / Fig 8 grid, `direction_overlap.csv`:
/// `layer,matrix,run,rank,seed,i,j,phi,expected_random,targets,data_seed,null_mean,null_lo,null_hi,null_quantile,init_seed`
/// (`init_seed` repeats `seed`, the adapter-initialisation seed, under `accuracy.csv`'s name) with
/// φ(top-i right singular vectors of W, top-j of ΔW); the null columns describe φ(top-i of W, a random j-dimensional
/// subspace) from `nullDraws` draws for this layer, matrix and rank (Fig 8's random panel is their mean).
struct OverlapRow: Equatable, Sendable {
    var layer: Int
    var matrix: String
    var run: String
    var rank: Int
    var seed: UInt64?
    var i: Int
    var j: Int
    var phi: Double
    var expectedRandom: Double
    var targets: String
    var dataSeed: UInt64?
    var null: CellNull?

    static let header = ["layer", "matrix", "run", "rank", "seed", "i", "j", "phi", "expected_random", "targets", "data_seed"]
        + CellNull.header + ["init_seed"]
}

/// One singular value of ΔW = scaling·B·A, `spectra.csv`:
/// `run,layer,matrix,index,singular_value,stable_rank,energy_rank_90,cumulative_energy,targets,rank,seed,data_seed,init_seed`
/// (`init_seed` repeats `seed`, the adapter-initialisation seed, under `accuracy.csv`'s name);
/// stable rank and energy rank (90 % of ‖ΔW‖²_F) are per matrix, repeated on its rows.
struct SpectrumRow: Equatable, Sendable {
    var run: String
    var layer: Int
    var matrix: String
    var index: Int
    var singularValue: Double
    var stableRank: Double
    var energyRank90: Int
    var cumulativeEnergy: Double
    var targets: String
    var rank: Int
    var seed: UInt64?
    var dataSeed: UInt64?

    static let header = ["run", "layer", "matrix", "index", "singular_value", "stable_rank", "energy_rank_90", "cumulative_energy",
                         "targets", "rank", "seed", "data_seed", "init_seed"]
}

/// recovery(k) = φ(top-k of the learned ΔW, top-k of the planted ΔW*, k, k), `planted_recovery.csv`:
/// `run,layer,matrix,rank,seed,k,recovery,expected_random,targets,planted_rank,data_seed,init_seed` (`init_seed` repeats
/// `seed`, the adapter-initialisation seed, under `accuracy.csv`'s name).
struct PlantedRow: Equatable, Sendable {
    var run: String
    var layer: Int
    var matrix: String
    var rank: Int
    var seed: UInt64?
    var k: Int
    /// φ on ΔW's plain right singular vectors.
    var recovery: Double
    var expectedRandom: Double
    /// φ in the data metric (`PlantedRecovery.dataMetric`) and its null's mean and 97.5 % quantile; nil without the
    /// input covariance file.
    var recoveryData: Double?
    var nullMean: Double?
    var nullUpper: Double?
    var targets: String
    var plantedRank: Int
    var dataSeed: UInt64?

    static let header = ["run", "layer", "matrix", "rank", "seed", "k", "recovery", "expected_random", "recovery_data_metric",
                         "null_mean", "null_upper", "targets", "planted_rank", "data_seed", "init_seed"]
}

/// One run's validation result, `accuracy.csv`:
/// `run,targets,rank,data_seed,init_seed,trainable_params,status,steps,metric,value,majority_baseline,alpha,scaling,train_seconds,`
/// `validation_examples`, then every other validation metric of any run (sorted by name; a name that clashes with a fixed
/// column gets `val_`). `validation_examples` (the validation split's size, from `task.json`) gives the binomial error
/// of an accuracy.
struct AccuracyRow: Equatable, Sendable {
    var run: String
    var targets: String
    var rank: Int
    var dataSeed: UInt64?
    var initSeed: UInt64?
    var trainableParams: Int?
    var status: String
    var steps: Int?
    var metric: String
    var value: Double?
    var majorityBaseline: Double?
    var alpha: Double?
    var scaling: Double?
    var trainSeconds: Double?
    var validationExamples: Int?
    /// Other validation metrics by CSV column name.
    var extras: [String: Double]

    static let fixedHeader = ["run", "targets", "rank", "data_seed", "init_seed", "trainable_params", "status", "steps", "metric",
                              "value", "majority_baseline", "alpha", "scaling", "train_seconds", "validation_examples"]
    var isFinished: Bool { status == RunOutcome.Status.finished.rawValue }
}

/// Everything the report, the figures and the notebook sections are rendered from: the analysis CSVs of one
/// results folder (nil = that file is absent). `ReportBuilder` fills it from the rows it has just written (numbers
/// rounded exactly as written), `load(from:)` from the files, so the report and the notebook agree to the digit.
struct ReportData: Equatable, Sendable {
    var accuracy: [AccuracyRow]?
    var similarity: [SimilarityRow]?
    var projection: [ProjectionRow]?
    var overlap: [OverlapRow]?
    var spectra: [SpectrumRow]?
    var planted: [PlantedRow]?
    /// `diagonal_mean` rows (`null_distributions.csv`).
    var nulls: [NullRow]?
    /// `projection_growth` rows (`null_projection_growth.csv`).
    var growthNulls: [NullRow]?
    var learning: [LearningRow]?
    /// Validation passes of every run (`convergence.csv`).
    var convergence: [ConvergenceRow]?
    var rankSearch: [RankSearchRow]?
    /// Greedy generations before and after fine-tuning (`generations.csv`, generation tasks only).
    var generations: [GenerationRow]?
    var claims: [ClaimResult]?
}

// MARK: - Writing

/// Rounds a number exactly as the CSV writes it, so values in memory equal values read back.
func csvRounded(_ x: Double) -> Double {
    guard x.isFinite else { return x }
    return Double(ReportNumber.csv(x))!
}

func csvRoundedOptional(_ x: Double?) -> Double? { x.map(csvRounded) }

/// Builds CSV text line by line: numeric cells through `ReportNumber`, text cells quoted when RFC 4180 needs it.
struct CSVText {
    private(set) var text = ""
    let columns: Int

    init(header: [String]) {
        columns = header.count
        text.reserveCapacity(1 << 16)
        text += header.map(CSVTable.quote).joined(separator: ",") + "\n"
    }

    mutating func append(_ cells: [String]) {
        precondition(cells.count == columns, "row has \(cells.count) cells, header \(columns)")
        var first = true
        for c in cells {
            if !first { text += "," }
            first = false
            text += CSVTable.quote(c)
        }
        text += "\n"
    }
}

func seedCell(_ s: UInt64?) -> String { s.map { String($0) } ?? "" }

/// Formats a column with few distinct values (the random expectations) once per value.
struct RepeatedNumbers {
    private var cache: [UInt64: String] = [:]
    public mutating func csv(_ x: Double) -> String {
        if let s = cache[x.bitPattern] { return s }
        let s = ReportNumber.csv(x)
        cache[x.bitPattern] = s
        return s
    }
}

enum ReportCSVEncoder {
    static func similarity(_ rows: [SimilarityRow]) -> String {
        var out = CSVText(header: SimilarityRow.header)
        var expected = RepeatedNumbers()
        for r in rows {
            out.append([String(r.layer), r.matrix, r.runA, r.runB, String(r.i), String(r.j), ReportNumber.csv(r.phi),
                        expected.csv(r.expectedRandom), r.comparison.rawValue, r.targets, String(r.rankA), String(r.rankB),
                        String(r.ambient)] + CellNull.cells(r.null) + [r.basis.rawValue, r.runAId, r.runBId])
        }
        return out.text
    }

    static func projection(_ rows: [ProjectionRow]) -> String {
        var out = CSVText(header: ProjectionRow.header)
        for r in rows {
            out.append([String(r.layer), r.matrix, String(r.rank), seedCell(r.seed), r.directionsFrom.rawValue,
                        ReportNumber.csv(r.projectionNorm), ReportNumber.csv(r.weightNorm), ReportNumber.csv(r.deltaNorm),
                        ReportNumber.csv(r.amplification), ReportNumber.csv(r.randomExpectation), r.targets, seedCell(r.dataSeed), r.run]
                       + ProjectionNull.cells(r.null) + [seedCell(r.seed)])
        }
        return out.text
    }

    static func overlap(_ rows: [OverlapRow]) -> String {
        var out = CSVText(header: OverlapRow.header)
        var expected = RepeatedNumbers()
        for r in rows {
            out.append([String(r.layer), r.matrix, r.run, String(r.rank), seedCell(r.seed), String(r.i), String(r.j),
                        ReportNumber.csv(r.phi), expected.csv(r.expectedRandom), r.targets, seedCell(r.dataSeed)] + CellNull.cells(r.null)
                       + [seedCell(r.seed)])
        }
        return out.text
    }

    static func spectra(_ rows: [SpectrumRow]) -> String {
        var out = CSVText(header: SpectrumRow.header)
        for r in rows {
            out.append([r.run, String(r.layer), r.matrix, String(r.index), ReportNumber.csv(r.singularValue),
                        ReportNumber.csv(r.stableRank), String(r.energyRank90), ReportNumber.csv(r.cumulativeEnergy), r.targets,
                        String(r.rank), seedCell(r.seed), seedCell(r.dataSeed), seedCell(r.seed)])
        }
        return out.text
    }

    static func planted(_ rows: [PlantedRow]) -> String {
        var out = CSVText(header: PlantedRow.header)
        for r in rows {
            out.append([r.run, String(r.layer), r.matrix, String(r.rank), seedCell(r.seed), String(r.k), ReportNumber.csv(r.recovery),
                        ReportNumber.csv(r.expectedRandom), ReportNumber.csv(r.recoveryData), ReportNumber.csv(r.nullMean),
                        ReportNumber.csv(r.nullUpper), r.targets, String(r.plantedRank), seedCell(r.dataSeed), seedCell(r.seed)])
        }
        return out.text
    }

    /// The extra metric columns of `accuracy.csv` for these rows (sorted).
    static func accuracyExtraColumns(_ rows: [AccuracyRow]) -> [String] {
        Array(Set(rows.flatMap { $0.extras.keys })).sorted()
    }

    static func accuracy(_ rows: [AccuracyRow]) -> String {
        let extras = accuracyExtraColumns(rows)
        var out = CSVText(header: AccuracyRow.fixedHeader + extras)
        for r in rows {
            out.append([r.run, r.targets, String(r.rank), seedCell(r.dataSeed), seedCell(r.initSeed), ReportNumber.int(r.trainableParams),
                        r.status, ReportNumber.int(r.steps), r.metric, ReportNumber.csv(r.value), ReportNumber.csv(r.majorityBaseline),
                        ReportNumber.csv(r.alpha), ReportNumber.csv(r.scaling), ReportNumber.csv(r.trainSeconds),
                        ReportNumber.int(r.validationExamples)]
                       + extras.map { ReportNumber.csv(r.extras[$0]) })
        }
        return out.text
    }

    static func claims(_ claims: [ClaimResult]) -> String {
        var out = CSVText(header: ClaimResult.csvHeader)
        for c in claims {
            out.append([String(c.number), c.source, c.verdict.rawValue, c.ours, c.paper, c.rule, c.statement, c.uncertainty])
        }
        return out.text
    }
}

// MARK: - Reading

extension ReportData {
    /// Reads the analysis CSVs of a results folder (each `ReportAnalysis`'s file, then `claims.csv`); absent files stay
    /// nil. Errors name the file and line.
    static func load(from directory: URL, displayPrefix: String = "") throws -> ReportData {
        func doc(_ name: String) throws -> CSVDocument? {
            try CSVDocument.read(directory.appendingPathComponent(name), displayName: displayPrefix + name)
        }
        var data = ReportData()
        for analysis in ReportAnalysis.all {
            if let d = try doc(analysis.file) { try analysis.read(d, &data) }
        }
        if let d = try doc(ReportFiles.claims) { data.claims = try ReportCSVDecoder.claims(d) }
        return data
    }
}

enum ReportCSVDecoder {
    /// A seed column: empty = nil, else an integer ≥ 0 (the error names file, line and column).
    static func seed(_ row: CSVDocument.Row, _ column: String) throws -> UInt64? {
        guard let s = row.optionalString(column) else { return nil }
        guard let v = UInt64(s) else { throw row.error(column, "'\(s)' is not a seed (an integer ≥ 0)") }
        return v
    }

    private static func basis(_ r: CSVDocument.Row) throws -> SimilarityBasis {
        guard let s = r.optionalString("basis") else { return .a }
        guard let b = SimilarityBasis(rawValue: s) else { throw r.error("basis", "'\(s)' is not a, a_minus_a0 or delta_w") }
        return b
    }

    static func similarity(_ d: CSVDocument) throws -> [SimilarityRow] {
        try d.require(SimilarityRow.requiredHeader)
        return try (0..<d.rows.count).map { n in
            let r = d.row(n)
            guard let comparison = SimilarityComparison(rawValue: r.string("comparison")) else {
                throw r.error("comparison", "'\(r.string("comparison"))' is not rank or seed")
            }
            return SimilarityRow(layer: try r.int("layer"), matrix: r.string("matrix"), runA: r.string("run_a"),
                                 runB: r.string("run_b"), i: try r.int("i"), j: try r.int("j"), phi: try r.double("phi"),
                                 expectedRandom: try r.double("expected_random"), comparison: comparison, targets: r.string("targets"),
                                 rankA: try r.int("rank_a"), rankB: try r.int("rank_b"), ambient: try r.int("ambient_dim"),
                                 null: try CellNull.read(r), basis: try basis(r),
                                 runAId: r.optionalString("run_a_id") ?? r.string("run_a"),
                                 runBId: r.optionalString("run_b_id") ?? r.string("run_b"))
        }
    }

    static func projection(_ d: CSVDocument) throws -> [ProjectionRow] {
        try d.require(ProjectionRow.header.filter { $0 != "init_seed" })
        return try (0..<d.rows.count).map { n in
            let r = d.row(n)
            guard let source = DirectionSource(rawValue: r.string("directions_from")) else {
                throw r.error("directions_from", "'\(r.string("directions_from"))' is not delta_w, w or random")
            }
            return ProjectionRow(layer: try r.int("layer"), matrix: r.string("matrix"), rank: try r.int("rank"), seed: try seed(r, "seed"),
                                 directionsFrom: source, projectionNorm: try r.double("projection_norm"),
                                 weightNorm: try r.double("weight_norm"), deltaNorm: try r.optionalDouble("delta_norm"),
                                 amplification: try r.optionalDouble("amplification"),
                                 randomExpectation: try r.optionalDouble("random_expectation"), targets: r.string("targets"),
                                 dataSeed: try seed(r, "data_seed"), run: r.string("run"), null: try ProjectionNull.read(r))
        }
    }

    static func overlap(_ d: CSVDocument) throws -> [OverlapRow] {
        try d.require(OverlapRow.header.filter { $0 != "init_seed" })
        return try (0..<d.rows.count).map { n in
            let r = d.row(n)
            return OverlapRow(layer: try r.int("layer"), matrix: r.string("matrix"), run: r.string("run"), rank: try r.int("rank"),
                              seed: try seed(r, "seed"), i: try r.int("i"), j: try r.int("j"), phi: try r.double("phi"),
                              expectedRandom: try r.double("expected_random"), targets: r.string("targets"),
                              dataSeed: try seed(r, "data_seed"), null: try CellNull.read(r))
        }
    }

    static func spectra(_ d: CSVDocument) throws -> [SpectrumRow] {
        try d.require(SpectrumRow.header.filter { $0 != "init_seed" })
        return try (0..<d.rows.count).map { n in
            let r = d.row(n)
            return SpectrumRow(run: r.string("run"), layer: try r.int("layer"), matrix: r.string("matrix"), index: try r.int("index"),
                               singularValue: try r.double("singular_value"), stableRank: try r.double("stable_rank"),
                               energyRank90: try r.int("energy_rank_90"), cumulativeEnergy: try r.double("cumulative_energy"),
                               targets: r.string("targets"), rank: try r.int("rank"), seed: try seed(r, "seed"),
                               dataSeed: try seed(r, "data_seed"))
        }
    }

    static func planted(_ d: CSVDocument) throws -> [PlantedRow] {
        try d.require(PlantedRow.header.filter { $0 != "init_seed" })
        return try (0..<d.rows.count).map { n in
            let r = d.row(n)
            return PlantedRow(run: r.string("run"), layer: try r.int("layer"), matrix: r.string("matrix"), rank: try r.int("rank"),
                              seed: try seed(r, "seed"), k: try r.int("k"), recovery: try r.double("recovery"),
                              expectedRandom: try r.double("expected_random"),
                              recoveryData: try r.optionalDouble("recovery_data_metric"), nullMean: try r.optionalDouble("null_mean"),
                              nullUpper: try r.optionalDouble("null_upper"), targets: r.string("targets"),
                              plantedRank: try r.int("planted_rank"), dataSeed: try seed(r, "data_seed"))
        }
    }

    static func accuracy(_ d: CSVDocument) throws -> [AccuracyRow] {
        try d.require(AccuracyRow.fixedHeader)
        let extraColumns = d.header.filter { !AccuracyRow.fixedHeader.contains($0) }
        return try (0..<d.rows.count).map { n in
            let r = d.row(n)
            var extras: [String: Double] = [:]
            for c in extraColumns { if let v = try r.optionalDouble(c) { extras[c] = v } }
            return AccuracyRow(run: r.string("run"), targets: r.string("targets"), rank: try r.int("rank"),
                               dataSeed: try seed(r, "data_seed"), initSeed: try seed(r, "init_seed"),
                               trainableParams: try r.optionalInt("trainable_params"), status: r.string("status"),
                               steps: try r.optionalInt("steps"), metric: r.string("metric"), value: try r.optionalDouble("value"),
                               majorityBaseline: try r.optionalDouble("majority_baseline"), alpha: try r.optionalDouble("alpha"),
                               scaling: try r.optionalDouble("scaling"), trainSeconds: try r.optionalDouble("train_seconds"),
                               validationExamples: try r.optionalInt("validation_examples"), extras: extras)
        }
    }

    static func claims(_ d: CSVDocument) throws -> [ClaimResult] {
        try d.require(ClaimResult.csvHeader)
        return try (0..<d.rows.count).map { n in
            let r = d.row(n)
            guard let verdict = Verdict(rawValue: r.string("verdict")) else {
                throw r.error("verdict", "'\(r.string("verdict"))' is not a verdict")
            }
            return ClaimResult(number: try r.int("claim"), source: r.string("source"), statement: r.string("statement"),
                               verdict: verdict, ours: r.string("ours"), paper: r.string("paper"), rule: r.string("rule"),
                               uncertainty: r.string("uncertainty"))
        }
    }
}
