import Analysis
import ExperimentSpec
import Foundation

/// The SVG figures of a results folder (`figures/`), rendered from the same data and selections as the report
/// tables: Fig 3 / Fig 4 / Fig 8 analogues as φ heatmaps, accuracy vs rank and planted recovery as line charts.
enum ReportFigures {
    static let accuracyName = "accuracy-vs-rank.svg"
    static let plantedName = "planted-recovery.svg"
    static func fig3Name(matrix: String, layer: Int) -> String { "fig3-\(matrix)-layer\(layer).svg" }
    static func fig4Name(matrix: String, layer: Int) -> String { "fig4-\(matrix)-layer\(layer).svg" }
    static func fig4Name(layer: Int) -> String { "fig4-layer\(layer).svg" }
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
            return (fig3Name(matrix: m, layer: layer), SVG.heatmaps(panels, title: title, caption: phiCaption))
        }
    }

    /// What the φ figures' panel labels mean (their caption).
    static let phiCaption = [
        "e.g. r64-s1 = the run of rank 64 and adapter-initialisation seed 1 (run ids in subspace_similarity.csv); i, j = top-i, top-j right singular vectors.",
        "on A = of the learned A (the paper's definition); on A − A₀ = of what training added to A; on ΔW = of ΔW = scaling·B·A.",
        "random = the mean φ grid of the Monte-Carlo null (random subspaces of the same dimensions).",
    ]

    /// Fig 4 as the paper lays it out (`fig4-layer<L>.svg`): the first seed pair at the seed-similarity rank at the middle
    /// layer, φ on A for each matrix side by side (ΔW_q, ΔW_v), then one random panel (the null's mean grid of the first
    /// matrix: every matrix of one shape has the same null law). Then, per matrix (`fig4-<m>-layer<L>.svg`), the same pair
    /// on A − A₀ and on ΔW.
    static func fig4(_ phi: [PhiPanel]) -> [(String, String)] {
        guard let sel = ReportSelection.fig4Panels(phi), let layer = ReportOrder.middleLayer(sel.panels.compactMap(\.layer)) else { return [] }
        let at = sel.panels.filter { $0.layer == layer }
        let matrices = Array(Set(at.map(\.matrix))).sorted(by: ReportOrder.matrixLess)
        let firsts = matrices.compactMap { m in at.filter { $0.matrix == m }.min { ($0.runA, $0.runB) < ($1.runA, $1.runB) } }
        guard let p0 = firsts.first else { return [] }
        var main = firsts.map { HeatmapPanel(title: "ΔW_\($0.matrix): \($0.runA) vs \($0.runB)", values: $0.grid) }
        if let random = p0.nullMeanGrid { main.append(HeatmapPanel(title: "random", values: random)) }
        let title = "φ between two seeds at r = \(p0.rankA), on A, layer \(layer) (\(sel.targets)); random E[φ] = max(i, j)/\(p0.ambient)"
        var out = [(fig4Name(layer: layer), SVG.heatmaps(main, title: title, caption: phiCaption))]
        for p in firsts {
            let panels = [SimilarityBasis.learned, .deltaW].compactMap { basis in
                sameGrid(phi, as: p, basis: basis).map { HeatmapPanel(title: "ΔW_\(p.matrix): \(p.runA) vs \(p.runB), on \(basis.label)", values: $0.grid) }
            }
            guard !panels.isEmpty else { continue }
            let t = "φ between two seeds at r = \(p.rankA), ΔW_\(p.matrix), layer \(layer) (\(sel.targets)), on A − A₀ and on ΔW"
            out.append((fig4Name(matrix: p.matrix, layer: layer), SVG.heatmaps(panels, title: t, caption: phiCaption)))
        }
        return out
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
                hm.append(HeatmapPanel(title: "random", values: random, rowLabel: "i (W)", columnLabel: "j (random)"))
            }
            let top = colorScaleTop(hm.flatMap { $0.values.flatMap { $0 } })
            let title = "φ(top-i of W_\(m), top-j of ΔW_\(m)), layer \(focus.layer) (\(focus.targets)); random E[φ] = max(i, j)/\(ofM.first?.ambient ?? 0)"
            let caption = [
                "r = k: the first-seed run of rank k; i = top-i right singular vectors of W, j = top-j of ΔW = scaling·B·A.",
                "random = the mean φ grid of the Monte-Carlo null: W's top-i against random j-dimensional subspaces (largest rank).",
                "Colour scale 0–\(NumberFormat.significant(top, digits: 2)) (the panels' maximum, rounded up), not φ's full 0–1.",
            ]
            return (fig8Name(matrix: m), SVG.heatmaps(hm, title: title, caption: caption, range: 0...top,
                                                      colorBarNote: "scale 0–\(NumberFormat.significant(top, digits: 2))"))
        }
    }

    /// The top of a colour scale from 0 for `values` (φ ≥ 0): their finite maximum rounded up to a nice step (1, 2 or 5
    /// × 10^k, a fifth of the maximum or less), at most 1; 1 when there is no positive value.
    static func colorScaleTop(_ values: [Double]) -> Double {
        let m = values.filter(\.isFinite).max() ?? 0
        guard m > 0 else { return 1 }
        let mag = pow(10, log10(m / 5).rounded(.down))
        let f = m / 5 / mag
        let step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag
        return Swift.min(1, (m / step).rounded(.up) * step)
    }

    /// The primary metric (on the spec's accuracy split) vs rank: one line per target set (mean ± std over seeds), majority and head-only baselines dashed.
    static func accuracy(_ data: ReportData, context: ReportContext?) -> String? {
        guard let v = ReportMarkdown.accuracyView(data), v.ranks.count >= 2, v.ranks.allSatisfy({ $0 > 0 }) else { return nil }
        let scale = v.percent ? 100.0 : 1.0
        let series = v.targetSets.map { t in
            LineChart.Series(name: t, points: v.groups[t]!.keys.sorted().map { r in
                let s = v.groups[t]![r]!
                return LineChart.Point(x: Double(r), y: s.mean, error: s.standardDeviation)
            })
        }
        let refs = (v.majority.map { [LineChart.ReferenceLine(y: $0 * scale, label: v.split == "validation" ? "majority class" : "majority class (validation)")] } ?? [])
            + (v.headOnly.map { [LineChart.ReferenceLine(y: $0.mean, label: "head only (no adapters)")] } ?? [])
        let ours = LineChart(title: "ours", xLabel: "rank r", yLabel: v.unit,
                             series: series, xScale: .log2, referenceLines: refs)
        let paper = v.percent && v.metric == "accuracy" ? paperAccuracyCharts(targetSets: v.targetSets) : []
        var caption = ["Left (ours): " + (context.map { $0.modelDescription + "; " } ?? "")
                       + "mean ± sample std over seeds (one seed: no bar); y range fitted to the data, not 0–100."]
        if !paper.isEmpty {
            caption.append("Right: the paper's Table 6 (GPT-3 175B, validation accuracy, run-to-run spread ± 0.5 on WikiSQL and ± 0.1 on "
                           + "MultiNLI as bars) for the same target sets, each panel on its own y range: compare shapes, not levels.")
        }
        return SVG.lineCharts([ours] + paper, title: "\(v.splitTitle) \(v.metric) vs rank r", caption: caption)
    }

    /// The paper's Table 6 as one chart per dataset, series for those of `targetSets` that Table 6 has (none: no chart).
    static func paperAccuracyCharts(targetSets: [String]) -> [LineChart] {
        let datasets = Array(Set(PaperReference.table6.map(\.dataset))).sorted().reversed()
        return datasets.compactMap { d in
            let rows = targetSets.compactMap { t in PaperReference.table6.first { $0.dataset == d && $0.weightTypes == t } }
            guard !rows.isEmpty else { return nil }
            let series = rows.map { row in
                LineChart.Series(name: row.weightTypes, points: row.accuracies.map { LineChart.Point(x: Double($0.rank), y: $0.accuracy,
                                                                                                      error: row.spread) })
            }
            return LineChart(title: "paper, Table 6: \(PaperReference.datasetName(d))", xLabel: "rank r", yLabel: "accuracy (%)",
                             series: series, xScale: .log2)
        }
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
                                       series: series, yRange: 0...1, integerX: true))
    }
}
