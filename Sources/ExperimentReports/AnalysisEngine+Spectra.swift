import Analysis
import ExperimentSpec
import Foundation
import LinearAlgebra
import LoRA

extension AnalysisEngine {
    // MARK: Spectra

    func spectrumRows(_ subjects: [AnalysisSubject]) throws -> [SpectrumRow] {
        var rows: [SpectrumRow] = []
        for s in subjects {
            for key in s.keys {
                let delta = try wrap(s, key) { try s.factors[key]!.delta() }
                let spectrum = Spectrum(singularValues: delta.values)
                let energy = spectrum.cumulativeEnergy
                for (n, value) in spectrum.singularValues.enumerated() {
                    rows.append(SpectrumRow(run: s.id, layer: key.layer, matrix: key.target.rawValue, index: n + 1,
                                            singularValue: csvRounded(value), stableRank: csvRounded(spectrum.stableRank),
                                            energyRank90: spectrum.energyRank90, cumulativeEnergy: csvRounded(energy[n]),
                                            targets: s.targets, rank: s.rank, seed: s.initSeed, dataSeed: s.dataSeed))
                }
            }
        }
        return rows
    }

    // MARK: Planted recovery

    func plantedRows(_ subjects: [AnalysisSubject], planted: AnalysisSubject) throws -> [PlantedRow] {
        var rows: [PlantedRow] = []
        for s in subjects {
            for key in s.keys {
                guard let p = planted.factors[key] else { continue }
                let learned = try wrap(s, key) { try s.factors[key]!.delta() }
                let truth = try wrap(planted, key) { try p.delta() }
                let maxK = Swift.min(learned.count, truth.count)
                guard maxK >= 1, learned.right.rows == truth.right.rows else { continue }
                let curve = PlantedRecovery.recoveryCurve(learnedRight: learned.right, plantedRight: truth.right, maxK: maxK)
                let ambient = learned.right.rows
                for (n, value) in curve.enumerated() {
                    rows.append(PlantedRow(run: s.id, layer: key.layer, matrix: key.target.rawValue, rank: s.rank, seed: s.initSeed,
                                           k: n + 1, recovery: csvRounded(value),
                                           expectedRandom: csvRounded(Double(n + 1) / Double(ambient)), targets: s.targets,
                                           plantedRank: planted.rank, dataSeed: s.dataSeed))
                }
            }
        }
        return rows
    }
}
