import Analysis
import ExperimentSpec
import Foundation

/// File names inside a results folder `results/<spec>/` (docs/conventions.md, "Files").
public enum ReportFiles {
    public static let accuracy = "accuracy.csv"
    public static let accuracyPairs = "accuracy_pairs.csv"
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

/// One run's result on the spec's accuracy split (`AnalysesSpec.accuracySplit`), `accuracy.csv`:
/// `run,targets,rank,data_seed,init_seed,trainable_params,status,steps,metric,split,value,majority_baseline,alpha,scaling,`
/// `train_seconds,examples`, then every other metric of that split of any run (sorted by name; a name that clashes with a
/// fixed column gets `val_`). `examples` (the split's size: the validation split's from `task.json`, the test split's
/// from `test.json`) gives the binomial error of an accuracy. `majority_baseline` is the validation split's.
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
    /// The split `value` and the extras were measured on: "validation" or "test".
    var split: String
    var value: Double?
    var majorityBaseline: Double?
    var alpha: Double?
    var scaling: Double?
    var trainSeconds: Double?
    /// Size of `split` (nil when unknown or the run did not finish).
    var examples: Int?
    /// The split's other metrics by CSV column name.
    var extras: [String: Double]

    static let fixedHeader = ["run", "targets", "rank", "data_seed", "init_seed", "trainable_params", "status", "steps", "metric",
                              "split", "value", "majority_baseline", "alpha", "scaling", "train_seconds", "examples"]
    var isFinished: Bool { status == RunOutcome.Status.finished.rawValue }
}

/// Everything the report, the figures and the notebook sections are rendered from: the analysis CSVs of one
/// results folder (nil = that file is absent). `ReportBuilder` fills it from the rows it has just written (numbers
/// rounded exactly as written), `load(from:)` from the files, so the report and the notebook agree to the digit.
struct ReportData: Equatable, Sendable {
    var accuracy: [AccuracyRow]?
    /// `accuracy_pairs.csv`: paired comparisons of configurations on the accuracy split.
    var accuracyPairs: [AccuracyPairRow]?
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
