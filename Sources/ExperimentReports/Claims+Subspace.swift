import Analysis
import ExperimentSpec
import Foundation

/// Claims 3, 4 and 8: φ between A factors (Figs 3, 4; App. H.1), read from `subspace_similarity.csv` and
/// `null_distributions.csv`.
extension Claims {
    // MARK: 3 (Fig 3)

    static let claim3Paper = "φ(1, 1) > 0.5 for ΔW_q and ΔW_v (layer 48 of 96, r = 8 vs r = 64); low beyond a few directions"

    /// φ(1, 1) per matrix over seed pairs at one layer, for Fig 3 panels.
    static func phi11(_ panels: [PhiPanel], layer: Int) -> [(matrix: String, summary: SeedSummary)] {
        let at = panels.filter { $0.layer == layer }
        let matrices = Array(Set(at.map(\.matrix))).sorted(by: ReportOrder.matrixLess)
        return matrices.map { m in (m, SeedSummary(at.filter { $0.matrix == m }.compactMap { $0.phi(1, 1) })) }
    }

    /// Claim 3's rule at one layer: per matrix (values, null bands, verdict), and the matrices combined.
    static func claim3(at panels: [PhiPanel], layer: Int, validation: MatrixValidation = .unrestricted) -> (verdict: Verdict, text: [String]) {
        let at = panels.filter { $0.layer == layer }
        var verdicts: [Verdict] = [], text: [String] = []
        for m in Array(Set(at.map(\.matrix))).sorted(by: ReportOrder.matrixLess) {
            let ps = at.filter { $0.matrix == m }
            let values = ps.compactMap { $0.phi(1, 1) }, nulls = ps.compactMap { $0.null(1, 1) }
            let reading = ClaimRules.claim3(phi11: values, nullUpper: nulls.map(\.upper))
            let v: Verdict = !validation.covers(m) && (reading == .holds || reading == .doesNotHold) ? .inconclusive : reading
            verdicts.append(v)
            let s = SeedSummary(values)
            var t = "\(m): φ(1,1) \(phiText(s))"
            if s.count >= 2 { t += ", 95 % interval \(interval(ClaimRules.meanInterval(s), digits: 3))" }
            if let n = nulls.first { t += ", random subspaces' 95 % band \(band(n.lower, n.upper, f3))" }
            if validation.covers(m) || reading == .notTested {
                text.append(t + ": \(v.rawValue)")
            } else {
                text.append(t + (v == reading ? ": \(v.rawValue); " : ": the rule reads \(reading.rawValue); ") + validation.note([m]))
            }
        }
        return (ClaimRules.combine(verdicts), text)
    }

    static func claim3(_ phi: [PhiPanel], validation: MatrixValidation = .unrestricted) -> ClaimResult {
        let (rule, unc) = (ClaimRules.claim3Text, ClaimRules.claim3Uncertainty)
        guard let fig3 = ReportSelection.fig3Panels(phi), let layer = ReportOrder.middleLayer(fig3.panels.compactMap(\.layer)) else {
            return notTested(3, "no runs at both ranks of a rank pair (Fig 3 needs e.g. r = 8 and r = 64 with the same seeds)",
                             paper: claim3Paper, rule: rule, uncertainty: unc)
        }
        let (verdict, parts) = claim3(at: fig3.panels, layer: layer, validation: validation)
        let at = fig3.panels.filter { $0.layer == layer }
        let tail = Array(Set(at.map(\.matrix))).sorted(by: ReportOrder.matrixLess).map { m -> String in
            let n = at.filter { $0.matrix == m }.map { Swift.min($0.maxI, $0.maxJ) }.min() ?? 1
            return "φ(\(n),\(n)) \(m) \(f3(SeedSummary(at.filter { $0.matrix == m }.compactMap { $0.phi(n, n) }).mean))"
        }
        var ours = "layer \(layer), \(fig3.targets), r=\(fig3.pair[0]) vs r=\(fig3.pair[1]): " + parts.joined(separator: "; ")
        ours += "; " + tail.joined(separator: ", ")
        if fig3.pair != [8, 64] { ours += " (ranks differ from the paper's 8 and 64)" }
        var out = result(3, verdict, ours: ours, paper: claim3Paper, rule: rule, uncertainty: unc)
        out.reads = Array(Set(at.map(\.matrix))).sorted(by: ReportOrder.matrixLess)
        return out
    }

    // MARK: 4 (Fig 4)

    static let claim4Paper = "ΔW_q shares more top directions between seeds than ΔW_v (layer 48, r = 64); random panel at max(i, j)/k"

    /// Per layer, D = mean φ(k, k), k ≤ K, averaged over seed pairs, for one matrix.
    static func seedDiagonal(_ panels: [PhiPanel], matrix: String, K: Int) -> [Int: Double] {
        var out: [Int: [Double]] = [:]
        for p in panels where p.matrix == matrix {
            if let l = p.layer, let d = p.diagonalMean(K) { out[l, default: []].append(d) }
        }
        return out.mapValues { $0.reduce(0, +) / Double($0.count) }
    }

    static func seedK(_ panels: [PhiPanel], options: AnalysesSpec) -> Int {
        let rank = panels.map { Swift.min($0.maxI, $0.maxJ) }.min() ?? options.maxI
        return Swift.max(1, Swift.min(options.maxI, rank))
    }

    /// The D null of (layer, matrix) at the seed rank with this K (`null_distributions.csv`).
    static func diagonalNull(_ nulls: [NullRow], layer: Int, matrix: String, rank: Int, K: Int) -> NullRow? {
        nulls.first { $0.statistic == .diagonalMean && $0.layer == layer && $0.matrix == matrix && $0.rankA == rank && $0.k == K }
    }

    /// Claim 4's rule at one layer: D_q, D_v per seed pair (matched by run pair), the verdict and a description.
    static func claim4(at panels: [PhiPanel], layer: Int, K: Int, nulls: [NullRow],
                       validation: MatrixValidation = .unrestricted) -> (verdict: Verdict, text: String) {
        let at = panels.filter { $0.layer == layer }
        var dq: [Double] = [], dv: [Double] = [], differences: [ClaimRules.SeedPairValue] = []
        for q in at where q.matrix == "q" {
            guard let v = at.first(where: { $0.matrix == "v" && $0.runA == q.runA && $0.runB == q.runB }),
                  let a = q.diagonalMean(K), let b = v.diagonalMean(K) else { continue }
            dq.append(a)
            dv.append(b)
            differences.append(.init(q.runA, q.runB, a - b))
        }
        let rank = at.first?.rankA ?? 0
        let nullQ = diagonalNull(nulls, layer: layer, matrix: "q", rank: rank, K: K)
        let d = SeedSummary(differences.map(\.value))
        let seeds = ClaimRules.SeedPairValue.seeds(of: differences).count
        let reading = ClaimRules.claim4Layer(differences: differences, dq: dq, dqNullUpper: nullQ?.upper)
        // "q's seeds share nothing beyond chance" reads W_q alone; the comparison d = D_q − D_v reads both.
        let qOnly = nullQ.map { n in !dq.isEmpty && dq.allSatisfy { $0 <= n.upper } } ?? false
        let read = (qOnly ? ["q"] : ["q", "v"]).filter { !validation.covers($0) }
        let verdict: Verdict = !read.isEmpty && (reading == .holds || reading == .doesNotHold) ? .inconclusive : reading
        let spread = d.standardDeviation.map { " ± " + f3($0) } ?? ""
        var text = "D_q \(f3(SeedSummary(dq).mean)), D_v \(f3(SeedSummary(dv).mean)), d = D_q − D_v \(f3(d.mean))\(spread) "
            + "(\(d.count) pair\(d.count == 1 ? "" : "s") of \(seeds) seeds), 95 % interval "
            + (ClaimRules.pairMeanInterval(differences).map { interval($0, digits: 3) } ?? "unknown (fewer than three seeds)")
        if let n = nullQ { text += "; D of random subspaces (q) \(f3(n.mean)), 95 % band \(band(n.lower, n.upper, f3))" }
        return (verdict, text + (verdict == reading ? ": \(verdict.rawValue)" : ": the rule reads \(reading.rawValue); \(validation.note(read))"))
    }

    static func claim4(_ phi: [PhiPanel], nulls: [NullRow], options: AnalysesSpec, validation: MatrixValidation = .unrestricted) -> ClaimResult {
        let (rule, unc) = (ClaimRules.claim4Text, ClaimRules.claim4Uncertainty)
        guard let fig4 = ReportSelection.fig4Panels(phi), let layer = ReportOrder.middleLayer(fig4.panels.compactMap(\.layer)) else {
            return notTested(4, "no two seeds at one rank (Fig 4 needs e.g. two r = 64 runs differing only in seeds)",
                             paper: claim4Paper, rule: rule, uncertainty: unc)
        }
        let matrices = Set(fig4.panels.map(\.matrix))
        guard matrices.contains("q") && matrices.contains("v") else {
            return notTested(4, "the seed pairs do not adapt both q and v (\(fig4.targets))", paper: claim4Paper, rule: rule, uncertainty: unc)
        }
        let K = seedK(fig4.panels, options: options)
        let (shares, text) = claim4(at: fig4.panels, layer: layer, K: K, nulls: nulls, validation: validation)
        let pairs = Set(fig4.panels.filter { $0.layer == layer }.map { "\($0.runA) \($0.runB)" }).count
        var ours = "layer \(layer), r = \(fig4.panels[0].rankA), K = \(K), \(pairs) seed pair\(pairs == 1 ? "" : "s"): " + text
        var parts = [shares]
        if let n = diagonalNull(nulls, layer: layer, matrix: "q", rank: fig4.panels[0].rankA, K: K) {
            let instrument = ClaimRules.randomPanelAtExpectation(nullMean: n.mean, nullSD: n.standardDeviation, draws: n.draws, K: K,
                                                                 ambient: fig4.panels[0].ambient)
            parts.append(instrument)
            ours += "; random panel: mean D of \(n.draws) draws \(f3(n.mean)) vs E[D] "
                + f3((1...K).map { Double($0) / Double(fig4.panels[0].ambient) }.reduce(0, +) / Double(K)) + ": \(instrument.rawValue)"
        }
        var out = result(4, ClaimRules.combine(parts), ours: ours, paper: claim4Paper, rule: rule, uncertainty: unc)
        out.reads = ["q", "v"]
        return out
    }

    // MARK: 8 (App. H.1)

    static let claim8Paper = "App. H.1: the Fig 3 / Fig 4 patterns recur at other layers"

    static func claim8(_ phi: [PhiPanel], nulls: [NullRow], options: AnalysesSpec, validation: MatrixValidation = .unrestricted) -> ClaimResult {
        var criteria: [Verdict] = [], parts: [String] = [], reads = Set<String>()
        func describe(_ name: String, _ verdicts: [(Int, Verdict)]) -> String {
            let count = { (v: Verdict) in verdicts.filter { $0.1 == v }.map { String($0.0) } }
            return "\(name) at \(verdicts.count) layers: holds at \(count(.holds).count), does not hold at \(count(.doesNotHold).count)"
                + (count(.doesNotHold).isEmpty ? "" : " (\(count(.doesNotHold).joined(separator: ", ")))")
                + ", inconclusive at \(count(.inconclusive).count)"
        }
        if let fig3 = ReportSelection.fig3Panels(phi) {
            let layers = Array(Set(fig3.panels.compactMap(\.layer))).sorted()
            let per = layers.map { ($0, claim3(at: fig3.panels, layer: $0, validation: validation).verdict) }
            if layers.count >= 2 {
                criteria.append(ClaimRules.acrossLayers(per.map(\.1))); parts.append(describe("claim 3's rule", per))
                reads.formUnion(fig3.panels.map(\.matrix))
            }
        }
        if let fig4 = ReportSelection.fig4Panels(phi), Set(fig4.panels.map(\.matrix)).isSuperset(of: ["q", "v"]) {
            let K = seedK(fig4.panels, options: options)
            let layers = Array(Set(fig4.panels.compactMap(\.layer))).sorted()
            let per = layers.map { ($0, claim4(at: fig4.panels, layer: $0, K: K, nulls: nulls, validation: validation).verdict) }
            if layers.count >= 2 {
                criteria.append(ClaimRules.acrossLayers(per.map(\.1))); parts.append(describe("claim 4's rule", per))
                reads.formUnion(["q", "v"])
            }
        }
        guard !criteria.isEmpty else {
            return notTested(8, "needs Fig 3 or Fig 4 data at two or more layers", paper: claim8Paper, rule: ClaimRules.claim8Text,
                             uncertainty: ClaimRules.claim8Uncertainty)
        }
        let ordered = reads.sorted(by: ReportOrder.matrixLess), uncovered = ordered.filter { !validation.covers($0) }
        if !uncovered.isEmpty { parts.append(validation.note(uncovered) + " at every layer") }
        var out = result(8, ClaimRules.combine(criteria), ours: parts.joined(separator: "; "), paper: claim8Paper, rule: ClaimRules.claim8Text,
                         uncertainty: ClaimRules.claim8Uncertainty)
        out.reads = ordered
        return out
    }
}
