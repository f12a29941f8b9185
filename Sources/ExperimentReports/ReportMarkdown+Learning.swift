import Analysis
import ExperimentSpec
import Foundation

extension ReportMarkdown {
    /// Per target set, matrix and rank: the learning-versus-initialisation diagnostics, mean ± std over layers and seeds.
    static func learning(_ env: SectionEnvironment) -> String? {
        guard let rows = env.data.learning, !rows.isEmpty else { return nil }
        struct Key: Hashable { var targets: String, matrix: String, rank: Int }
        let keys = Array(Set(rows.map { Key(targets: $0.targets, matrix: $0.matrix, rank: $0.rank) })).sorted { a, b in
            if a.targets != b.targets { return ReportOrder.targetSetLess(a.targets, b.targets) }
            if a.matrix != b.matrix { return ReportOrder.matrixLess(a.matrix, b.matrix) }
            return a.rank < b.rank
        }
        var table = MarkdownTable(header: ["Targets", "Matrix", "r", "‖A − A₀‖/‖A₀‖", "cos(A, A₀)", "φ(A, A₀, 1, 1)",
                                           "singular values of A above s₁(A₀)", "n"],
                                  alignments: [.left, .left, .right, .right, .right, .right, .right, .right])
        for k in keys {
            let of = rows.filter { $0.targets == k.targets && $0.matrix == k.matrix && $0.rank == k.rank }
            table.append([k.targets, k.matrix, String(k.rank), SeedSummary(of.map(\.relativeChange)).formatted(digits: 3),
                          SeedSummary(of.map(\.cosine)).formatted(digits: 3), SeedSummary(of.map(\.phi11)).formatted(digits: 3),
                          SeedSummary(of.map { Double($0.aboveEdge) }).formatted(digits: 1), String(of.count)])
        }
        return "A₀ is regenerated exactly as training drew it, from the adapter's recorded init seed and scheme "
            + "(`SeededGenerator(seed: init seed, stream: \"lora/<layer>/<target>/r<rank>\")`). A cosine near 1, a small relative "
            + "change and φ(A, A₀, 1, 1) near 1 mean A is still mostly its random initialisation, so φ on A (Figs 3 and 4, "
            + "defined on A as in Sec 7.2) compares initialisations more than what was learned; the last column counts the "
            + "directions training made stronger than any of A₀'s (s₁(A₀) is the edge of the initialisation's singular-value "
            + "bulk). Mean ± std over layers and seeds (n = matrices); every matrix is in `\(ReportFiles.learning)`.\n\n"
            + table.rendered()
    }
}
