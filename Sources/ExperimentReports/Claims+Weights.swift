import Analysis
import ExperimentSpec
import Foundation

/// Claims 5, 6 and 7: ΔW against W (Table 7, App. H.3–H.4), read from `weight_projection.csv`,
/// `direction_overlap.csv` and `null_projection_growth.csv`.
extension Claims {
    static let claim5Paper = "layer 48, W_q: r=4: ΔW 0.32, random 0.02, W 21.67; r=64: ΔW 1.90, random 0.33, W 37.71"

    /// The Table 7 focus: primary target set, matrix and middle layer of the projection rows.
    static func projectionFocus(_ rows: [ProjectionRow]) -> (targets: String, matrix: String, layer: Int, rows: [ProjectionRow])? {
        guard let targets = ReportSelection.primaryRankTargets(rows.map { ($0.targets, $0.rank, $0.run) }) else { return nil }
        let ofTargets = rows.filter { $0.targets == targets }
        guard let matrix = ReportSelection.focusMatrix(ofTargets.map(\.matrix)) else { return nil }
        let ofMatrix = ofTargets.filter { $0.matrix == matrix }
        guard let layer = ReportOrder.middleLayer(ofMatrix.map(\.layer)) else { return nil }
        return (targets, matrix, layer, ofMatrix.filter { $0.layer == layer })
    }

    static func claim5(_ rows: [ProjectionRow]) -> ClaimResult {
        let (rule, unc) = (ClaimRules.claim5Text, ClaimRules.claim5Uncertainty)
        guard let focus = projectionFocus(rows) else {
            return notTested(5, "no projection rows (Table 7 analysis off or no finished runs)", paper: claim5Paper, rule: rule, uncertainty: unc)
        }
        var rankVerdicts: [Verdict] = [], parts: [String] = []
        for r in Array(Set(focus.rows.map(\.rank))).sorted() {
            let delta = focus.rows.filter { $0.rank == r && $0.directionsFrom == .deltaW }
            let w = focus.rows.first { $0.rank == r && $0.directionsFrom == .w }?.projectionNorm ?? .nan
            let seeds = delta.compactMap { row in row.null.map { (row.projectionNorm, $0) } }
            let v = ClaimRules.unanimous(seeds.map { ClaimRules.claim5(projection: $0.0, nullLower: $0.1.lower, nullUpper: $0.1.upper, w: w) })
            rankVerdicts.append(seeds.isEmpty ? .notTested : v)
            guard let null = seeds.first?.1 else { continue }
            let values = seeds.map { "\(g3($0.0)) (quantile \(f2($0.1.quantile ?? .nan)))" }.joined(separator: ", ")
            parts.append("r=\(r): ΔW \(values), random \(g3(null.mean)) \(band(null.lower, null.upper, g3)), W \(g3(w)): \(v.rawValue)")
        }
        let ours = "layer \(focus.layer), W_\(focus.matrix) (\(focus.targets)): " + parts.joined(separator: "; ")
        return result(5, ClaimRules.combine(rankVerdicts), ours: ours, paper: claim5Paper, rule: rule, uncertainty: unc)
    }

    // MARK: 6 (Table 7 / H.4)

    /// The paper's Table 7 through claim 6's ratio: R = amplification / (‖ΔW‖_F / random value) at r = 4 and 64.
    static var claim6Paper: String {
        let t = PaperReference.table7
        func value(_ r: Int, _ s: DirectionSource) -> PaperReference.Table7Row { t.first { $0.rank == r && $0.directionsFrom == s }! }
        func ratio(_ r: Int) -> (amp: Double, random: Double, ratio: Double) {
            let d = value(r, .deltaW), random = d.deltaNorm! / value(r, .random).projectionNorm
            return (d.amplification!, random, d.amplification! / random)
        }
        let (a, b) = (ratio(4), ratio(64))
        return "layer 48, W_q: amplification 21.5 at r = 4, 1.88 at r = 64; random-direction amplification ‖ΔW‖_F / random value "
            + "\(g3(a.random)) and \(g3(b.random)), so R = \(f3(a.ratio)) and \(f3(b.ratio)) and Q = R(4)/R(64) = \(f2(a.ratio / b.ratio)): "
            + "on the paper's own numbers the amplification falls less than random directions' does (the paper gives no spread)"
    }

    /// The rank pair claim 6 compares: the rank closest to the paper's 4 (ties: the smaller) and the highest.
    static func claim6Ranks(_ ranks: [Int]) -> (low: Int, high: Int)? {
        guard let high = ranks.max(), let low = ranks.filter({ $0 < high }).min(by: { (abs($0 - 4), $0) < (abs($1 - 4), $1) }) else { return nil }
        return (low, high)
    }

    static func claim6(_ rows: [ProjectionRow], nulls: [NullRow]) -> ClaimResult {
        let (rule, unc) = (ClaimRules.claim6Text, ClaimRules.claim6Uncertainty)
        guard let focus = projectionFocus(rows) else {
            return notTested(6, "no projection rows (Table 7 analysis off or no finished runs)", paper: claim6Paper, rule: rule, uncertainty: unc)
        }
        let delta = focus.rows.filter { $0.directionsFrom == .deltaW }
        func at(_ r: Int) -> [ProjectionRow] { delta.filter { $0.rank == r } }
        let perRank = Array(Set(delta.map(\.rank))).sorted().map { r -> String in
            let rs = at(r)
            return "r=\(r): amplification \(g3(SeedSummary(rs.compactMap(\.amplification)).mean)), random \(g3(SeedSummary(rs.compactMap { $0.null?.randomAmplification }).mean)), "
                + "R \(f3(SeedSummary(rs.compactMap { $0.null?.ratio }).mean))"
                + (rs.first?.null.flatMap { n in n.ratioLower.flatMap { lo in n.ratioUpper.map { band(lo, $0, f3) } } }.map { " \($0)" } ?? "")
        }
        guard let (low, high) = claim6Ranks(Array(Set(delta.map(\.rank)))),
              let growth = nulls.first(where: { $0.statistic == .projectionGrowth && $0.layer == focus.layer && $0.matrix == focus.matrix
                                                && $0.rankA == low && $0.rankB == high }),
              let mLow = at(low).first?.null?.mean, let mHigh = at(high).first?.null?.mean else {
            return notTested(6, "needs two ranks with their random-direction nulls (" + perRank.joined(separator: "; ") + ")",
                             paper: claim6Paper, rule: rule, uncertainty: unc)
        }
        let g = at(high).flatMap { h in at(low).map { h.projectionNorm / $0.projectionNorm } }
        let verdict = ClaimRules.claim6(growth: g, nullLower: growth.lower, nullUpper: growth.upper)
        let scale = mLow / mHigh
        let ours = "layer \(focus.layer), W_\(focus.matrix) (\(focus.targets)): " + perRank.joined(separator: "; ")
            + "; Q = R(\(low))/R(\(high)) = \(g.map { f2(scale * $0) }.joined(separator: ", ")), random directions' 95 % band "
            + band(scale * growth.lower, scale * growth.upper, f2) + ": \(verdict.rawValue)"
        return result(6, verdict, ours: ours, paper: claim6Paper, rule: rule, uncertainty: unc)
    }

    // MARK: 7 (App. H.3)

    static let claim7Paper = "Fig 8 (W_q, layer 48): ΔW's top directions overlap little with W's; a larger r picks up more of W's top directions"

    static func overlapFocus(_ panels: [OverlapPanel]) -> (targets: String, matrix: String, layer: Int, panels: [OverlapPanel])? {
        guard let targets = ReportSelection.primaryRankTargets(panels.map { ($0.targets, $0.rank, $0.run) }) else { return nil }
        let ofTargets = panels.filter { $0.targets == targets }
        guard let matrix = ReportSelection.focusMatrix(ofTargets.map(\.matrix)) else { return nil }
        let ofMatrix = ofTargets.filter { $0.matrix == matrix }
        guard let layer = ReportOrder.middleLayer(ofMatrix.map(\.layer)) else { return nil }
        return (targets, matrix, layer, ofMatrix.filter { $0.layer == layer })
    }

    static func claim7(_ panels: [OverlapPanel]) -> ClaimResult {
        let (rule, unc) = (ClaimRules.claim7Text, ClaimRules.claim7Uncertainty)
        guard let focus = overlapFocus(panels) else {
            return notTested(7, "no W-vs-ΔW overlap rows (App. H.3 analysis off or no finished runs)", paper: claim7Paper, rule: rule,
                             uncertainty: unc)
        }
        let ranks = Array(Set(focus.panels.map(\.rank))).sorted()
        func of(_ r: Int) -> [OverlapPanel] { focus.panels.filter { $0.rank == r } }
        var verdicts: [Verdict] = [], parts: [String] = []
        for r in ranks {
            let ps = of(r), p = ps[0]
            let v = ClaimRules.claim7Overlap(ps.compactMap(\.overlap), nullUpper: ps.compactMap { $0.overlapNull?.upper })
            verdicts.append(v)
            var s = "r=\(r): overlap φ(\(p.overlapIndex),\(p.overlapIndex)) \(f3(SeedSummary(ps.compactMap(\.overlap)).mean))"
            if let n = p.overlapNull { s += " (random \(band(n.lower, n.upper, f3)))" }
            s += ": \(v.rawValue), coverage φ(\(p.maxI),\(p.maxJ)) \(f3(SeedSummary(ps.compactMap(\.coverage)).mean))"
            if let n = p.coverageNull { s += " (random \(f3(n.mean)) \(band(n.lower, n.upper, f3)), quantile " + ps.compactMap { $0.coverageNull.map { f2($0.quantile) } }.joined(separator: ", ") + ")" }
            parts.append(s)
        }
        let high = of(ranks.last!).compactMap { p in p.coverage.flatMap { c in p.coverageNull.map { (c, $0.lower, $0.upper) } } }
        let lowMean = ranks.count >= 2 ? SeedSummary(of(ranks.first!).compactMap(\.coverage)).mean : nil
        let coverage = ClaimRules.claim7Coverage(high: high, lowMean: lowMean)
        verdicts.append(coverage)
        let ours = "layer \(focus.layer), W_\(focus.matrix) (\(focus.targets)): " + parts.joined(separator: "; ")
            + "; coverage at r=\(ranks.last!)" + (ranks.count >= 2 ? " vs r=\(ranks.first!)" : " (one rank)") + ": \(coverage.rawValue)"
        return result(7, ClaimRules.combine(verdicts), ours: ours, paper: claim7Paper, rule: rule, uncertainty: unc)
    }
}
