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
}
