import Analysis
import Foundation

/// The analysis quantities of the doubling test: Fig 3's φ(1, 1) on A between the two ranks and Table 7's projection of
/// W onto ΔW's directions, both at the middle layer (what claims 3, 5 and 6 read).
extension TrainingLength {
    /// A quantity per key: the key's fields joined by "|", the first `groupFields` of them naming the group whose values
    /// over seeds make the spread (matrix, targets and rank(s)); the first field is the matrix.
    struct Keyed {
        var groupFields: Int
        var values: [String: (config: Config, value: Double)] = [:]
    }

    /// φ(1, 1) on A per (matrix, targets, rank pair, seed pair) at `layer` (Fig 3 rows of `subspace_similarity.csv`).
    static func phi11(_ data: ReportData, _ configs: [String: Config], layer: Int?) -> Keyed {
        var out = Keyed(groupFields: 4)
        for row in data.similarity ?? [] where row.comparison == .rank && row.basis == .a && row.layer == layer && row.i == 1 && row.j == 1 {
            guard let a = configs[row.runAId], let b = configs[row.runBId] else { continue }
            let key = [row.matrix, a.targets, "\(a.rank)", "\(b.rank)", "\(a.dataSeed ?? 0)", "\(a.initSeed ?? 0)", "\(b.dataSeed ?? 0)", "\(b.initSeed ?? 0)"]
            out.values[key.joined(separator: "|")] = (a, row.phi)
        }
        return out
    }

    /// ‖UᵀWV‖_F with U, V from ΔW per (matrix, targets, rank, seeds) at `layer` (Table 7 rows of `weight_projection.csv`).
    static func projection(_ data: ReportData, _ configs: [String: Config], layer: Int?) -> Keyed {
        var out = Keyed(groupFields: 3)
        for row in data.projection ?? [] where row.directionsFrom == .deltaW && row.layer == layer {
            guard let c = configs[row.run] else { continue }
            out.values[[row.matrix, c.targets, "\(c.rank)", "\(c.dataSeed ?? 0)", "\(c.initSeed ?? 0)"].joined(separator: "|")] = (c, row.projectionNorm)
        }
        return out
    }

    static func phiRows(longer: ReportData, reference: ReportData, lc: [String: Config], rc: [String: Config], layer: Int?) -> [Row] {
        matched(phi11(longer, lc, layer: layer), phi11(reference, rc, layer: layer)) { "φ(1,1) on A, W_\($0[0]), r = \($0[2]) vs \($0[3])" }
    }

    static func projectionRows(longer: ReportData, reference: ReportData, lc: [String: Config], rc: [String: Config], layer: Int?) -> [Row] {
        matched(projection(longer, lc, layer: layer), projection(reference, rc, layer: layer)) { "‖UᵀWV‖_F from ΔW, W_\($0[0]), r = \($0[2])" }
    }

    /// One row per key on both sides; the spread is over the reference's values of the same group.
    static func matched(_ longer: Keyed, _ reference: Keyed, label: ([String]) -> String) -> [Row] {
        func group(_ key: String) -> String { key.split(separator: "|").prefix(reference.groupFields).joined(separator: "|") }
        return longer.values.keys.sorted().compactMap { key in
            guard let mine = longer.values[key], let theirs = reference.values[key] else { return nil }
            let parts = key.split(separator: "|").map(String.init)
            let spread = SeedSummary(reference.values.filter { group($0.key) == group(key) }.sorted { $0.key < $1.key }.map(\.value.value))
            return Row(label: label(parts), matrix: parts[0], config: mine.config, reference: theirs.value, longer: mine.value, spread: spread)
        }.sorted(by: rowLess)
    }

    /// By matrix (q, k, v, o, …), then configuration.
    static func rowLess(_ a: Row, _ b: Row) -> Bool {
        if a.matrix != b.matrix { return ReportOrder.matrixLess(a.matrix ?? "", b.matrix ?? "") }
        return a.config < b.config
    }
}
