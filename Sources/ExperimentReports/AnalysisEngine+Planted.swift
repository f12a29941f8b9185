import Analysis
import ExperimentSpec
import Foundation
import LinearAlgebra
import LoRA

extension AnalysisEngine {
    /// recovery(k) of the planted ΔW* per subject, layer, matrix and k ≤ min(r, planted rank): on the plain right singular
    /// vectors (`PlantedRecovery.recoveryCurve`), and — where `covariances` holds the matrix's input covariance
    /// (`InputCovarianceFile`) — in the data metric (`PlantedRecovery.dataMetric`) beside its Monte-Carlo null
    /// (`options.nullDraws` random rank-r updates, one stream per layer, matrix and rank).
    func plantedRows(_ subjects: [AnalysisSubject], planted: AnalysisSubject,
                     covariances: [String: Matrix<Double>]) throws -> [PlantedRow] {
        var metrics: [String: (metric: Matrix<Double>, plantedRight: Matrix<Double>)] = [:]
        var nulls: [String: [NullDistribution]] = [:]
        var rows: [PlantedRow] = []
        for s in subjects {
            for key in s.keys {
                guard let p = planted.factors[key] else { continue }
                let learned = try wrap(s, key) { try s.factors[key]!.delta() }
                let truth = try wrap(planted, key) { try p.delta() }
                let maxK = Swift.min(learned.count, truth.count)
                guard maxK >= 1, learned.right.rows == truth.right.rows else { continue }
                let curve = PlantedRecovery.recoveryCurve(learnedRight: learned.right, plantedRight: truth.right, maxK: maxK)
                let name = InputCovarianceFile.tensorName(layer: key.layer, target: key.target.rawValue)
                var data: [Double]? = nil, null: [NullDistribution]? = nil
                if let c = covariances[name], c.rows == learned.right.rows {
                    if metrics[name] == nil {
                        let m = try PlantedRecovery.dataMetric(covariance: c)
                        metrics[name] = (m, try PlantedRecovery.dataMetricRight(b: p.b, a: p.a, scale: p.scaling, metric: m))
                    }
                    let (m, plantedRight) = metrics[name]!
                    let f = s.factors[key]!
                    let right = try wrap(s, key) { try PlantedRecovery.dataMetricRight(b: f.b, a: f.a, scale: f.scaling, metric: m) }
                    data = PlantedRecovery.recoveryCurve(learnedRight: right, plantedRight: plantedRight, maxK: maxK)
                    let nullKey = "\(name)/r\(s.rank)"
                    if nulls[nullKey] == nil {
                        var rng = SeededGenerator(seed: options.randomSeed, stream: "null/planted-data/L\(key.layer)/\(key.target.rawValue)/r\(s.rank)")
                        nulls[nullKey] = try PlantedRecovery.dataMetricNull(
                            plantedRight: plantedRight, outFeatures: f.b.rows, rank: s.rank, maxK: Swift.min(s.rank, truth.count),
                            metric: m, draws: options.nullDraws, using: &rng)
                    }
                    null = nulls[nullKey]
                }
                let ambient = learned.right.rows
                for (n, value) in curve.enumerated() {
                    let band = null.flatMap { n < $0.count ? $0[n] : nil }
                    rows.append(PlantedRow(run: s.id, layer: key.layer, matrix: key.target.rawValue, rank: s.rank, seed: s.initSeed,
                                           k: n + 1, recovery: csvRounded(value),
                                           expectedRandom: csvRounded(Double(n + 1) / Double(ambient)),
                                           recoveryData: data.map { csvRounded($0[n]) },
                                           nullMean: band.map { csvRounded($0.mean) }, nullUpper: band.map { csvRounded($0.upper) },
                                           targets: s.targets, plantedRank: planted.rank, dataSeed: s.dataSeed))
                }
            }
        }
        return rows
    }
}
