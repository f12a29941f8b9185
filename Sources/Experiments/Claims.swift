import Analysis
import Foundation

/// Computes the verdict of every claim of `PaperReference.claims` from a results folder's analysis data, by the
/// rules of `ClaimRules`. A claim whose data the spec did not produce is "not tested by this spec", with the reason.
enum Claims {
    static func evaluate(_ data: ReportData, options: AnalysesSpec) -> [ClaimResult] {
        evaluate(data, phi: PhiPanel.panels(data.similarity ?? []), overlap: OverlapPanel.panels(data.overlap ?? []), options: options)
    }

    /// The same with the grids already grouped (`PhiPanel.panels`, `OverlapPanel.panels` of `data`).
    static func evaluate(_ data: ReportData, phi: [PhiPanel], overlap: [OverlapPanel], options: AnalysesSpec) -> [ClaimResult] {
        [
            claim1(data.accuracy ?? []),
            claim2(data.accuracy ?? []),
            claim3(phi),
            claim4(phi, options: options),
            claim5(data.projection ?? []),
            claim6(data.projection ?? []),
            claim7(overlap),
            claim8(phi, options: options),
        ]
    }

    // MARK: helpers

    static func paperClaim(_ n: Int) -> PaperReference.Claim { PaperReference.claims[n - 1] }

    static func result(_ n: Int, _ verdict: Verdict, ours: String, paper: String, rule: String) -> ClaimResult {
        let c = paperClaim(n)
        return ClaimResult(number: n, source: c.source, statement: c.statement, verdict: verdict, ours: ours, paper: paper, rule: rule)
    }

    static func notTested(_ n: Int, _ why: String, paper: String, rule: String) -> ClaimResult {
        result(n, .notTested, ours: why, paper: paper, rule: rule)
    }

    /// holds if every part holds, does not hold if one does not hold, inconclusive otherwise (not-tested parts ignored).
    static func combine(_ parts: [Verdict]) -> Verdict {
        let tested = parts.filter { $0 != .notTested }
        if tested.isEmpty { return .notTested }
        if tested.contains(.doesNotHold) { return .doesNotHold }
        return tested.allSatisfy { $0 == .holds } ? .holds : .inconclusive
    }

    static func f3(_ x: Double) -> String { NumberFormat.fixed(x, digits: 3) }
    static func g3(_ x: Double) -> String { NumberFormat.significant(x, digits: 3) }
    static func pct(_ s: SeedSummary) -> String { s.formatted(digits: 1) }
    static func phiText(_ s: SeedSummary) -> String { s.formatted(digits: 3) }

    // MARK: 1 (Table 5)

    static let claim1Paper = "18M-parameter budget: q+v (r=4) 73.7 / 91.3 vs q (r=8) 70.4 / 91.0 and k (r=8) 70.0 / 90.8 "
        + "(WikiSQL ± 0.5 / MultiNLI ± 0.1, GPT-3 175B)"
    static let claim1Rule = "at a common budget (r × number of adapted types; q, k, v, o are all d × d), q+v vs q and q+v vs k "
        + "(each present one): \(ClaimRules.beatsText); the claim holds if every comparison holds, does not hold if one does not hold, "
        + "inconclusive otherwise"

    static func claim1(_ rows: [AccuracyRow]) -> ClaimResult {
        guard let metric = ReportSelection.primaryMetric(rows) else {
            return notTested(1, "no finished run with a validation metric", paper: claim1Paper, rule: claim1Rule)
        }
        guard ReportSelection.isPercent(metric) else {
            return notTested(1, "the primary metric is \(metric), not an accuracy", paper: claim1Paper, rule: claim1Rule)
        }
        let groups = ReportSelection.accuracyGroups(rows, metric: metric)
        guard let qv = groups["q+v"] else {
            return notTested(1, "no q+v runs", paper: claim1Paper, rule: claim1Rule)
        }
        // Budgets b = 2·r(q+v) where a single type has rank b.
        var best: (budget: Int, singles: [String])?
        for r in qv.keys.sorted() {
            let singles = ["q", "k"].filter { groups[$0]?[2 * r] != nil }
            guard !singles.isEmpty else { continue }
            if best == nil || singles.count > best!.singles.count || (singles.count == best!.singles.count && 2 * r > best!.budget) {
                best = (2 * r, singles)
            }
        }
        guard let chosen = best else {
            return notTested(1, "no q or k runs under the budget of a q+v run (q or k at r = 2·r of q+v)",
                             paper: claim1Paper, rule: claim1Rule)
        }
        let a = qv[chosen.budget / 2]!
        var verdicts: [Verdict] = []
        var parts: [String] = []
        for single in chosen.singles {
            let b = groups[single]![chosen.budget]!
            let v = ClaimRules.beats(a, b)
            verdicts.append(v)
            parts.append("vs \(single) (r=\(chosen.budget)) \(pct(b)): \(v.rawValue)")
        }
        let ours = "budget \(chosen.budget): q+v (r=\(chosen.budget / 2)) \(pct(a)) " + parts.joined(separator: "; ")
        return result(1, combine(verdicts), ours: ours, paper: claim1Paper, rule: claim1Rule)
    }

    // MARK: 2 (Table 6)

    static let claim2Paper = "q+v: r=1 73.4 / 91.3 vs best 73.8 (r=8) / 91.6 (r=8); q: r=1 68.8 / 90.7 vs best 70.5 (r=4) / 91.1 (r=4) "
        + "(WikiSQL / MultiNLI, GPT-3 175B)"
    static let claim2Rule = "part 1, q+v at r = 1 vs its best larger rank: \(ClaimRules.aboutAsWellText); part 2, q's best larger rank "
        + "vs q at r = 1: \(ClaimRules.beatsText); holds if every tested part holds, does not hold if one does not hold, "
        + "inconclusive otherwise"

    static func claim2(_ rows: [AccuracyRow]) -> ClaimResult {
        guard let metric = ReportSelection.primaryMetric(rows) else {
            return notTested(2, "no finished run with a validation metric", paper: claim2Paper, rule: claim2Rule)
        }
        guard ReportSelection.isPercent(metric) else {
            return notTested(2, "the primary metric is \(metric), not an accuracy", paper: claim2Paper, rule: claim2Rule)
        }
        let groups = ReportSelection.accuracyGroups(rows, metric: metric)
        func bestAbove1(_ g: [Int: SeedSummary]) -> (rank: Int, summary: SeedSummary)? {
            g.keys.filter { $0 > 1 }.sorted().map { ($0, g[$0]!) }.max { $0.1.mean < $1.1.mean }
        }
        var verdicts: [Verdict] = []
        var parts: [String] = []
        if let qv = groups["q+v"], let r1 = qv[1], let best = bestAbove1(qv) {
            let v = ClaimRules.aboutAsWell(r1, best: best.summary)
            verdicts.append(v)
            parts.append("q+v: r=1 \(pct(r1)) vs best r=\(best.rank) \(pct(best.summary)): \(v.rawValue)")
        } else {
            parts.append("q+v: needs r = 1 and a larger rank (not in this spec)")
        }
        if let q = groups["q"], let r1 = q[1], let best = bestAbove1(q) {
            let v = ClaimRules.beats(best.summary, r1)
            verdicts.append(v)
            parts.append("q: best r=\(best.rank) \(pct(best.summary)) vs r=1 \(pct(r1)): \(v.rawValue)")
        } else {
            parts.append("q alone: needs r = 1 and a larger rank (not in this spec)")
        }
        let verdict = combine(verdicts)
        if verdict == .notTested {
            return notTested(2, parts.joined(separator: "; "), paper: claim2Paper, rule: claim2Rule)
        }
        return result(2, verdict, ours: parts.joined(separator: "; "), paper: claim2Paper, rule: claim2Rule)
    }

    // MARK: 3 (Fig 3)

    static let claim3Paper = "φ(1, 1) > 0.5 for ΔW_q and ΔW_v (layer 48 of 96, r = 8 vs r = 64); low beyond a few directions"
    static let claim3Rule = ClaimRules.claim3Text

    /// φ(1, 1) per matrix over seed pairs at one layer, for Fig 3 panels.
    static func phi11(_ panels: [PhiPanel], layer: Int) -> [(matrix: String, summary: SeedSummary)] {
        let at = panels.filter { $0.layer == layer }
        let matrices = Array(Set(at.map(\.matrix))).sorted(by: ReportOrder.matrixLess)
        return matrices.map { m in (m, SeedSummary(at.filter { $0.matrix == m }.compactMap { $0.phi(1, 1) })) }
    }

    static func claim3(_ phi: [PhiPanel]) -> ClaimResult {
        guard let fig3 = ReportSelection.fig3Panels(phi), let layer = ReportOrder.middleLayer(fig3.panels.compactMap(\.layer)) else {
            return notTested(3, "no runs at both ranks of a rank pair (Fig 3 needs e.g. r = 8 and r = 64 with the same seeds)",
                             paper: claim3Paper, rule: claim3Rule)
        }
        let values = phi11(fig3.panels, layer: layer)
        let ambient = fig3.panels.first { $0.layer == layer }?.ambient ?? 0
        let at = fig3.panels.filter { $0.layer == layer }
        let tail = values.map { v -> String in
            let n = at.filter { $0.matrix == v.matrix }.map { Swift.min($0.maxI, $0.maxJ) }.min() ?? 1
            let deep = SeedSummary(at.filter { $0.matrix == v.matrix }.compactMap { $0.phi(n, n) })
            return "φ(\(n),\(n)) \(v.matrix) \(f3(deep.mean))"
        }
        var ours = "layer \(layer), \(fig3.targets), r=\(fig3.pair[0]) vs r=\(fig3.pair[1]): "
            + values.map { "φ(1,1) \($0.matrix) \(phiText($0.summary))" }.joined(separator: ", ")
        if ambient > 0 { ours += " (random expectation 1/\(ambient) = \(f3(1 / Double(ambient))))" }
        ours += "; " + tail.joined(separator: ", ")
        if fig3.pair != [8, 64] { ours += " (ranks differ from the paper's 8 and 64)" }
        return result(3, ClaimRules.claim3(values.map(\.summary)), ours: ours, paper: claim3Paper, rule: claim3Rule)
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

    static func claim4(_ phi: [PhiPanel], options: AnalysesSpec) -> ClaimResult {
        let rule = ClaimRules.claim4Text
        guard let fig4 = ReportSelection.fig4Panels(phi) else {
            return notTested(4, "no two seeds at one rank (Fig 4 needs e.g. two r = 64 runs differing only in seeds)",
                             paper: claim4Paper, rule: rule)
        }
        let matrices = Set(fig4.panels.map(\.matrix))
        guard matrices.contains("q") && matrices.contains("v") else {
            return notTested(4, "the seed pairs do not adapt both q and v (\(fig4.targets))", paper: claim4Paper, rule: rule)
        }
        let K = seedK(fig4.panels, options: options)
        let dq = seedDiagonal(fig4.panels, matrix: "q", K: K), dv = seedDiagonal(fig4.panels, matrix: "v", K: K)
        let layers = Set(dq.keys).intersection(dv.keys).sorted()
        let diffs = layers.map { dq[$0]! - dv[$0]! }
        let ambient = fig4.panels.first { $0.matrix == "q" }?.ambient ?? 0
        var random: (observed: Double, expected: Double, tolerance: Double)?
        var randomText = "no random panel"
        if let panel = phi.first(where: { $0.comparison == .random && $0.ambient == ambient }), let d = panel.diagonalMean(K) {
            let band = ClaimRules.randomDiagonalBand(K: Swift.min(K, panel.maxI, panel.maxJ), ambient: ambient)
            random = (d, band.expected, band.tolerance)
            randomText = "random panel D \(f3(d)) (expected \(f3(band.expected)) ± \(f3(band.tolerance)))"
        }
        let mq = SeedSummary(layers.map { dq[$0]! }), mv = SeedSummary(layers.map { dv[$0]! }), md = SeedSummary(diffs)
        var ours = "D (k ≤ \(K)) over \(layers.count) layer\(layers.count == 1 ? "" : "s"): q \(f3(mq.mean)), v \(f3(mv.mean)), "
            + "difference \(md.formatted(digits: 3))"
        if let mid = ReportOrder.middleLayer(layers) { ours += "; middle layer \(mid): q \(f3(dq[mid]!)), v \(f3(dv[mid]!))" }
        ours += "; " + randomText
        return result(4, ClaimRules.claim4(differences: diffs, random: random), ours: ours, paper: claim4Paper, rule: rule)
    }

    // MARK: 5, 6 (Table 7)

    static let claim5Paper = "layer 48, W_q: r=4: ΔW 0.32, random 0.02, W 21.67; r=64: ΔW 1.90, random 0.33, W 37.71"
    static let claim6Paper = "layer 48, W_q: 21.5 at r = 4, 1.88 at r = 64"

    /// The Table 7 focus: primary target set, matrix and middle layer of the projection rows.
    static func projectionFocus(_ rows: [ProjectionRow]) -> (targets: String, matrix: String, layer: Int, rows: [ProjectionRow])? {
        guard let targets = ReportSelection.primaryRankTargets(rows.map { ($0.targets, $0.rank, $0.run) }) else { return nil }
        let ofTargets = rows.filter { $0.targets == targets }
        guard let matrix = ReportSelection.focusMatrix(ofTargets.map(\.matrix)) else { return nil }
        let ofMatrix = ofTargets.filter { $0.matrix == matrix }
        guard let layer = ReportOrder.middleLayer(ofMatrix.map(\.layer)) else { return nil }
        return (targets, matrix, layer, ofMatrix.filter { $0.layer == layer })
    }

    static func projectionByRank(_ rows: [ProjectionRow]) -> [ClaimRules.ProjectionAtRank] {
        Array(Set(rows.map(\.rank))).sorted().map { r in
            let at = rows.filter { $0.rank == r }
            func mean(_ s: DirectionSource) -> Double {
                let v = at.filter { $0.directionsFrom == s }.map(\.projectionNorm)
                return v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count)
            }
            return ClaimRules.ProjectionAtRank(rank: r, delta: SeedSummary(at.filter { $0.directionsFrom == .deltaW }.map(\.projectionNorm)),
                                               w: mean(.w), random: mean(.random))
        }
    }

    static func claim5(_ rows: [ProjectionRow]) -> ClaimResult {
        guard let focus = projectionFocus(rows) else {
            return notTested(5, "no projection rows (Table 7 analysis off or no finished runs)", paper: claim5Paper, rule: ClaimRules.claim5Text)
        }
        let ranks = projectionByRank(focus.rows)
        let ours = "layer \(focus.layer), W_\(focus.matrix) (\(focus.targets)): " + ranks.map { p in
            "r=\(p.rank): ΔW \(p.delta.count > 1 ? p.delta.formatted(digits: 3) : g3(p.delta.mean)), random \(g3(p.random)), W \(g3(p.w))"
        }.joined(separator: "; ")
        return result(5, ClaimRules.claim5(ranks), ours: ours, paper: claim5Paper, rule: ClaimRules.claim5Text)
    }

    static func claim6(_ rows: [ProjectionRow]) -> ClaimResult {
        guard let focus = projectionFocus(rows) else {
            return notTested(6, "no projection rows (Table 7 analysis off or no finished runs)", paper: claim6Paper, rule: ClaimRules.claim6Text)
        }
        let ranks = Array(Set(focus.rows.map(\.rank))).sorted()
        func amp(_ r: Int) -> SeedSummary {
            SeedSummary(focus.rows.filter { $0.rank == r && $0.directionsFrom == .deltaW }.compactMap(\.amplification).filter(\.isFinite))
        }
        let all = ranks.map { "r=\($0) \(amp($0).formatted(digits: 2))" }.joined(separator: ", ")
        guard ranks.count >= 2 else {
            return notTested(6, "a single rank (\(all)); the claim compares a low and a high rank", paper: claim6Paper, rule: ClaimRules.claim6Text)
        }
        let (lo, hi) = (amp(ranks.first!), amp(ranks.last!))
        let ours = "layer \(focus.layer), W_\(focus.matrix) (\(focus.targets)): " + all
        return result(6, ClaimRules.claim6(low: lo, high: hi), ours: ours, paper: claim6Paper, rule: ClaimRules.claim6Text)
    }

    // MARK: 7 (App. H.3)

    static let claim7Paper = "Fig 8 (W_q, layer 48): ΔW's top directions overlap little with W's; a larger r picks up more of W's top directions"

    static func overlapFocus(_ panels: [OverlapPanel]) -> (targets: String, matrix: String, layer: Int, panels: [OverlapPanel])? {
        let learned = panels.filter { !$0.isRandom }
        guard let targets = ReportSelection.primaryRankTargets(learned.map { ($0.targets, $0.rank, $0.run) }) else { return nil }
        let ofTargets = learned.filter { $0.targets == targets }
        guard let matrix = ReportSelection.focusMatrix(ofTargets.map(\.matrix)) else { return nil }
        let ofMatrix = ofTargets.filter { $0.matrix == matrix }
        guard let layer = ReportOrder.middleLayer(ofMatrix.map(\.layer)) else { return nil }
        return (targets, matrix, layer, ofMatrix.filter { $0.layer == layer })
    }

    static func claim7(_ panels: [OverlapPanel]) -> ClaimResult {
        guard let focus = overlapFocus(panels) else {
            return notTested(7, "no W-vs-ΔW overlap rows (App. H.3 analysis off or no finished runs)",
                             paper: claim7Paper, rule: ClaimRules.claim7Text)
        }
        let ranks = Array(Set(focus.panels.map(\.rank))).sorted()
        func overlap(_ r: Int) -> SeedSummary { SeedSummary(focus.panels.filter { $0.rank == r }.compactMap(\.overlap)) }
        func coverage(_ r: Int) -> SeedSummary { SeedSummary(focus.panels.filter { $0.rank == r }.compactMap(\.coverage)) }
        let ambient = focus.panels.first?.ambient ?? 0
        let parts = ranks.map { r -> String in
            let p = focus.panels.first { $0.rank == r }!
            let n = Swift.min(p.maxI, p.maxJ)
            var s = "r=\(r): overlap φ(\(n),\(n)) \(f3(overlap(r).mean)), coverage φ(\(p.maxI),\(p.maxJ)) \(f3(coverage(r).mean))"
            if ambient > 0 { s += " (random \(f3(Double(Swift.max(p.maxI, p.maxJ)) / Double(ambient))))" }
            return s
        }
        let ours = "layer \(focus.layer), W_\(focus.matrix) (\(focus.targets)): " + parts.joined(separator: "; ")
        let cov = ranks.count >= 2 ? (coverage(ranks.first!), coverage(ranks.last!)) : nil
        return result(7, ClaimRules.claim7(overlaps: ranks.map(overlap), coverage: cov), ours: ours, paper: claim7Paper,
                      rule: ClaimRules.claim7Text)
    }

    // MARK: 8 (App. H.1)

    static let claim8Paper = "App. H.1: the Fig 3 / Fig 4 patterns recur at other layers"

    static func claim8(_ phi: [PhiPanel], options: AnalysesSpec) -> ClaimResult {
        var shares: [Double] = []
        var parts: [String] = []
        if let fig3 = ReportSelection.fig3Panels(phi) {
            let layers = Array(Set(fig3.panels.compactMap(\.layer))).sorted()
            if layers.count >= 2 {
                let good = layers.filter { l in phi11(fig3.panels, layer: l).allSatisfy { $0.summary.mean > 0.5 } }
                shares.append(Double(good.count) / Double(layers.count))
                parts.append("φ(1,1) > 0.5 for every matrix at \(good.count) of \(layers.count) layers"
                             + (good.isEmpty ? "" : " (\(good.map(String.init).joined(separator: ", ")))"))
            }
        }
        if let fig4 = ReportSelection.fig4Panels(phi) {
            let K = seedK(fig4.panels, options: options)
            let dq = seedDiagonal(fig4.panels, matrix: "q", K: K), dv = seedDiagonal(fig4.panels, matrix: "v", K: K)
            let layers = Set(dq.keys).intersection(dv.keys).sorted()
            if layers.count >= 2 {
                let good = layers.filter { dq[$0]! > dv[$0]! }
                shares.append(Double(good.count) / Double(layers.count))
                parts.append("D_q > D_v at \(good.count) of \(layers.count) layers")
            }
        }
        guard !shares.isEmpty else {
            return notTested(8, "needs Fig 3 or Fig 4 data at two or more layers", paper: claim8Paper, rule: ClaimRules.claim8Text)
        }
        return result(8, ClaimRules.claim8(shares), ours: parts.joined(separator: "; "), paper: claim8Paper, rule: ClaimRules.claim8Text)
    }
}
