import Analysis
import ExperimentSpec
import Foundation

/// The generated sections of `report.md`, also used for the marked sections of `notebooks-md/*.md`.
/// Raw values are the marker names (`<!-- BEGIN GENERATED: table6 source=results/qv-rank -->`).
public enum ReportSection: String, CaseIterable, Sendable {
    case table6, table5, accuracy, convergence, generations, rankSearch, fig3, fig4, table7, overlap, spectra, learning, planted, claims

    /// The heading report.md gives the section.
    var heading: String {
        switch self {
        case .table6: return "Table 6 shape: accuracy by rank r"
        case .table5: return "Table 5 shape: which weight types to adapt"
        case .accuracy: return "Runs"
        case .convergence: return "Convergence: validation curves"
        case .generations: return "Generations before and after fine-tuning"
        case .rankSearch: return "Rank search: the path and the choice"
        case .fig3: return "Fig 3: subspace similarity between r = \(Self.pairPlaceholder)"
        case .fig4: return "Fig 4: subspace similarity between two seeds"
        case .table7: return "Table 7: how ΔW relates to W"
        case .overlap: return "App. H.3 / Fig 8: top directions of W vs ΔW"
        case .spectra: return "Spectra of ΔW"
        case .learning: return "What training changed: A against its initialisation"
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
        case .convergence: return convergence(env)
        case .generations: return generations(env)
        case .rankSearch: return rankSearch(env)
        case .fig3: return fig3(env)
        case .fig4: return fig4(env)
        case .table7: return table7(env)
        case .overlap: return overlap(env)
        case .spectra: return spectra(env)
        case .learning: return learning(env)
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
        if section == .table6, accuracyView(env.data)?.metric == lossMetric { return "Table 6 shape: validation loss by rank r" }
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
        /// The head-only baseline (the task head on the frozen model, no adapters), in display units; nil without one.
        var headOnly: SeedSummary?
        /// The split the values were measured on (`AccuracyRow.split`).
        var split: String

        var unit: String { percent ? "\(metric) (%)" : metric }
        /// E.g. "validation accuracy (%)" or "test accuracy (%)".
        var measure: String { "\(split) \(unit)" }
        /// `split` capitalised, to open a sentence or a title.
        var splitTitle: String { split.prefix(1).uppercased() + split.dropFirst() }
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
                            diverged: rows.filter { !$0.isFinished }, majority: majority, rows: rows,
                            headOnly: ReportSelection.headOnlyBaseline(rows, metric: metric),
                            split: ReportSelection.accuracySplit(rows))
    }

    static func accuracyFootnotes(_ v: AccuracyView) -> String {
        var out = ""
        if let m = v.majority {
            let which = v.split == AccuracySplit.validation.rawValue ? "" : " (of the validation split)"
            out += "Majority-class baseline\(which): \(v.percent ? NumberFormat.percent(m, digits: 1) + " %" : g4(m)).\n"
        }
        if let h = v.headOnly {
            out += "Head-only baseline (the same task head trained on the frozen model, no adapters), \(v.measure): "
                + "\(metric(h, percent: v.percent)); the Runs section gives each configuration's gain over it.\n"
        }
        if !v.diverged.isEmpty {
            out += "Excluded (\(v.diverged.count) run\(v.diverged.count == 1 ? "" : "s") not finished): "
                + v.diverged.map { "`\($0.run)` (\($0.status))" }.joined(separator: ", ") + ".\n"
        }
        let collapsed = collapsedRuns(v)
        if !collapsed.isEmpty {
            out += "At the majority-class baseline (finished, but no better than always predicting the most frequent label: "
                + "within 3 binomial standard errors of it, or below; counted in the means above): "
                + collapsed.map { "`\($0.run)` (\(NumberFormat.percent($0.value ?? .nan, digits: 2)) %)" }.joined(separator: ", ") + ".\n"
        }
        return out
    }

    /// Finished runs of an accuracy whose value is at most the majority-class share m + 3·√(m(1 − m)/N) (N the examples
    /// of the row's split): runs that collapsed to a constant prediction although no divergence test fired.
    static func collapsedRuns(_ v: AccuracyView) -> [AccuracyRow] {
        guard v.percent, v.metric == "accuracy", let m = v.majority else { return [] }
        return v.rows.filter { r in
            guard r.isFinished, let value = r.value, let n = r.examples, n > 0 else { return false }
            return value <= m + 3 * (m * (1 - m) / Double(n)).squareRoot()
        }
    }

    static func table6(_ env: SectionEnvironment) -> String? {
        guard let v = accuracyView(env.data) else { return nil }
        let multiRank = v.groups.values.contains { $0.count >= 2 }
        guard multiRank || env.context?.reference == .table6 else { return nil }
        if v.metric == lossMetric { return lossByRank(v, env) }
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
        var out = "\(v.splitTitle) \(v.unit), mean ± sample std over seeds (n = number of seeds), beside the paper's Table 6 "
            + "(\(PaperReference.model), validation accuracy %, the paper's ± as printed there). α is fixed while r varies, as in the paper.\n\n"
        out += table.rendered() + "\n"
        out += accuracyFootnotes(v)
        if let fig = figure(ReportFigures.accuracyName, alt: "\(v.split) \(v.metric) vs rank", env) { out += "\n" + fig }
        return out
    }

    static func table5(_ env: SectionEnvironment) -> String? {
        guard let v = accuracyView(env.data) else { return nil }
        guard v.targetSets.count >= 2 || env.context?.reference == .table5 else { return nil }
        var table = MarkdownTable(header: ["Weight types", "ours: r", "ours: trainable params", "ours: \(v.measure)",
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
        var out = "\(oursLabel(env.context)): \(v.measure), mean ± sample std over seeds (n). Paper: \(PaperReference.model), "
            + "Table 5, every row at the same budget of \(PaperReference.table5[0].trainableParameters) trainable parameters "
            + "(r × number of adapted types is constant). Our trainable parameters count the LoRA adapters only; every run also "
            + "trains the same task head (its size is `headParameters` in each run's final.json).\n\n"
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
        // A causal LM's runs also show the perplexity, exp(loss), beside the loss (no other task records one).
        let perplexity = rows.contains { $0.extras[perplexityMetric] != nil }
        var table = MarkdownTable(header: ["Run", "Targets", "r", "Init seed", "Data seed", "Trainable params", "Status", "Steps", "Metric", "Value"]
                                      + (perplexity ? ["Perplexity"] : []),
                                  alignments: [.left, .left, .right, .right, .right, .right, .left, .right, .left, .right] + (perplexity ? [.right] : []))
        for r in sorted {
            let value = r.value.map { ReportSelection.isPercent(r.metric) ? NumberFormat.percent($0, digits: 2) + " %" : g4($0) } ?? dash
            table.append([r.run, r.targets, String(r.rank), r.initSeed.map(String.init) ?? dash, r.dataSeed.map(String.init) ?? dash,
                          r.trainableParams.map(String.init) ?? dash, r.status, r.steps.map(String.init) ?? dash,
                          r.split == AccuracySplit.validation.rawValue ? r.metric : "\(r.split) \(r.metric)", value]
                         + (perplexity ? [r.extras[perplexityMetric].map(g4) ?? dash] : []))
        }
        return "One row per run (`\(ReportFiles.accuracy)` has every \(ReportSelection.accuracySplit(rows)) metric).\n\n"
            + (accuracyView(env.data).flatMap { headOnlyBaseline($0) } ?? "") + table.rendered()
    }
}
