import Analysis
import ExperimentSpec
import Foundation
import LinearAlgebra
import LoRA

extension AnalysisEngine {
    /// Learning-versus-initialisation diagnostics of every adapter, layer and matrix whose init seed is recorded (A₀ is
    /// regenerated, `AnalysisSubject.initialA`); adapters without one (PEFT files from elsewhere) have no rows.
    func learningRows(_ subjects: [AnalysisSubject]) throws -> [LearningRow] {
        var rows: [LearningRow] = []
        for s in subjects {
            for key in s.keys {
                guard let a0 = s.initialA(key), let f = s.factors[key], let p = f.parameters else { continue }
                let d = try wrap(s, key) { try InitialisationDiagnostics(a: f.a, initial: a0) }
                rows.append(LearningRow(run: s.id, layer: key.layer, matrix: key.target.rawValue, rank: s.rank, seed: s.initSeed,
                                        initialization: p.initialization.rawValue, relativeChange: csvRounded(d.relativeChange),
                                        cosine: csvRounded(d.cosine), phi11: csvRounded(d.phi11),
                                        topSingularValue: csvRounded(d.topSingularValue), initEdge: csvRounded(d.edge),
                                        aboveEdge: d.aboveEdge, targets: s.targets, dataSeed: s.dataSeed))
            }
        }
        return rows
    }
}
