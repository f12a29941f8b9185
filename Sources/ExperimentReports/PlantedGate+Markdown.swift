import Analysis
import ExperimentSpec
import Foundation

extension PlantedGate {
    /// The section every real-data report opens with: the gate's state, its numbers, the commit(s) it was measured at,
    /// and — unless it passes — that the report's verdicts are not trusted. A gate measured on another model than the
    /// report's (`applies(to:)`) says so instead of its numbers: it validates nothing there.
    func markdown(reportModel: String? = nil) -> String {
        if !applies(to: reportModel), let model {
            let unidentifiable = plainUnrecovered
            return "The planted control (spec `\(Self.specName)`, which \(state == .passes ? "passes" : "does not pass") there) was "
                + "measured on another model, \(model); this report's model, \(reportModel ?? "unknown"), has none. So none of "
                + "this report's verdicts that read singular directions (claims 3–8) is validated by a planted control, and each "
                + "such rule counts as inconclusive"
                + (unidentifiable.isEmpty ? "" : ": on the control's model the plain directions of "
                    + unidentifiable.map { "W_\($0)" }.joined(separator: ", ") + " (those φ on A and Table 7 read) proved "
                    + "unidentifiable from the outputs, and whether that happens on this model is unmeasured")
                + ".\n"
        }
        var out = "The planted control (spec `\(Self.specName)`: a rank-\(plantedRank.map(String.init) ?? "k") update planted in the "
            + "model along directions its inputs vary in; students of every rank ≥ the planted rank must recover it, "
            + "recovery(j) ≥ \(Self.threshold) for every j ≤ the planted rank over ≥ \(Self.minimumSeeds) seeds"
            + (cells.contains { $0.dataMetric } ? ", in the data metric and above its null's 95 % band at every layer and seed" : "")
            + ", and claim 3 must hold on it) "
        switch state {
        case .notRun: out += "**has not been run** for this results folder.\n"
        case .incomplete: out += "**is incomplete**.\n"
        case .fails: out += "**fails**.\n"
        case .passes: out += "**passes**.\n"
        }
        if !cells.isEmpty { out += "\n" + table() + matrixSentence() }
        if !commits.isEmpty { out += "\nMeasured at commit\(commits.count > 1 ? "s" : "") " + commits.map { "`\($0)`" }.joined(separator: ", ") + ".\n" }
        if state != .passes {
            out += "\n" + reasons.map { "- \($0)" }.joined(separator: "\n") + "\n"
            out += "\n**The verdicts of this report are not trusted until the planted control passes.**\n"
        }
        out += plainCaveat()
        return out
    }

    /// The cells as a table: the judged recovery (data metric where available), its null's band, and the plain one.
    private func table() -> String {
        let data = cells.contains { $0.dataMetric }
        var header = ["Matrix", "r", "j"]
        header += data ? ["recovery(j), data metric", "null 97.5 %", "recovery(j), plain ΔW vectors"] : ["recovery(j)"]
        header += ["seeds"]
        var t = MarkdownTable(header: header, alignments: [.left] + Array(repeating: .right, count: header.count - 1))
        for c in cells {
            var row = [c.matrix, String(c.rank), String(c.k), NumberFormat.fixed(c.recovery, digits: 3)]
            if data { row += [c.nullUpper.map { NumberFormat.fixed($0, digits: 3) } ?? "–", NumberFormat.fixed(c.plain, digits: 3)] }
            t.append(row + [String(c.seeds)])
        }
        var out = t.rendered()
        if data {
            out += "\nMeans over layers and seeds. Data metric: φ between the top-j right singular vectors of ΔW·C^{1/2} and "
                + "of ΔW*·C^{1/2}, C the covariance of the inputs the matrix acts on (for W_v: mixed by attention) on the task's "
                + "texts — what the outputs identify; its null: random rank-r updates in the same metric (mean of each layer's "
                + "97.5 % quantile). Plain: φ between ΔW's and ΔW*'s top-j right singular vectors (the basis φ on A reads).\n"
        }
        return out
    }

    /// "By matrix: …" when more than one matrix is planted.
    private func matrixSentence() -> String {
        let byMatrix = matrixRecovery()
        guard byMatrix.count > 1 else { return "" }
        return "\nBy matrix: " + byMatrix.map { m in
            "W_\(m.matrix) \(m.recovers ? "recovers" : "does not recover") its plant (lowest cell \(NumberFormat.fixed(m.lowest, digits: 3)))"
        }.joined(separator: "; ") + ". The gate needs every planted matrix to recover.\n"
    }

    /// When the gate is judged in the data metric: the matrices whose plain recovery stays below the threshold, for which
    /// φ on A (claims 3, 4 and 8 read it) is not validated by this control.
    private func plainCaveat() -> String {
        guard cells.contains(where: { $0.dataMetric }) else { return "" }
        let order = plainUnrecovered
        guard !order.isEmpty else { return "" }
        return order.map { m in
            let lowest = cells.filter { $0.matrix == m }.map(\.plain).min()!
            return "\n**Not validated: φ on A of W_\(m).** On ΔW_\(m)'s plain right singular vectors recovery falls to "
                + "\(NumberFormat.fixed(lowest, digits: 3)) (< \(Self.threshold)): students fit the teacher with a ΔW_\(m) that differs "
                + "from the plant along directions its inputs barely excite, so the plain basis — the one φ on A reads — is "
                + "not identifiable there. This report's φ-based verdicts on W_\(m) (claims 3, 4, 8 read φ on A) are not "
                + "validated by the planted control.\n"
        }.joined()
    }

    /// What the gate lets a report on `reportModel` read: nothing unless it passes on that model; then every planted
    /// matrix whose plain recovery — the basis φ on A and ΔW's directions are read in — reaches the threshold in every
    /// cell. A matrix the control did not plant is not covered either.
    func validation(reportModel: String?) -> MatrixValidation {
        let applies = applies(to: reportModel), state = state
        let planted = Set(cells.map(\.matrix))
        let covered = applies && state == .passes ? Set(plantedMatrices).subtracting(plainUnrecovered) : []
        return MatrixValidation(covered: covered) { m in
            if !applies { return "no planted control on this model" }
            switch state {
            case .notRun: return "the planted control has not been run"
            case .incomplete: return "the planted control is incomplete"
            case .fails: return "the planted control fails"
            case .passes: return planted.contains(m) ? "its plain directions are not recovered by the planted control"
                : "the planted control does not plant it"
            }
        }
    }

    /// The "Verdicts at a glance" cell of a claim: per matrix its verdict reads, whether the control covers it.
    static func validationCell(_ claim: ClaimResult, _ validation: MatrixValidation) -> String {
        if claim.number <= 2 { return "not needed (accuracy)" }
        guard !claim.reads.isEmpty else { return "–" }
        return claim.reads.map { "W_\($0) \(validation.covers($0) ? "yes" : "no")" }.joined(separator: ", ")
    }

    /// The planted matrices in the order their cells first appear.
    var plantedMatrices: [String] {
        var order: [String] = []
        for c in cells where !order.contains(c.matrix) { order.append(c.matrix) }
        return order
    }

    /// The planted matrices whose plain recovery stays below the threshold in some cell.
    var plainUnrecovered: [String] {
        plantedMatrices.filter { m in cells.contains { $0.matrix == m && $0.plain < Self.threshold } }
    }

    /// Per planted matrix: its lowest cell and whether every cell reaches the threshold with enough seeds.
    func matrixRecovery() -> [(matrix: String, lowest: Double, recovers: Bool)] {
        plantedMatrices.map { m in
            let of = cells.filter { $0.matrix == m }
            return (m, of.map(\.recovery).min()!, of.allSatisfy { $0.recovery >= Self.threshold && $0.seeds >= Self.minimumSeeds })
        }
    }
}
