import Analysis
import ExperimentSpec
import Foundation

extension PlantedGate {
    /// The section every real-data report opens with: the gate's state, its numbers, the commit(s) it was measured at,
    /// and — unless it passes — that the report's verdicts are not trusted.
    func markdown() -> String {
        var out = "The planted control (spec `\(Self.specName)`: a rank-\(plantedRank.map(String.init) ?? "k") update planted in the "
            + "model along directions its inputs vary in; students of every rank ≥ the planted rank must recover it, "
            + "recovery(j) ≥ \(Self.threshold) for every j ≤ the planted rank over ≥ \(Self.minimumSeeds) seeds, and claim 3 must hold on it) "
        switch state {
        case .notRun: out += "**has not been run** for this results folder.\n"
        case .incomplete: out += "**is incomplete**.\n"
        case .fails: out += "**fails**.\n"
        case .passes: out += "**passes**.\n"
        }
        if !cells.isEmpty {
            var t = MarkdownTable(header: ["Matrix", "r", "j", "recovery(j), mean over layers and seeds", "seeds"],
                                  alignments: [.left, .right, .right, .right, .right])
            for c in cells { t.append([c.matrix, String(c.rank), String(c.k), NumberFormat.fixed(c.recovery, digits: 3), String(c.seeds)]) }
            out += "\n" + t.rendered()
            let byMatrix = matrixRecovery()
            if byMatrix.count > 1 {
                out += "\nBy matrix: " + byMatrix.map { m in
                    "W_\(m.matrix) \(m.recovers ? "recovers" : "does not recover") its plant (lowest cell \(NumberFormat.fixed(m.lowest, digits: 3)))"
                }.joined(separator: "; ") + ". The gate needs every planted matrix to recover.\n"
            }
        }
        if !commits.isEmpty { out += "\nMeasured at commit\(commits.count > 1 ? "s" : "") " + commits.map { "`\($0)`" }.joined(separator: ", ") + ".\n" }
        if state != .passes {
            out += "\n" + reasons.map { "- \($0)" }.joined(separator: "\n") + "\n"
            out += "\n**The verdicts of this report are not trusted until the planted control passes.**\n"
        }
        return out
    }

    /// Per planted matrix: its lowest cell and whether every cell reaches the threshold with enough seeds.
    func matrixRecovery() -> [(matrix: String, lowest: Double, recovers: Bool)] {
        var order: [String] = []
        for c in cells where !order.contains(c.matrix) { order.append(c.matrix) }
        return order.map { m in
            let of = cells.filter { $0.matrix == m }
            return (m, of.map(\.recovery).min()!, of.allSatisfy { $0.recovery >= Self.threshold && $0.seeds >= Self.minimumSeeds })
        }
    }
}
