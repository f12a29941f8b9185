import Analysis
import ExperimentSpec
import Foundation

/// Report sections of Figs 3 and 4 (Sec 7.2): φ between A factors, beside the Monte-Carlo null of random subspaces.
extension ReportMarkdown {
    /// "[lo, hi]" of a cell's null band (3 decimals), or a dash.
    static func nullBand(_ n: CellNull?) -> String { n.map { "[\(f3($0.lower)), \(f3($0.upper))]" } ?? dash }

    static func fig3(_ env: SectionEnvironment) -> String? {
        guard let fig3 = ReportSelection.fig3Panels(env.phi) else { return nil }
        let layers = Array(Set(fig3.panels.compactMap(\.layer))).sorted()
        guard let middle = ReportOrder.middleLayer(layers) else { return nil }
        let matrices = Array(Set(fig3.panels.map(\.matrix))).sorted(by: ReportOrder.matrixLess)
        let pairs = Array(Set(fig3.panels.map { "\($0.runA) vs \($0.runB)" })).sorted()
        let ambient = fig3.panels.first?.ambient ?? 0
        var out = "φ(A_{r=\(fig3.pair[0])}, A_{r=\(fig3.pair[1])}, i, j) on the right singular vectors of A (\(fig3.targets); "
            + "\(pairs.joined(separator: ", "))), i ≤ \(fig3.panels.map(\.maxI).max()!), j ≤ \(fig3.panels.map(\.maxJ).max()!). "
            + "For random subspaces E[φ] = max(i, j)/k with k = \(ambient); every cell also has its Monte-Carlo null (random "
            + "subspaces of the same dimensions, \(env.analyses.nullDraws) draws per layer, matrix and rank pair; columns null_* of "
            + "`\(ReportFiles.similarity)`). The figures show the middle layer (\(middle) of \(layers.first!)…\(layers.last!))"
            + (fig3.panels.contains { $0.maxJ > 8 || $0.maxI > 8 } ? ", full and zoomed to i, j ≤ 8" : "") + ".\n\n"
        for m in matrices {
            if let f = figure(ReportFigures.fig3Name(matrix: m, layer: middle), alt: "Fig 3, ΔW_\(m), layer \(middle)", env) { out += f }
        }
        out += "\nφ(1, 1) per layer (mean ± std over seed pairs when there are several) and the null's 95 % band for φ(1, 1):\n\n"
        var table = MarkdownTable(header: ["Layer"] + matrices.flatMap { ["φ(1,1) \($0)", "\($0): random 95 % band"] } + ["E[φ(1,1)] = 1/k"],
                                  alignments: [.left] + matrices.flatMap { _ in [MarkdownTable.Alignment.right, .right] } + [.right])
        for l in layers {
            let values = Claims.phi11(fig3.panels, layer: l)
            table.append([l == middle ? "\(l) (middle)" : String(l)] + matrices.flatMap { m in
                [values.first { $0.matrix == m }.map { phiCell($0.summary) } ?? dash,
                 nullBand(fig3.panels.first { $0.layer == l && $0.matrix == m }?.null(1, 1))]
            } + [ambient > 0 ? f3(1 / Double(ambient)) : dash])
        }
        out += table.rendered()
        out += fig3Diagonal(fig3.panels.filter { $0.layer == middle }, matrices: matrices)
        let bases = SimilarityBasis.haarNull.compactMap { b in ReportSelection.fig3Panels(env.phi, basis: b).map { (b, $0.panels) } }
        out += basisTable(bases, layers: layers, middle: middle, matrices: matrices, statistic: "φ(1,1)") { $0.phi(1, 1) }
        if let data = ReportSelection.fig3Panels(env.phi, basis: .dataMetric) {
            out += dataMetricTable(data.panels, layers: layers, middle: middle, matrices: matrices, statistic: "φ(1,1)",
                                   value: { $0.phi(1, 1) }, null: { $0.null(1, 1).map { ($0.mean, $0.lower...$0.upper) } })
        }
        return out
    }

    /// The statistic per layer in the data metric (`SimilarityBasis.dataMetric`), beside its own null (mean and 95 % band).
    static func dataMetricTable(_ panels: [PhiPanel], layers: [Int], middle: Int, matrices: [String], statistic: String,
                                value: (PhiPanel) -> Double?, null: (PhiPanel) -> (mean: Double, band: ClosedRange<Double>?)?) -> String {
        var t = MarkdownTable(header: ["Layer"] + matrices.flatMap { ["\($0): \(statistic)", "\($0): random, same metric"] },
                              alignments: [.left] + matrices.flatMap { _ in [MarkdownTable.Alignment.right, .right] })
        for l in layers {
            t.append([l == middle ? "\(l) (middle)" : String(l)] + matrices.flatMap { m -> [String] in
                let ps = panels.filter { $0.layer == l && $0.matrix == m }
                let n = ps.first.flatMap(null)
                return [phiCell(SeedSummary(ps.compactMap(value))),
                        n.map { x in f3(x.mean) + (x.band.map { " [\(f3($0.lowerBound)), \(f3($0.upperBound))]" } ?? "") } ?? dash]
            })
        }
        return "\n\(statistic) in the data metric — on the right singular vectors of ΔW·C^{1/2}, C the covariance of the inputs "
            + "the matrix acts on (for W_v: mixed by each head's attention) over the task's first 1024 training texts "
            + "(`\(InputCovarianceFile.name)`): the basis the planted control validates, where directions the inputs do not "
            + "excite do not count. The reference beside it is random rank-r updates seen through the same C (its mean, and its 95 % "
            + "band where the cell's null gives it; ours: mean ± std over seed pairs). Such updates lean toward the few directions "
            + "the inputs vary most in, so they share more than random subspaces (max(i, j)/in) do; trained updates need not lean "
            + "that way, so this reference is not a chance level for them, and no verdict reads this table yet:\n\n" + t.rendered()
    }

    /// The same statistic per layer on each basis φ was computed on (A, A − A₀, ΔW), mean over seed pairs.
    static func basisTable(_ bases: [(SimilarityBasis, [PhiPanel])], layers: [Int], middle: Int, matrices: [String], statistic: String,
                           _ value: (PhiPanel) -> Double?) -> String {
        guard bases.count > 1 else { return "" }
        let columns = matrices.flatMap { m in bases.map { (m, $0.0, $0.1) } }
        var t = MarkdownTable(header: ["Layer"] + columns.map { "\($0.0): on \($0.1.label)" }, alignments: [.left] + columns.map { _ in .right })
        for l in layers {
            t.append([l == middle ? "\(l) (middle)" : String(l)] + columns.map { c in
                phiCell(SeedSummary(c.2.filter { $0.layer == l && $0.matrix == c.0 }.compactMap(value)))
            })
        }
        return "\n\(statistic) on the right singular vectors of A (the paper's definition, above), of A − A₀ (what training added "
            + "to A; A₀ regenerated from the recorded init seeds) and of ΔW, per layer (mean ± std over seed pairs); the null is "
            + "the same for the three:\n\n" + t.rendered()
    }

    /// φ(i, i) at the middle layer: how fast the shared subspace fades, beside the null's mean.
    static func fig3Diagonal(_ at: [PhiPanel], matrices: [String]) -> String {
        let n = at.map { Swift.min($0.maxI, $0.maxJ) }.min() ?? 0
        guard n >= 2 else { return "" }
        var diag = MarkdownTable(header: ["Matrix"] + (1...n).map { "i = \($0)" }, alignments: [.left] + (1...n).map { _ in .right })
        for m in matrices {
            diag.append([m] + (1...n).map { i in phiCell(SeedSummary(at.filter { $0.matrix == m }.compactMap { $0.phi(i, i) })) })
        }
        if let p = at.first { diag.append(["random (null mean, \(p.matrix))"] + (1...n).map { p.null($0, $0).map { f3($0.mean) } ?? dash }) }
        return "\nφ(i, i) at the middle layer, i = 1…\(n):\n\n" + diag.rendered()
    }

    static func fig4(_ env: SectionEnvironment) -> String? {
        guard let fig4 = ReportSelection.fig4Panels(env.phi) else { return nil }
        let layers = Array(Set(fig4.panels.compactMap(\.layer))).sorted()
        guard let middle = ReportOrder.middleLayer(layers) else { return nil }
        let matrices = Array(Set(fig4.panels.map(\.matrix))).sorted(by: ReportOrder.matrixLess)
        let pairs = Array(Set(fig4.panels.map { "\($0.runA) vs \($0.runB)" })).sorted()
        let (rank, ambient) = (fig4.panels[0].rankA, fig4.panels[0].ambient)
        let K = Claims.seedK(fig4.panels, options: env.analyses)
        let expected = (1...K).map { Double($0) / Double(ambient) }.reduce(0, +) / Double(K)
        var out = "φ between A of two seeds at r = \(rank) (\(fig4.targets); \(pairs.joined(separator: ", "))), i, j ≤ "
            + "\(fig4.panels.map(\.maxI).max()!); right panel: φ between random subspaces of R^\(ambient), the mean of the Monte-Carlo "
            + "null (\(env.analyses.nullDraws) draws per layer and matrix). D = mean of φ(k, k) over k ≤ \(K); for random subspaces "
            + "E[D] = \(f3(expected)), and the D columns give the null's mean and 95 % band (`\(ReportFiles.nulls)`). The figures "
            + "show the middle layer (\(middle)); every layer is in `\(ReportFiles.similarity)`.\n\n"
        if let f = figure(ReportFigures.fig4Name(layer: middle), alt: "Fig 4, layer \(middle)", env) { out += f }
        for m in matrices {
            if let f = figure(ReportFigures.fig4Name(matrix: m, layer: middle), alt: "Fig 4 on A − A₀ and ΔW, ΔW_\(m), layer \(middle)", env) {
                out += f
            }
        }
        var table = MarkdownTable(header: ["Layer"] + matrices.flatMap { ["\($0): φ(1,1)", "\($0): D", "\($0): D, random"] },
                                  alignments: [.left] + matrices.flatMap { _ in [MarkdownTable.Alignment.right, .right, .right] })
        for l in layers {
            var row = [l == middle ? "\(l) (middle)" : String(l)]
            for m in matrices {
                let ps = fig4.panels.filter { $0.layer == l && $0.matrix == m }
                row.append(phiCell(SeedSummary(ps.compactMap { $0.phi(1, 1) })))
                row.append(phiCell(SeedSummary(ps.compactMap { $0.diagonalMean(K) })))
                let null = Claims.diagonalNull(env.data.nulls ?? [], layer: l, matrix: m, rank: rank, K: K)
                row.append(null.map { "\(f3($0.mean)) [\(f3($0.lower)), \(f3($0.upper))]" } ?? dash)
            }
            table.append(row)
        }
        let bases = SimilarityBasis.haarNull.compactMap { b in ReportSelection.fig4Panels(env.phi, basis: b).map { (b, $0.panels) } }
        out += "\n" + table.rendered()
            + basisTable(bases, layers: layers, middle: middle, matrices: matrices, statistic: "D (k ≤ \(K))") { $0.diagonalMean(K) }
        if let data = ReportSelection.fig4Panels(env.phi, basis: .dataMetric) {
            out += dataMetricTable(data.panels, layers: layers, middle: middle, matrices: matrices, statistic: "D (k ≤ \(K))",
                                   value: { $0.diagonalMean(K) }, null: { p in p.nullDiagonalMean(K).map { ($0, nil) } })
        }
        return out
    }
}
