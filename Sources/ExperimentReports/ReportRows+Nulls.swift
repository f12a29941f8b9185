import Analysis
import ExperimentSpec
import Foundation

/// The null columns of one φ-grid cell (`subspace_similarity.csv`, `direction_overlap.csv`): the mean and central
/// 95 % band of the cell over the Monte-Carlo draws, and the mid-rank quantile of the observed φ among them.
struct CellNull: Equatable, Sendable {
    var mean: Double
    var lower: Double
    var upper: Double
    var quantile: Double

    static let header = ["null_mean", "null_lo", "null_hi", "null_quantile"]

    /// Cell (i, j) of `sample` with the observed value `phi`, rounded as written.
    init(_ sample: PhiNullSample, _ i: Int, _ j: Int, observed phi: Double) {
        let c = (i - 1) * sample.maxJ + j - 1
        mean = csvRounded(sample.cellMean[c])
        lower = csvRounded(sample.cellLower[c])
        upper = csvRounded(sample.cellUpper[c])
        quantile = csvRounded(sample.cdf(i, j, phi))
    }

    init(mean: Double, lower: Double, upper: Double, quantile: Double) {
        (self.mean, self.lower, self.upper, self.quantile) = (mean, lower, upper, quantile)
    }

    static func cells(_ n: CellNull?) -> [String] {
        guard let n else { return ["", "", "", ""] }
        return [ReportNumber.csv(n.mean), ReportNumber.csv(n.lower), ReportNumber.csv(n.upper), ReportNumber.csv(n.quantile)]
    }

    static func read(_ r: CSVDocument.Row) throws -> CellNull? {
        guard let mean = try r.optionalDouble("null_mean") else { return nil }
        return CellNull(mean: mean, lower: try r.double("null_lo"), upper: try r.double("null_hi"), quantile: try r.double("null_quantile"))
    }
}

/// The null columns of a `weight_projection.csv` row (see `ProjectionRow`).
struct ProjectionNull: Equatable, Sendable {
    var mean: Double
    var standardDeviation: Double
    var lower: Double
    var upper: Double
    var draws: Int
    /// On `delta_w` rows: where ΔW's ‖UᵀWV‖_F falls, and the amplification against random directions.
    var z: Double?
    var quantile: Double?
    var randomAmplification: Double?
    var ratio: Double?
    var ratioLower: Double?
    var ratioUpper: Double?

    static let header = ["null_mean", "null_sd", "null_lo", "null_hi", "null_draws", "null_z", "null_quantile",
                         "random_amplification", "amplification_ratio", "ratio_lo", "ratio_hi"]

    /// The null alone (a `random` row), rounded as written.
    init(_ null: NullDistribution) {
        mean = csvRounded(null.mean)
        standardDeviation = csvRounded(null.standardDeviation)
        lower = csvRounded(null.lower)
        upper = csvRounded(null.upper)
        draws = null.count
    }

    /// The null with ΔW's projection p and ‖ΔW‖_F (a `delta_w` row), rounded as written.
    init(_ null: NullDistribution, projection p: Double, deltaNorm: Double) {
        self.init(null)
        z = csvRounded(null.zScore(p))
        quantile = csvRounded(null.cdf(p))
        randomAmplification = csvRounded(deltaNorm / null.mean)
        ratio = csvRounded(null.mean / p)
        ratioLower = csvRounded(null.lower / p)
        ratioUpper = csvRounded(null.upper / p)
    }

    init(mean: Double, standardDeviation: Double, lower: Double, upper: Double, draws: Int, z: Double?, quantile: Double?,
         randomAmplification: Double?, ratio: Double?, ratioLower: Double?, ratioUpper: Double?) {
        (self.mean, self.standardDeviation, self.lower, self.upper, self.draws) = (mean, standardDeviation, lower, upper, draws)
        (self.z, self.quantile, self.randomAmplification) = (z, quantile, randomAmplification)
        (self.ratio, self.ratioLower, self.ratioUpper) = (ratio, ratioLower, ratioUpper)
    }

    /// The cells of `n`; without a null, every cell empty but null_draws = 0.
    static func cells(_ n: ProjectionNull?) -> [String] {
        guard let n else { return header.map { $0 == "null_draws" ? "0" : "" } }
        return [ReportNumber.csv(n.mean), ReportNumber.csv(n.standardDeviation), ReportNumber.csv(n.lower), ReportNumber.csv(n.upper),
                String(n.draws), ReportNumber.csv(n.z), ReportNumber.csv(n.quantile), ReportNumber.csv(n.randomAmplification),
                ReportNumber.csv(n.ratio), ReportNumber.csv(n.ratioLower), ReportNumber.csv(n.ratioUpper)]
    }

    static func read(_ r: CSVDocument.Row) throws -> ProjectionNull? {
        guard let mean = try r.optionalDouble("null_mean") else { return nil }
        return ProjectionNull(mean: mean, standardDeviation: try r.double("null_sd"), lower: try r.double("null_lo"),
                              upper: try r.double("null_hi"), draws: try r.int("null_draws"), z: try r.optionalDouble("null_z"),
                              quantile: try r.optionalDouble("null_quantile"),
                              randomAmplification: try r.optionalDouble("random_amplification"),
                              ratio: try r.optionalDouble("amplification_ratio"), ratioLower: try r.optionalDouble("ratio_lo"),
                              ratioUpper: try r.optionalDouble("ratio_hi"))
    }
}

/// A Monte-Carlo null of a statistic that is not one CSV cell, one of two kinds in two files:
/// - `diagonal_mean` (claim 4), `null_distributions.csv`: `statistic,layer,matrix,rank_a,rank_b,k,draws,mean,sd,lo,hi,stream`;
///   D = (1/K)·Σ_{k≤K} φ(k, k) between random subspaces, K = `k`, for the seed pairs at rank_a = rank_b (the Fig 4 null
///   of that layer and matrix).
/// - `projection_growth` (claim 6), `null_projection_growth.csv`: the same columns without `k` (the statistic has none,
///   and a blank would turn pandas' integer column into floats); x_high / x_low for random directions, x = ‖UᵀWV‖_F at
///   rank_b (high) and rank_a (low), the two Table 7 nulls paired draw by draw (independent streams, so pairs are
///   independent draws).
/// `stream` names the `SeededGenerator` stream(s) of the draws.
struct NullRow: Equatable, Sendable {
    enum Statistic: String, Sendable { case diagonalMean = "diagonal_mean", projectionGrowth = "projection_growth" }
    var statistic: Statistic
    var layer: Int
    var matrix: String
    var rankA: Int
    var rankB: Int
    var k: Int?
    var draws: Int
    var mean: Double
    var standardDeviation: Double
    var lower: Double
    var upper: Double
    var stream: String

    static let header = ["statistic", "layer", "matrix", "rank_a", "rank_b", "k", "draws", "mean", "sd", "lo", "hi", "stream"]
    static let growthHeader = header.filter { $0 != "k" }

    init(_ statistic: Statistic, layer: Int, matrix: String, rankA: Int, rankB: Int, k: Int?, null: NullDistribution, stream: String) {
        self.init(statistic: statistic, layer: layer, matrix: matrix, rankA: rankA, rankB: rankB, k: k, draws: null.count,
                  mean: csvRounded(null.mean), standardDeviation: csvRounded(null.standardDeviation), lower: csvRounded(null.lower),
                  upper: csvRounded(null.upper), stream: stream)
    }

    init(statistic: Statistic, layer: Int, matrix: String, rankA: Int, rankB: Int, k: Int?, draws: Int, mean: Double,
         standardDeviation: Double, lower: Double, upper: Double, stream: String) {
        (self.statistic, self.layer, self.matrix, self.rankA, self.rankB, self.k) = (statistic, layer, matrix, rankA, rankB, k)
        (self.draws, self.mean, self.standardDeviation, self.lower, self.upper, self.stream) = (draws, mean, standardDeviation, lower, upper, stream)
    }
}

extension ReportCSVEncoder {
    /// `null_distributions.csv` (rows with a `k`) or, with `withK` false, `null_projection_growth.csv`.
    static func nulls(_ rows: [NullRow], withK: Bool = true) -> String {
        var out = CSVText(header: withK ? NullRow.header : NullRow.growthHeader)
        for r in rows {
            let k = withK ? [ReportNumber.int(r.k)] : []
            out.append([r.statistic.rawValue, String(r.layer), r.matrix, String(r.rankA), String(r.rankB)] + k
                       + [String(r.draws), ReportNumber.csv(r.mean), ReportNumber.csv(r.standardDeviation), ReportNumber.csv(r.lower),
                          ReportNumber.csv(r.upper), r.stream])
        }
        return out.text
    }

    static func growthNulls(_ rows: [NullRow]) -> String { nulls(rows, withK: false) }
}

extension ReportCSVDecoder {
    static func nulls(_ d: CSVDocument) throws -> [NullRow] {
        try d.require(NullRow.growthHeader)
        return try (0..<d.rows.count).map { n in
            let r = d.row(n)
            guard let statistic = NullRow.Statistic(rawValue: r.string("statistic")) else {
                throw r.error("statistic", "'\(r.string("statistic"))' is not diagonal_mean or projection_growth")
            }
            return NullRow(statistic: statistic, layer: try r.int("layer"), matrix: r.string("matrix"), rankA: try r.int("rank_a"),
                           rankB: try r.int("rank_b"), k: d.has("k") ? try r.int("k") : nil, draws: try r.int("draws"), mean: try r.double("mean"),
                           standardDeviation: try r.double("sd"), lower: try r.double("lo"), upper: try r.double("hi"),
                           stream: r.string("stream"))
        }
    }
}
