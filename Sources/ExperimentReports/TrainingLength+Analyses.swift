import Analysis
import Foundation

/// The analysis quantities of the doubling test: Fig 3's φ(1, 1) on A between the two ranks and Table 7's projection of
/// W onto ΔW's directions, both at the middle layer (what claims 3, 5 and 6 read).
extension TrainingLength {
    /// φ(1, 1) on A per (matrix, rank pair, seed pair) at `layer` (Fig 3 rows of `subspace_similarity.csv`).
    static func phi11(_ data: ReportData, _ configs: [String: Config], layer: Int?) -> [String: (config: Config, value: Double)] {
        var out: [String: (Config, Double)] = [:]
        for row in data.similarity ?? [] where row.comparison == .rank && row.basis == .a && row.layer == layer && row.i == 1 && row.j == 1 {
            guard let a = configs[row.runAId], let b = configs[row.runBId] else { continue }
            out["\(row.matrix)|\(a.targets)|\(a.rank)|\(b.rank)|\(a.dataSeed ?? 0)|\(a.initSeed ?? 0)|\(b.dataSeed ?? 0)|\(b.initSeed ?? 0)"] = (a, row.phi)
        }
        return out
    }

    static func phiRows(longer: ReportData, reference: ReportData, lc: [String: Config], rc: [String: Config], layer: Int?) -> [Row] {
        let l = phi11(longer, lc, layer: layer), r = phi11(reference, rc, layer: layer)
        return l.keys.sorted().compactMap { key in
            guard let mine = l[key], let theirs = r[key] else { return nil }
            let parts = key.split(separator: "|").map(String.init)
            let group = parts[0...3].joined(separator: "|")
            let spread = SeedSummary(r.filter { $0.key.split(separator: "|").prefix(4).joined(separator: "|") == group }.sorted { $0.key < $1.key }
                                      .map(\.value.value))
            return Row(label: "φ(1,1) on A, W_\(parts[0]), r = \(parts[2]) vs \(parts[3])", matrix: parts[0], config: mine.config,
                       reference: theirs.value, longer: mine.value, spread: spread)
        }.sorted(by: rowLess)
    }

    /// By matrix (q, k, v, o, …), then configuration.
    static func rowLess(_ a: Row, _ b: Row) -> Bool {
        if a.matrix != b.matrix { return ReportOrder.matrixLess(a.matrix ?? "", b.matrix ?? "") }
        return a.config < b.config
    }

    /// ‖UᵀWV‖_F with U, V from ΔW per (matrix, run) at `layer` (Table 7 rows of `weight_projection.csv`).
    static func projection(_ data: ReportData, _ configs: [String: Config], layer: Int?) -> [String: (config: Config, value: Double)] {
        var out: [String: (Config, Double)] = [:]
        for row in data.projection ?? [] where row.directionsFrom == .deltaW && row.layer == layer {
            guard let c = configs[row.run] else { continue }
            out["\(row.matrix)|\(c.targets)|\(c.rank)|\(c.dataSeed ?? 0)|\(c.initSeed ?? 0)"] = (c, row.projectionNorm)
        }
        return out
    }

    static func projectionRows(longer: ReportData, reference: ReportData, lc: [String: Config], rc: [String: Config], layer: Int?) -> [Row] {
        let l = projection(longer, lc, layer: layer), r = projection(reference, rc, layer: layer)
        return l.keys.sorted().compactMap { key in
            guard let mine = l[key], let theirs = r[key] else { return nil }
            let parts = key.split(separator: "|").map(String.init)
            let group = parts[0...2].joined(separator: "|")
            let spread = SeedSummary(r.filter { $0.key.split(separator: "|").prefix(3).joined(separator: "|") == group }.sorted { $0.key < $1.key }
                                      .map(\.value.value))
            return Row(label: "‖UᵀWV‖_F from ΔW, W_\(parts[0]), r = \(parts[2])", matrix: parts[0], config: mine.config,
                       reference: theirs.value, longer: mine.value, spread: spread)
        }.sorted(by: rowLess)
    }
}
