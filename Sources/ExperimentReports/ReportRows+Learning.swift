import Analysis
import ExperimentSpec
import Foundation

/// One adapter's learning-versus-initialisation diagnostics (`InitialisationDiagnostics`) at one (layer, matrix),
/// `learning_diagnostics.csv`:
/// `run,layer,matrix,rank,seed,init,relative_change,cosine,phi11,top_singular_value,init_edge,above_edge,targets,data_seed,`
/// `init_seed` (`init_seed` repeats `seed`, the adapter-initialisation seed, under `accuracy.csv`'s name)
/// with A₀ regenerated from the adapter's recorded init seed and scheme (`init` = gaussian or kaiming-uniform):
/// relative_change = ‖A − A₀‖_F/‖A₀‖_F, cosine = cos(A, A₀), phi11 = φ(A, A₀, 1, 1), init_edge = s₁(A₀), above_edge =
/// the number of singular values of A above it.
struct LearningRow: Equatable, Sendable {
    var run: String
    var layer: Int
    var matrix: String
    var rank: Int
    var seed: UInt64?
    var initialization: String
    var relativeChange: Double
    var cosine: Double
    var phi11: Double
    var topSingularValue: Double
    var initEdge: Double
    var aboveEdge: Int
    var targets: String
    var dataSeed: UInt64?

    static let header = ["run", "layer", "matrix", "rank", "seed", "init", "relative_change", "cosine", "phi11", "top_singular_value",
                         "init_edge", "above_edge", "targets", "data_seed", "init_seed"]
}

extension ReportCSVEncoder {
    static func learning(_ rows: [LearningRow]) -> String {
        var out = CSVText(header: LearningRow.header)
        for r in rows {
            out.append([r.run, String(r.layer), r.matrix, String(r.rank), r.seed.map(String.init) ?? "", r.initialization,
                        ReportNumber.csv(r.relativeChange), ReportNumber.csv(r.cosine), ReportNumber.csv(r.phi11),
                        ReportNumber.csv(r.topSingularValue), ReportNumber.csv(r.initEdge), String(r.aboveEdge), r.targets,
                        seedCell(r.dataSeed), seedCell(r.seed)])
        }
        return out.text
    }
}

extension ReportCSVDecoder {
    static func learning(_ d: CSVDocument) throws -> [LearningRow] {
        try d.require(LearningRow.header.filter { $0 != "init_seed" })
        return try (0..<d.rows.count).map { n in
            let r = d.row(n)
            func seed(_ c: String) throws -> UInt64? { try Self.seed(r, c) }
            return LearningRow(run: r.string("run"), layer: try r.int("layer"), matrix: r.string("matrix"), rank: try r.int("rank"),
                               seed: try seed("seed"), initialization: r.string("init"), relativeChange: try r.double("relative_change"),
                               cosine: try r.double("cosine"), phi11: try r.double("phi11"),
                               topSingularValue: try r.double("top_singular_value"), initEdge: try r.double("init_edge"),
                               aboveEdge: try r.int("above_edge"), targets: r.string("targets"), dataSeed: try seed("data_seed"))
        }
    }
}
