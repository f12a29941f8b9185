import Analysis
import Foundation

/// The generated sections of `report.md`, also used for the marked sections of `notebooks-md/*.md`.
/// Raw values are the marker names (`<!-- BEGIN GENERATED: table6 source=results/qv-rank -->`).
public enum ReportSection: String, CaseIterable, Sendable {
    case table6, table5, accuracy, fig3, fig4, pairs, table7, overlap, spectra, planted, claims

    /// The heading report.md gives the section.
    var heading: String {
        switch self {
        case .table6: return "Table 6 shape: accuracy by rank r"
        case .table5: return "Table 5 shape: which weight types to adapt"
        case .accuracy: return "Runs"
        case .fig3: return "Fig 3: subspace similarity between r = \(Self.pairPlaceholder)"
        case .fig4: return "Fig 4: subspace similarity between two seeds"
        case .pairs: return "Subspace similarity between adapters"
        case .table7: return "Table 7: how ΔW relates to W"
        case .overlap: return "App. H.3 / Fig 8: top directions of W vs ΔW"
        case .spectra: return "Spectra of ΔW"
        case .planted: return "Planted-rank recovery"
        case .claims: return "Claims"
        }
    }
    static let pairPlaceholder = "<pair>"
}

/// What section bodies and figures are rendered from.
struct SectionEnvironment {
    let data: ReportData
    let context: ReportContext?
    /// The analyses' options (the context's, or `experiment analyze`'s).
    let analyses: AnalysesSpec
    /// True when `figures/<name>` exists in the results folder.
    var figureExists: (String) -> Bool
    /// The link to `figures/<name>` as seen from the document being written.
    var figureLink: (String) -> String
    /// The φ and W-vs-ΔW grids of `data`, grouped once.
    let phi: [PhiPanel]
    let overlapPanels: [OverlapPanel]

    init(data: ReportData, context: ReportContext?, analyses: AnalysesSpec? = nil,
         figureExists: @escaping (String) -> Bool = { _ in false }, figureLink: @escaping (String) -> String = { $0 },
         phi: [PhiPanel]? = nil, overlapPanels: [OverlapPanel]? = nil) {
        self.data = data
        self.context = context
        self.analyses = analyses ?? context?.options ?? AnalysesSpec()
        self.figureExists = figureExists
        self.figureLink = figureLink
        self.phi = phi ?? PhiPanel.panels(data.similarity ?? [])
        self.overlapPanels = overlapPanels ?? OverlapPanel.panels(data.overlap ?? [])
    }
}

enum ReportMarkdown {
    // MARK: number formats

    static func f3(_ x: Double) -> String { NumberFormat.fixed(x, digits: 3) }
    static func f2(_ x: Double) -> String { NumberFormat.fixed(x, digits: 2) }
    static func g3(_ x: Double) -> String { NumberFormat.significant(x, digits: 3) }
    static func g4(_ x: Double) -> String { NumberFormat.significant(x, digits: 4) }
    static let dash = "—"

    /// A metric in display units: percent with one decimal for accuracy-like metrics, else 4 significant digits.
    static func metric(_ s: SeedSummary, percent: Bool) -> String {
        if percent { return s.formatted(digits: 1) }
        guard s.count > 0 else { return "n/a (n=0)" }
        let m = g4(s.mean)
        if let sd = s.standardDeviation { return "\(m) ± \(g3(sd)) (n=\(s.count))" }
        return "\(m) (n=\(s.count))"
    }

    /// "0.374 ± 0.020 (n=2)" for n > 1, "0.374" for a single value.
    static func phiCell(_ s: SeedSummary) -> String {
        guard s.count > 0 else { return dash }
        return s.count > 1 ? s.formatted(digits: 3) : f3(s.mean)
    }

    static func normCell(_ s: SeedSummary) -> String {
        guard s.count > 0 else { return dash }
        // Values equal over seeds (W, the random directions) print once.
        if let sd = s.standardDeviation, sd > 0 { return "\(g3(s.mean)) ± \(g3(sd))" }
        return g3(s.mean)
    }

    static func oursLabel(_ context: ReportContext?) -> String {
        guard let c = context else { return "ours" }
        return "ours: \(c.modelDescription) on \(c.taskDescription)"
    }

    static func figure(_ name: String, alt: String, _ env: SectionEnvironment) -> String? {
        env.figureExists(name) ? "![\(alt)](\(env.figureLink(name)))\n" : nil
    }

    // MARK: dispatch

    /// The section's Markdown body (no heading), or nil when the data does not support it.
    static func body(_ section: ReportSection, _ env: SectionEnvironment) -> String? {
        switch section {
        case .table6: return table6(env)
        case .table5: return table5(env)
        case .accuracy: return runs(env)
        case .fig3: return fig3(env)
        case .fig4: return fig4(env)
        case .pairs: return pairs(env)
        case .table7: return table7(env)
        case .overlap: return overlap(env)
        case .spectra: return spectra(env)
        case .planted: return planted(env)
        case .claims: return claims(env)
        }
    }

    /// The heading report.md uses for a section (the Fig 3 one names its rank pair).
    static func heading(_ section: ReportSection, _ env: SectionEnvironment) -> String {
        if section == .fig3, let fig3 = ReportSelection.fig3Panels(env.phi) {
            return "Fig 3: subspace similarity between r = \(fig3.pair[0]) and r = \(fig3.pair[1])"
        }
        if section == .fig3 { return "Fig 3: subspace similarity between two ranks" }
        return section.heading
    }

    // MARK: accuracy

    struct AccuracyView {
        var metric: String
        var percent: Bool
        var groups: [String: [Int: SeedSummary]]
        var targetSets: [String]
        var ranks: [Int]
        var diverged: [AccuracyRow]
        var majority: Double?
        var rows: [AccuracyRow]

        var unit: String { percent ? "\(metric) (%)" : metric }
    }

    static func accuracyView(_ data: ReportData) -> AccuracyView? {
        guard let rows = data.accuracy, !rows.isEmpty, let metric = ReportSelection.primaryMetric(rows) else { return nil }
        let groups = ReportSelection.accuracyGroups(rows, metric: metric)
        guard !groups.isEmpty else { return nil }
        let targets = groups.keys.sorted(by: ReportOrder.targetSetLess)
        let ranks = Array(Set(groups.values.flatMap(\.keys))).sorted()
        let majorities = rows.filter(\.isFinished).compactMap(\.majorityBaseline)
        let majority = majorities.isEmpty ? nil : majorities.reduce(0, +) / Double(majorities.count)
        return AccuracyView(metric: metric, percent: ReportSelection.isPercent(metric), groups: groups, targetSets: targets, ranks: ranks,
                            diverged: rows.filter { !$0.isFinished }, majority: majority, rows: rows)
    }

    static func accuracyFootnotes(_ v: AccuracyView) -> String {
        var out = ""
        if let m = v.majority {
            out += "Majority-class baseline: \(v.percent ? NumberFormat.percent(m, digits: 1) + " %" : g4(m)).\n"
        }
        if !v.diverged.isEmpty {
            out += "Excluded (\(v.diverged.count) run\(v.diverged.count == 1 ? "" : "s") not finished): "
                + v.diverged.map { "`\($0.run)` (\($0.status))" }.joined(separator: ", ") + ".\n"
        }
        return out
    }

    static func table6(_ env: SectionEnvironment) -> String? {
        guard let v = accuracyView(env.data) else { return nil }
        let multiRank = v.groups.values.contains { $0.count >= 2 }
        guard multiRank || env.context?.reference == .table6 else { return nil }
        let paperRanks = [1, 2, 4, 8, 64]
        let columns = Array(Set(v.ranks + paperRanks)).sorted()
        var table = MarkdownTable(header: ["Setting", "Weight types"] + columns.map { "r = \($0)" },
                                  alignments: [.left, .left] + columns.map { _ in .right })
        let ours = oursLabel(env.context)
        for t in v.targetSets {
            table.append([ours, t] + columns.map { r in v.groups[t]?[r].map { metric($0, percent: v.percent) } ?? dash })
        }
        for row in PaperReference.table6 {
            table.append(["\(PaperReference.model), \(PaperReference.datasetName(row.dataset)) (paper, ± \(NumberFormat.fixed(row.spread, digits: 1)))",
                          row.weightTypes] + columns.map { r in row.accuracy(rank: r).map { NumberFormat.fixed($0, digits: 1) } ?? dash })
        }
        var out = "Validation \(v.unit), mean ± sample std over seeds (n = number of seeds), beside the paper's Table 6 "
            + "(\(PaperReference.model), validation accuracy %, the paper's ± as printed there). α is fixed while r varies, as in the paper.\n\n"
        out += table.rendered() + "\n"
        out += accuracyFootnotes(v)
        if let fig = figure(ReportFigures.accuracyName, alt: "validation \(v.metric) vs rank", env) { out += "\n" + fig }
        return out
    }

    static func table5(_ env: SectionEnvironment) -> String? {
        guard let v = accuracyView(env.data) else { return nil }
        guard v.targetSets.count >= 2 || env.context?.reference == .table5 else { return nil }
        var table = MarkdownTable(header: ["Weight types", "ours: r", "ours: trainable params", "ours: \(v.unit)",
                                           "paper: r", "paper: WikiSQL", "paper: MultiNLI"],
                                  alignments: [.left, .right, .right, .right, .right, .right, .right])
        var shownPaper = Set<String>()
        for t in v.targetSets {
            for r in v.groups[t]!.keys.sorted() {
                let params = v.rows.first { $0.targets == t && $0.rank == r && $0.isFinished }?.trainableParams
                // The paper's row is printed beside the first of our rows with its weight types.
                let paper = shownPaper.contains(t) ? nil : PaperReference.table5.first { $0.weightTypes == t }
                if paper != nil { shownPaper.insert(t) }
                table.append([t, String(r), params.map(String.init) ?? dash, metric(v.groups[t]![r]!, percent: v.percent),
                              paper.map { String($0.rank) } ?? "",
                              paper.map { "\(NumberFormat.fixed($0.wikiSQL, digits: 1)) ± \(NumberFormat.fixed($0.wikiSQLSpread, digits: 1))" } ?? "",
                              paper.map { "\(NumberFormat.fixed($0.multiNLI, digits: 1)) ± \(NumberFormat.fixed($0.multiNLISpread, digits: 1))" } ?? ""])
            }
        }
        for p in PaperReference.table5 where !shownPaper.contains(p.weightTypes) {
            table.append([p.weightTypes, dash, dash, dash, String(p.rank),
                          "\(NumberFormat.fixed(p.wikiSQL, digits: 1)) ± \(NumberFormat.fixed(p.wikiSQLSpread, digits: 1))",
                          "\(NumberFormat.fixed(p.multiNLI, digits: 1)) ± \(NumberFormat.fixed(p.multiNLISpread, digits: 1))"])
        }
        var out = "\(oursLabel(env.context)): validation \(v.unit), mean ± sample std over seeds (n). Paper: \(PaperReference.model), "
            + "Table 5, every row at the same budget of \(PaperReference.table5[0].trainableParameters) trainable parameters "
            + "(r × number of adapted types is constant). Our trainable parameters include the task head.\n\n"
        out += table.rendered() + "\n" + accuracyFootnotes(v)
        return out
    }

    static func runs(_ env: SectionEnvironment) -> String? {
        guard let rows = env.data.accuracy, !rows.isEmpty else { return nil }
        let sorted = rows.sorted { a, b in
            if a.targets != b.targets { return ReportOrder.targetSetLess(a.targets, b.targets) }
            if a.rank != b.rank { return a.rank < b.rank }
            return (a.initSeed ?? 0, a.dataSeed ?? 0, a.run) < (b.initSeed ?? 0, b.dataSeed ?? 0, b.run)
        }
        var table = MarkdownTable(header: ["Run", "Targets", "r", "Init seed", "Data seed", "Trainable params", "Status", "Steps", "Metric", "Value"],
                                  alignments: [.left, .left, .right, .right, .right, .right, .left, .right, .left, .right])
        for r in sorted {
            let value = r.value.map { ReportSelection.isPercent(r.metric) ? NumberFormat.percent($0, digits: 2) + " %" : g4($0) } ?? dash
            table.append([r.run, r.targets, String(r.rank), r.initSeed.map(String.init) ?? dash, r.dataSeed.map(String.init) ?? dash,
                          r.trainableParams.map(String.init) ?? dash, r.status, r.steps.map(String.init) ?? dash, r.metric, value])
        }
        return "One row per run (`\(ReportFiles.accuracy)` has every validation metric).\n\n" + table.rendered()
    }

    // MARK: Fig 3

    static func fig3(_ env: SectionEnvironment) -> String? {
        let panels = env.phi
        guard let fig3 = ReportSelection.fig3Panels(panels) else { return nil }
        let layers = Array(Set(fig3.panels.compactMap(\.layer))).sorted()
        guard let middle = ReportOrder.middleLayer(layers) else { return nil }
        let matrices = Array(Set(fig3.panels.map(\.matrix))).sorted(by: ReportOrder.matrixLess)
        let pairs = Array(Set(fig3.panels.map { "\($0.runA) vs \($0.runB)" })).sorted()
        let ambient = fig3.panels.first?.ambient ?? 0
        var out = "φ(A_{r=\(fig3.pair[0])}, A_{r=\(fig3.pair[1])}, i, j) on the right singular vectors of A (\(fig3.targets); "
            + "\(pairs.joined(separator: ", "))), i ≤ \(fig3.panels.map(\.maxI).max()!), j ≤ \(fig3.panels.map(\.maxJ).max()!). "
            + "For random subspaces E[φ] = max(i, j)/k with k = \(ambient). The figures show the middle layer (\(middle) of "
            + "\(layers.first!)…\(layers.last!))" + (fig3.panels.contains { $0.maxJ > 8 || $0.maxI > 8 } ? ", full and zoomed to i, j ≤ 8" : "")
            + "; every layer is in `\(ReportFiles.similarity)`.\n\n"
        for m in matrices {
            if let f = figure(ReportFigures.fig3Name(matrix: m, layer: middle), alt: "Fig 3, ΔW_\(m), layer \(middle)", env) { out += f }
        }
        out += "\nφ(1, 1) per layer (mean ± std over seed pairs when there are several):\n\n"
        var table = MarkdownTable(header: ["Layer"] + matrices.map { "φ(1,1) \($0)" } + ["random expectation 1/k"],
                                  alignments: [.left] + matrices.map { _ in .right } + [.right])
        for l in layers {
            let values = Claims.phi11(fig3.panels, layer: l)
            table.append([l == middle ? "\(l) (middle)" : String(l)]
                         + matrices.map { m in values.first { $0.matrix == m }.map { phiCell($0.summary) } ?? dash }
                         + [ambient > 0 ? f3(1 / Double(ambient)) : dash])
        }
        out += table.rendered()
        // φ(i, i) at the middle layer: how fast the shared subspace fades.
        let at = fig3.panels.filter { $0.layer == middle }
        let n = at.map { Swift.min($0.maxI, $0.maxJ) }.min() ?? 0
        if n >= 2 {
            out += "\nφ(i, i) at the middle layer, i = 1…\(n):\n\n"
            var diag = MarkdownTable(header: ["Matrix"] + (1...n).map { "i = \($0)" }, alignments: [.left] + (1...n).map { _ in .right })
            for m in matrices {
                diag.append([m] + (1...n).map { i in phiCell(SeedSummary(at.filter { $0.matrix == m }.compactMap { $0.phi(i, i) })) })
            }
            if ambient > 0 { diag.append(["random"] + (1...n).map { f3(Double($0) / Double(ambient)) }) }
            out += diag.rendered()
        }
        return out
    }

    // MARK: Fig 4

    static func fig4(_ env: SectionEnvironment) -> String? {
        let panels = env.phi
        guard let fig4 = ReportSelection.fig4Panels(panels) else { return nil }
        let layers = Array(Set(fig4.panels.compactMap(\.layer))).sorted()
        guard let middle = ReportOrder.middleLayer(layers) else { return nil }
        let matrices = Array(Set(fig4.panels.map(\.matrix))).sorted(by: ReportOrder.matrixLess)
        let pairs = Array(Set(fig4.panels.map { "\($0.runA) vs \($0.runB)" })).sorted()
        let rank = fig4.panels[0].rankA
        let ambient = fig4.panels[0].ambient
        let K = Claims.seedK(fig4.panels, options: env.analyses)
        var out = "φ between A of two seeds at r = \(rank) (\(fig4.targets); \(pairs.joined(separator: ", "))), i, j ≤ "
            + "\(fig4.panels.map(\.maxI).max()!), and between two random Gaussian \(rank) × \(ambient) matrices (right panel). "
            + "For random subspaces E[φ] = max(i, j)/k, k = \(ambient). D = mean of φ(k, k) over k ≤ \(K). "
            + "The figures show the middle layer (\(middle)); every layer is in `\(ReportFiles.similarity)`.\n\n"
        for m in matrices {
            if let f = figure(ReportFigures.fig4Name(matrix: m, layer: middle), alt: "Fig 4, ΔW_\(m), layer \(middle)", env) { out += f }
        }
        var table = MarkdownTable(header: ["Layer"] + matrices.flatMap { ["\($0): φ(1,1)", "\($0): D"] },
                                  alignments: [.left] + matrices.flatMap { _ in [MarkdownTable.Alignment.right, .right] })
        for l in layers {
            var row = [l == middle ? "\(l) (middle)" : String(l)]
            for m in matrices {
                let ps = fig4.panels.filter { $0.layer == l && $0.matrix == m }
                row.append(phiCell(SeedSummary(ps.compactMap { $0.phi(1, 1) })))
                row.append(phiCell(SeedSummary(ps.compactMap { $0.diagonalMean(K) })))
            }
            table.append(row)
        }
        if let random = panels.first(where: { $0.comparison == .random && $0.ambient == ambient }) {
            table.append(["random panel"] + matrices.flatMap { _ in [random.phi(1, 1).map(f3) ?? dash, random.diagonalMean(K).map(f3) ?? dash] })
            let band = ClaimRules.randomDiagonalBand(K: Swift.min(K, random.maxI, random.maxJ), ambient: ambient)
            table.append(["random expectation"] + matrices.flatMap { _ in [f3(1 / Double(ambient)), "\(f3(band.expected)) ± \(f3(band.tolerance))"] })
        }
        out += "\n" + table.rendered()
        return out
    }

    // MARK: adapter pairs (`experiment analyze`)

    /// φ(1, 1) and D = mean φ(k, k), k ≤ K, per pair of adapters, layer and matrix.
    static func pairs(_ env: SectionEnvironment) -> String? {
        let panels = env.phi.filter { $0.comparison == .adapters }
        guard !panels.isEmpty else { return nil }
        let maxI = env.analyses.maxI, maxJ = env.analyses.maxJ
        var t = MarkdownTable(header: ["run_a", "run_b", "Layer", "Matrix", "φ(1,1)", "D (k ≤ K)", "K", "random φ(1,1) = 1/k"],
                              alignments: [.left, .left, .right, .left, .right, .right, .right, .right])
        for p in panels {
            let K = Swift.min(maxI, p.maxI, p.maxJ)
            t.append([p.runA, p.runB, p.layer.map(String.init) ?? dash, p.matrix, p.phi(1, 1).map(f3) ?? dash,
                      p.diagonalMean(K).map(f3) ?? dash, String(K), f3(1 / Double(p.ambient))])
        }
        return "φ(A, A′, i, j) on the right singular vectors of A, i ≤ min(\(maxI), r_a), j ≤ min(\(maxJ), r_b) "
            + "(run_a is the adapter of smaller rank); the full grids are in `\(ReportFiles.similarity)`.\n\n" + t.rendered()
    }

    // MARK: Table 7

    static func table7(_ env: SectionEnvironment) -> String? {
        guard let rows = env.data.projection, !rows.isEmpty, let middle = ReportOrder.middleLayer(rows.map(\.layer)) else { return nil }
        let layers = Array(Set(rows.map(\.layer))).sorted()
        let at = rows.filter { $0.layer == middle }
        struct Group: Hashable { var targets: String, matrix: String, rank: Int }
        let groups = Array(Set(at.map { Group(targets: $0.targets, matrix: $0.matrix, rank: $0.rank) })).sorted { a, b in
            if a.targets != b.targets { return ReportOrder.targetSetLess(a.targets, b.targets) }
            if a.matrix != b.matrix { return ReportOrder.matrixLess(a.matrix, b.matrix) }
            return a.rank < b.rank
        }
        var table = MarkdownTable(header: ["Setting", "r", "ΔW directions", "W directions", "random directions", "random expectation",
                                           "‖W‖_F", "‖ΔW‖_F", "amplification"],
                                  alignments: [.left, .right, .right, .right, .right, .right, .right, .right, .right])
        for g in groups {
            let rs = at.filter { $0.targets == g.targets && $0.matrix == g.matrix && $0.rank == g.rank }
            func values(_ s: DirectionSource, _ f: (ProjectionRow) -> Double?) -> SeedSummary {
                SeedSummary(rs.filter { $0.directionsFrom == s }.compactMap(f).filter(\.isFinite))
            }
            table.append(["ours: W_\(g.matrix), layer \(middle) (\(g.targets))", String(g.rank),
                          normCell(values(.deltaW, { $0.projectionNorm })), normCell(values(.w, { $0.projectionNorm })),
                          normCell(values(.random, { $0.projectionNorm })), normCell(values(.random, { $0.randomExpectation })),
                          normCell(values(.w, { $0.weightNorm })), normCell(values(.deltaW, { $0.deltaNorm })),
                          normCell(values(.deltaW, { $0.amplification }))])
        }
        for r in [4, 64] {
            let p = PaperReference.table7.filter { $0.rank == r }
            func v(_ s: DirectionSource) -> PaperReference.Table7Row { p.first { $0.directionsFrom == s }! }
            table.append(["paper: W_q, layer 48 of 96 (\(PaperReference.model))", String(r), f2(v(.deltaW).projectionNorm),
                          f2(v(.w).projectionNorm), f2(v(.random).projectionNorm),
                          f2(WeightProjection.randomProjectionScale(rank: r, weightNorm: v(.w).weightNorm, rows: 12288, cols: 12288)),
                          f2(v(.w).weightNorm), v(.deltaW).deltaNorm.map(f2) ?? dash, v(.deltaW).amplification.map(g3) ?? dash])
        }
        var out = "‖UᵀWV‖_F at the middle layer (\(middle)) with U, V the top-r singular vectors of ΔW, of W, or of a random Gaussian "
            + "matrix of W's shape; random expectation r·‖W‖_F/√(out·in); amplification = ‖ΔW‖_F / ‖UᵀWV‖_F with U, V from ΔW. "
            + "Mean ± std over seeds where there are several. All layers are in `\(ReportFiles.projection)`.\n\n"
        out += table.rendered()
        // Amplification per layer for the focus target set.
        if let targets = ReportSelection.primaryRankTargets(rows.map { ($0.targets, $0.rank, $0.run) }) {
            let of = rows.filter { $0.targets == targets && $0.directionsFrom == .deltaW }
            let matrices = Array(Set(of.map(\.matrix))).sorted(by: ReportOrder.matrixLess)
            let ranks = Array(Set(of.map(\.rank))).sorted()
            let columns = matrices.flatMap { m in ranks.map { (m, $0) } }
            var amp = MarkdownTable(header: ["Layer"] + columns.map { "\($0.0), r = \($0.1)" },
                                    alignments: [.left] + columns.map { _ in .right })
            for l in layers {
                amp.append([l == middle ? "\(l) (middle)" : String(l)] + columns.map { c in
                    let v = of.filter { $0.layer == l && $0.matrix == c.0 && $0.rank == c.1 }.compactMap(\.amplification).filter(\.isFinite)
                    return v.isEmpty ? dash : g3(v.reduce(0, +) / Double(v.count))
                })
            }
            out += "\nAmplification factor per layer (\(targets), mean over seeds):\n\n" + amp.rendered()
        }
        return out
    }

    // MARK: App. H.3

    static func overlap(_ env: SectionEnvironment) -> String? {
        let panels = env.overlapPanels
        guard let focus = Claims.overlapFocus(panels) else { return nil }
        let learned = panels.filter { !$0.isRandom && $0.targets == focus.targets }
        let matrices = Array(Set(learned.map(\.matrix))).sorted(by: ReportOrder.matrixLess)
        let layers = Array(Set(learned.map(\.layer))).sorted()
        var out = "φ(top-i right singular vectors of W, top-j of ΔW) for \(focus.targets), i ≤ \(learned.map(\.maxI).max() ?? 0), "
            + "j ≤ r; random: the top-j right singular vectors of a Gaussian matrix of W's shape. Overlap = φ(i*, i*) with "
            + "i* = min(i_max, r) (do ΔW's top directions lie in W's?); coverage = φ(i_max, r) (how much of W's top-i_max "
            + "subspace ΔW picks up), random expectation max(i, j)/in. Middle layer \(focus.layer); all layers in `\(ReportFiles.overlap)`.\n\n"
        for m in matrices {
            if let f = figure(ReportFigures.fig8Name(matrix: m), alt: "App. H.3, W_\(m) vs ΔW_\(m), layer \(focus.layer)", env) { out += f }
        }
        var table = MarkdownTable(header: ["Matrix", "r", "overlap (middle layer)", "coverage (middle layer)", "coverage, random matrix",
                                           "random expectation", "overlap, mean over layers", "coverage, mean over layers"],
                                  alignments: [.left, .right, .right, .right, .right, .right, .right, .right])
        for m in matrices {
            let ofM = learned.filter { $0.matrix == m }
            for r in Array(Set(ofM.map(\.rank))).sorted() {
                let ofR = ofM.filter { $0.rank == r }
                let mid = ofR.filter { $0.layer == focus.layer }
                guard let sample = mid.first ?? ofR.first else { continue }
                let random = panels.first { $0.isRandom && $0.layer == sample.layer && $0.matrix == m }
                let randomCoverage = random?.phi(sample.maxI, sample.maxJ)
                let expected = sample.ambient > 0 ? Double(Swift.max(sample.maxI, sample.maxJ)) / Double(sample.ambient) : Double.nan
                table.append([m, String(r), phiCell(SeedSummary(mid.compactMap(\.overlap))), phiCell(SeedSummary(mid.compactMap(\.coverage))),
                              randomCoverage.map(f3) ?? dash, expected.isNaN ? dash : f3(expected),
                              f3(SeedSummary(ofR.compactMap(\.overlap)).mean), f3(SeedSummary(ofR.compactMap(\.coverage)).mean)])
            }
        }
        out += "\n" + table.rendered()
        if layers.count > 1 { out += "\nLayers: \(layers.map(String.init).joined(separator: ", ")).\n" }
        return out
    }

    // MARK: spectra

    static func spectra(_ env: SectionEnvironment) -> String? {
        guard let rows = env.data.spectra, !rows.isEmpty else { return nil }
        struct Key: Hashable { var targets: String, matrix: String, rank: Int }
        struct PerMatrix { var stable: Double, energy: Int, top: Double }
        var perMatrix: [Key: [PerMatrix]] = [:]
        for r in rows where r.index == 1 {
            perMatrix[Key(targets: r.targets, matrix: r.matrix, rank: r.rank), default: []]
                .append(PerMatrix(stable: r.stableRank, energy: r.energyRank90, top: r.cumulativeEnergy))
        }
        let keys = perMatrix.keys.sorted { a, b in
            if a.targets != b.targets { return ReportOrder.targetSetLess(a.targets, b.targets) }
            if a.matrix != b.matrix { return ReportOrder.matrixLess(a.matrix, b.matrix) }
            return a.rank < b.rank
        }
        var table = MarkdownTable(header: ["Targets", "Matrix", "r", "stable rank", "energy rank (90 %)", "s₁² share of ‖ΔW‖²_F", "n"],
                                  alignments: [.left, .left, .right, .right, .right, .right, .right])
        for k in keys {
            let v = perMatrix[k]!
            table.append([k.targets, k.matrix, String(k.rank), SeedSummary(v.map(\.stable)).formatted(digits: 2),
                          SeedSummary(v.map { Double($0.energy) }).formatted(digits: 1),
                          SeedSummary(v.map(\.top)).formatted(digits: 3), String(v.count)])
        }
        return "Singular values of ΔW = scaling·B·A per layer and matrix (`\(ReportFiles.spectra)`). Stable rank = ‖ΔW‖²_F/‖ΔW‖²₂ ∈ [1, r]; "
            + "energy rank = the smallest n whose top-n singular values hold 90 % of ‖ΔW‖²_F. Mean ± std over layers and seeds "
            + "(n = matrices).\n\n" + table.rendered()
    }

    // MARK: planted

    static func planted(_ env: SectionEnvironment) -> String? {
        guard let rows = env.data.planted, !rows.isEmpty else { return nil }
        let plantedRank = rows.map(\.plantedRank).max()!
        let ks = Array(1...Swift.min(Swift.max(plantedRank, 1), 8))
        struct Key: Hashable { var targets: String, matrix: String, rank: Int }
        let keys = Array(Set(rows.map { Key(targets: $0.targets, matrix: $0.matrix, rank: $0.rank) })).sorted { a, b in
            if a.targets != b.targets { return ReportOrder.targetSetLess(a.targets, b.targets) }
            if a.matrix != b.matrix { return ReportOrder.matrixLess(a.matrix, b.matrix) }
            return a.rank < b.rank
        }
        var table = MarkdownTable(header: ["Targets", "Matrix", "r"] + ks.map { "recovery(\($0))" } + ["n"],
                                  alignments: [.left, .left, .right] + ks.map { _ in .right } + [.right])
        for key in keys {
            let of = rows.filter { $0.targets == key.targets && $0.matrix == key.matrix && $0.rank == key.rank }
            let n = Set(of.map { "\($0.run)/\($0.layer)" }).count
            table.append([key.targets, key.matrix, String(key.rank)]
                         + ks.map { k in phiCell(SeedSummary(of.filter { $0.k == k }.map(\.recovery))) } + [String(n)])
        }
        let ambient = rows.first.map { $0.expectedRandom > 0 ? Int((Double($0.k) / $0.expectedRandom).rounded()) : 0 } ?? 0
        var out = "recovery(k) = φ(top-k of the learned ΔW, top-k of the planted ΔW*, k, k) on right singular vectors; planted rank "
            + "\(plantedRank); 1 = the top-k subspaces coincide"
        if ambient > 0 { out += ", random expectation k/\(ambient)" }
        out += ". Mean ± std over layers and seeds (n).\n\n" + table.rendered()
        if let f = figure(ReportFigures.plantedName, alt: "planted-rank recovery", env) { out += "\n" + f }
        return out
    }

    // MARK: claims

    static func claims(_ env: SectionEnvironment) -> String? {
        guard let claims = env.data.claims, !claims.isEmpty else { return nil }
        var summary = MarkdownTable(header: ["#", "Paper", "Claim", "Verdict"], alignments: [.right, .left, .left, .left])
        for c in claims { summary.append([String(c.number), c.source, c.statement, "**\(c.verdict.rawValue)**"]) }
        var out = "Verdicts are computed from the CSVs of this folder by the stated rules (never written by hand); "
            + "“not tested by this spec” means the spec produced no data for the claim.\n\n" + summary.rendered()
        for c in claims {
            out += "\n**Claim \(c.number) (\(c.source)): \(c.verdict.rawValue).** \(c.statement)\n\n"
            out += "- Ours: \(c.ours)\n- Paper: \(c.paper)\n- Rule: \(c.rule)\n"
        }
        return out
    }
}
