import Analysis
import Foundation

/// The SVG figures of a results folder (`figures/`), rendered from the same data and selections as the report
/// tables: Fig 3 / Fig 4 / Fig 8 analogues as φ heatmaps, accuracy vs rank and planted recovery as line charts.
enum ReportFigures {
    static let accuracyName = "accuracy-vs-rank.svg"
    static let plantedName = "planted-recovery.svg"
    static func fig3Name(matrix: String, layer: Int) -> String { "fig3-\(matrix)-layer\(layer).svg" }
    static func fig4Name(matrix: String, layer: Int) -> String { "fig4-\(matrix)-layer\(layer).svg" }
    static func fig8Name(matrix: String) -> String { "fig8-\(matrix).svg" }

    static func crop(_ grid: [[Double]], rows: Int, cols: Int) -> [[Double]] {
        Array(grid.prefix(rows)).map { Array($0.prefix(cols)) }
    }

    /// The same pair's panel on another basis (A − A₀, ΔW), if the data have it.
    static func sameGrid(_ phi: [PhiPanel], as p: PhiPanel, basis: SimilarityBasis) -> PhiPanel? {
        phi.first { $0.basis == basis && $0.comparison == p.comparison && $0.targets == p.targets && $0.layer == p.layer
            && $0.matrix == p.matrix && $0.runA == p.runA && $0.runB == p.runB }
    }

    /// Fig 3: for each matrix at the middle layer, the first seed pair's φ(A_small, A_large): full and zoomed (i, j ≤ 8),
    /// then zoomed on A − A₀ and on ΔW's right singular vectors, side by side.
    static func fig3(_ phi: [PhiPanel]) -> [(String, String)] {
        guard let sel = ReportSelection.fig3Panels(phi), let layer = ReportOrder.middleLayer(sel.panels.compactMap(\.layer)) else { return [] }
        let at = sel.panels.filter { $0.layer == layer }
        let matrices = Array(Set(at.map(\.matrix))).sorted(by: ReportOrder.matrixLess)
        return matrices.compactMap { m in
            guard let p = at.filter({ $0.matrix == m }).min(by: { ($0.runA, $0.runB) < ($1.runA, $1.runB) }) else { return nil }
            var panels = [HeatmapPanel(title: "\(p.runA) vs \(p.runB): i ≤ \(p.maxI), j ≤ \(p.maxJ)", values: p.grid)]
            let zi = Swift.min(8, p.maxI), zj = Swift.min(8, p.maxJ)
            if zj < p.maxJ || zi < p.maxI {
                panels.append(HeatmapPanel(title: "zoomed: i ≤ \(zi), j ≤ \(zj)", values: crop(p.grid, rows: zi, cols: zj)))
            }
            for basis in [SimilarityBasis.learned, .deltaW] {
                guard let q = sameGrid(phi, as: p, basis: basis) else { continue }
                panels.append(HeatmapPanel(title: "on \(basis.label): i ≤ \(zi), j ≤ \(zj)", values: crop(q.grid, rows: zi, cols: zj)))
            }
            let title = "φ(A_r=\(sel.pair[0]), A_r=\(sel.pair[1]), i, j) for ΔW_\(m), layer \(layer) (\(sel.targets)); random E[φ] = max(i, j)/\(p.ambient)"
            return (fig3Name(matrix: m, layer: layer), SVG.heatmaps(panels, title: title))
        }
    }

    /// Fig 4: for each matrix at the middle layer, the first seed pair at the seed-similarity rank, on A, on A − A₀ and on
    /// ΔW, beside the random panel (the mean φ grid of the Monte-Carlo null of that layer and matrix).
    static func fig4(_ phi: [PhiPanel]) -> [(String, String)] {
        guard let sel = ReportSelection.fig4Panels(phi), let layer = ReportOrder.middleLayer(sel.panels.compactMap(\.layer)) else { return [] }
        let at = sel.panels.filter { $0.layer == layer }
        let matrices = Array(Set(at.map(\.matrix))).sorted(by: ReportOrder.matrixLess)
        return matrices.compactMap { m in
            guard let p = at.filter({ $0.matrix == m }).min(by: { ($0.runA, $0.runB) < ($1.runA, $1.runB) }) else { return nil }
            var panels = [HeatmapPanel(title: "ΔW_\(m): \(p.runA) vs \(p.runB), on A", values: p.grid)]
            for basis in [SimilarityBasis.learned, .deltaW] {
                guard let q = sameGrid(phi, as: p, basis: basis) else { continue }
                panels.append(HeatmapPanel(title: "on \(basis.label)", values: q.grid))
            }
            if let random = p.nullMeanGrid {
                panels.append(HeatmapPanel(title: "random subspaces (mean of the null's draws)", values: random))
            }
            let title = "φ between two seeds at r = \(p.rankA), ΔW_\(m), layer \(layer) (\(sel.targets)); random E[φ] = max(i, j)/\(p.ambient)"
            return (fig4Name(matrix: m, layer: layer), SVG.heatmaps(panels, title: title))
        }
    }

    /// Fig 8 (App. H.3): for each matrix of the focus target set at the middle layer, one panel per rank (first seed)
    /// with φ(top-i of W, top-j of ΔW), and the random panel: the null's mean grid at the largest rank.
    static func fig8(_ panels: [OverlapPanel]) -> [(String, String)] {
        guard let focus = Claims.overlapFocus(panels) else { return [] }
        let learned = panels.filter { $0.targets == focus.targets && $0.layer == focus.layer }
        let matrices = Array(Set(learned.map(\.matrix))).sorted(by: ReportOrder.matrixLess)
        return matrices.map { m in
            let ofM = learned.filter { $0.matrix == m }
            let firsts: [OverlapPanel] = Array(Set(ofM.map(\.rank))).sorted().compactMap { r in
                ofM.filter { $0.rank == r }.min { (SeedKey(initSeed: $0.seed, dataSeed: $0.dataSeed), $0.run)
                    < (SeedKey(initSeed: $1.seed, dataSeed: $1.dataSeed), $1.run) }
            }
            var hm = firsts.map { HeatmapPanel(title: "ΔW_\(m), r = \($0.rank)", values: $0.grid, rowLabel: "i (W)", columnLabel: "j (ΔW)") }
            if let random = firsts.last?.nullMeanGrid {
                hm.append(HeatmapPanel(title: "random subspaces (null mean)", values: random, rowLabel: "i (W)", columnLabel: "j (random)"))
            }
            let title = "φ(top-i of W_\(m), top-j of ΔW_\(m)), layer \(focus.layer) (\(focus.targets)); random E[φ] = max(i, j)/\(ofM.first?.ambient ?? 0)"
            return (fig8Name(matrix: m), SVG.heatmaps(hm, title: title))
        }
    }

    /// Validation metric vs rank: one line per target set (mean ± std over seeds), majority baseline dashed.
    static func accuracy(_ data: ReportData, context: ReportContext?) -> String? {
        guard let v = ReportMarkdown.accuracyView(data), v.ranks.count >= 2, v.ranks.allSatisfy({ $0 > 0 }) else { return nil }
        let scale = v.percent ? 100.0 : 1.0
        let series = v.targetSets.map { t in
            LineChart.Series(name: t, points: v.groups[t]!.keys.sorted().map { r in
                let s = v.groups[t]![r]!
                return LineChart.Point(x: Double(r), y: s.mean, error: s.standardDeviation)
            })
        }
        let refs = v.majority.map { [LineChart.ReferenceLine(y: $0 * scale, label: "majority class")] } ?? []
        let title = "Validation \(v.metric) vs rank r" + (context.map { " — \($0.modelDescription)" } ?? "")
        return SVG.lineChart(LineChart(title: title, xLabel: "rank r", yLabel: v.unit, series: series, xScale: .log2, referenceLines: refs))
    }

    /// recovery(k) vs k, one line per (targets, matrix, rank), averaged over runs and layers.
    static func planted(_ data: ReportData) -> String? {
        guard let rows = data.planted, !rows.isEmpty else { return nil }
        struct Key: Hashable { var targets: String, matrix: String, rank: Int }
        let keys = Array(Set(rows.map { Key(targets: $0.targets, matrix: $0.matrix, rank: $0.rank) })).sorted { a, b in
            if a.targets != b.targets { return ReportOrder.targetSetLess(a.targets, b.targets) }
            if a.matrix != b.matrix { return ReportOrder.matrixLess(a.matrix, b.matrix) }
            return a.rank < b.rank
        }
        let series = keys.map { key -> LineChart.Series in
            let of = rows.filter { $0.targets == key.targets && $0.matrix == key.matrix && $0.rank == key.rank }
            let ks = Array(Set(of.map(\.k))).sorted()
            return LineChart.Series(name: "\(key.matrix), r = \(key.rank) (\(key.targets))", points: ks.map { k in
                let s = SeedSummary(of.filter { $0.k == k }.map(\.recovery))
                return LineChart.Point(x: Double(k), y: s.mean, error: s.standardDeviation)
            })
        }
        return SVG.lineChart(LineChart(title: "Planted-rank recovery φ(k, k)", xLabel: "k (top directions)", yLabel: "recovery",
                                       series: series, yRange: 0...1))
    }
}
