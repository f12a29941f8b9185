import Analysis
import ExperimentSpec
import Foundation

/// One φ grid of `subspace_similarity.csv`: all rows with the same comparison, targets, layer, matrix, run_a, run_b.
struct PhiPanel {
    var comparison: SimilarityComparison
    var targets: String
    var layer: Int?
    var matrix: String
    var runA: String
    var runB: String
    var rankA: Int
    var rankB: Int
    var ambient: Int
    /// Whose right singular vectors were compared (A for the paper's Figs 3, 4 and the claims).
    var basis: SimilarityBasis
    /// grid[i-1][j-1]; NaN where a cell is missing.
    var grid: [[Double]]
    /// The cells' Monte-Carlo nulls (nil where a row has none).
    var nulls: [[CellNull?]]

    var maxI: Int { grid.count }
    var maxJ: Int { grid.first?.count ?? 0 }

    func phi(_ i: Int, _ j: Int) -> Double? {
        guard i >= 1, j >= 1, i <= maxI, j <= maxJ else { return nil }
        let v = grid[i - 1][j - 1]
        return v.isNaN ? nil : v
    }

    func null(_ i: Int, _ j: Int) -> CellNull? {
        guard i >= 1, j >= 1, i <= maxI, j <= maxJ else { return nil }
        return nulls[i - 1][j - 1]
    }

    /// The mean of the null over draws, cell by cell (random subspaces: Fig 4's random panel); nil without nulls.
    var nullMeanGrid: [[Double]]? {
        guard nulls.allSatisfy({ $0.allSatisfy { $0 != nil } }) else { return nil }
        return nulls.map { $0.map { $0!.mean } }
    }

    /// Mean of φ(k, k) over k = 1…K (K capped at the grid).
    func diagonalMean(_ K: Int) -> Double? {
        let n = Swift.min(K, maxI, maxJ)
        guard n >= 1 else { return nil }
        let values = (1...n).compactMap { phi($0, $0) }
        return values.count == n ? values.reduce(0, +) / Double(n) : nil
    }

    /// The null's mean of D = mean of φ(k, k), k ≤ K: the mean of the diagonal cells' null means (a mean is linear; the
    /// band of D needs the draws, which only `null_distributions.csv` keeps for the Haar null).
    func nullDiagonalMean(_ K: Int) -> Double? {
        let n = Swift.min(K, maxI, maxJ)
        guard n >= 1 else { return nil }
        let values = (1...n).compactMap { null($0, $0)?.mean }
        return values.count == n ? values.reduce(0, +) / Double(n) : nil
    }

    /// Panels in order of first appearance.
    static func panels(_ rows: [SimilarityRow]) -> [PhiPanel] {
        struct Key: Hashable { var c: String, t: String, l: Int?, m: String, a: String, b: String, basis: SimilarityBasis }
        let groups = cellGrids(rows, key: { Key(c: $0.comparison.rawValue, t: $0.targets, l: $0.layer, m: $0.matrix, a: $0.runA, b: $0.runB,
                                                basis: $0.basis) },
                               i: \.i, j: \.j, empty: (Double.nan, nil as CellNull?), cell: { ($0.phi, $0.null) })
        return groups.map { f, grid in
            PhiPanel(comparison: f.comparison, targets: f.targets, layer: f.layer, matrix: f.matrix, runA: f.runA, runB: f.runB,
                     rankA: f.rankA, rankB: f.rankB, ambient: f.ambient, basis: f.basis, grid: grid.map { $0.map(\.0) },
                     nulls: grid.map { $0.map(\.1) })
        }
    }
}

/// One φ grid of `direction_overlap.csv` (W's top-i vs ΔW's top-j) for one run, layer and matrix.
struct OverlapPanel {
    var layer: Int
    var matrix: String
    var run: String
    var rank: Int
    var seed: UInt64?
    var dataSeed: UInt64?
    var targets: String
    var ambient: Int
    var grid: [[Double]]
    var nulls: [[CellNull?]]

    var maxI: Int { grid.count }
    var maxJ: Int { grid.first?.count ?? 0 }

    func phi(_ i: Int, _ j: Int) -> Double? {
        guard i >= 1, j >= 1, i <= maxI, j <= maxJ else { return nil }
        let v = grid[i - 1][j - 1]
        return v.isNaN ? nil : v
    }

    func null(_ i: Int, _ j: Int) -> CellNull? {
        guard i >= 1, j >= 1, i <= maxI, j <= maxJ else { return nil }
        return nulls[i - 1][j - 1]
    }

    /// i* = min(maxI, maxJ): overlap is φ(i*, i*), how much ΔW's top directions overlap W's.
    var overlapIndex: Int { Swift.min(maxI, maxJ) }
    var overlap: Double? { phi(overlapIndex, overlapIndex) }
    var overlapNull: CellNull? { null(overlapIndex, overlapIndex) }
    /// φ(top-maxI of W, all of ΔW's columns in the grid): how much of W's top directions ΔW picks up.
    var coverage: Double? { phi(maxI, maxJ) }
    var coverageNull: CellNull? { null(maxI, maxJ) }

    /// The null's mean grid (φ of W's top directions against random subspaces: Fig 8's random panel).
    var nullMeanGrid: [[Double]]? {
        guard nulls.allSatisfy({ $0.allSatisfy { $0 != nil } }) else { return nil }
        return nulls.map { $0.map { $0!.mean } }
    }

    static func panels(_ rows: [OverlapRow]) -> [OverlapPanel] {
        struct Key: Hashable { var l: Int, m: String, r: String }
        let groups = cellGrids(rows, key: { Key(l: $0.layer, m: $0.matrix, r: $0.run) }, i: \.i, j: \.j,
                               empty: (Double.nan, nil as CellNull?), cell: { ($0.phi, $0.null) })
        return groups.map { f, grid in
            // expected_random = max(i, j)/in, so in = max(i, j)/expected on any row.
            let ambient = f.expectedRandom > 0 ? Int((Double(Swift.max(f.i, f.j)) / f.expectedRandom).rounded()) : 0
            return OverlapPanel(layer: f.layer, matrix: f.matrix, run: f.run, rank: f.rank, seed: f.seed, dataSeed: f.dataSeed,
                                targets: f.targets, ambient: ambient, grid: grid.map { $0.map(\.0) }, nulls: grid.map { $0.map(\.1) })
        }
    }
}

/// Groups CSV rows into grids by `key`, in order of first appearance: each group's first row and its (max i × max j)
/// grid of `cell(row)`, `empty` where the CSV has no row. Shared by the subspace-similarity and direction-overlap panels.
func cellGrids<Row, Key: Hashable, Cell>(_ rows: [Row], key: (Row) -> Key, i: KeyPath<Row, Int>, j: KeyPath<Row, Int>,
                                         empty: Cell, cell: (Row) -> Cell) -> [(first: Row, grid: [[Cell]])] {
    var order: [Key] = []
    var cells: [Key: [Row]] = [:]
    for r in rows {
        let k = key(r)
        if cells[k] == nil { order.append(k) }
        cells[k, default: []].append(r)
    }
    return order.map { k in
        let rs = cells[k]!
        let ni = rs.map { $0[keyPath: i] }.max()!, nj = rs.map { $0[keyPath: j] }.max()!
        var grid = [[Cell]](repeating: [Cell](repeating: empty, count: nj), count: ni)
        for r in rs where r[keyPath: i] >= 1 && r[keyPath: j] >= 1 { grid[r[keyPath: i] - 1][r[keyPath: j] - 1] = cell(r) }
        return (rs[0], grid)
    }
}

/// Choices shared by the claims, the report tables and the figures, so they all look at the same data.
enum ReportSelection {
    /// Metrics reported as fractions in [0, 1] that tables show in percent and claims compare in points.
    static let percentMetrics: Set<String> = ["accuracy", "macro_f1", "micro_f1", "f1", "weighted_f1", "balanced_accuracy"]

    static func isPercent(_ metric: String) -> Bool { percentMetrics.contains(metric) }

    /// The primary metric of the finished runs (the most frequent one; ties by name).
    static func primaryMetric(_ rows: [AccuracyRow]) -> String? {
        let counts = Dictionary(grouping: rows.filter { $0.value != nil }, by: \.metric).mapValues(\.count)
        return counts.keys.sorted().max { (counts[$0]!, $1) < (counts[$1]!, $0) }
    }

    /// Finished LoRA runs with a value of `metric`, grouped by (targets, rank): values in display units (percent for
    /// percent metrics). The head-only baseline is not a LoRA configuration (`headOnlyBaseline` has it), so the tables
    /// by rank and the accuracy claims never see it.
    static func accuracyGroups(_ rows: [AccuracyRow], metric: String) -> [String: [Int: SeedSummary]] {
        var values: [String: [Int: [Double]]] = [:]
        for r in rows where r.targets != RunRecord.headOnlyLabel {
            guard let v = displayValue(r, metric: metric) else { continue }
            values[r.targets, default: [:]][r.rank, default: []].append(v)
        }
        return values.mapValues { $0.mapValues { SeedSummary($0) } }
    }

    /// The head-only baseline's `metric` over its finished runs, in display units; nil without such runs.
    static func headOnlyBaseline(_ rows: [AccuracyRow], metric: String) -> SeedSummary? {
        let values = rows.filter { $0.targets == RunRecord.headOnlyLabel }.compactMap { displayValue($0, metric: metric) }
        return values.isEmpty ? nil : SeedSummary(values)
    }

    /// A finished row's finite value of `metric` in display units (percent for percent metrics), else nil.
    private static func displayValue(_ r: AccuracyRow, metric: String) -> Double? {
        guard r.isFinished, r.metric == metric, let v = r.value, v.isFinite else { return nil }
        return v * (isPercent(metric) ? 100 : 1)
    }

    /// Among φ panels of one comparison: the target set with the most matrices, ties by first appearance.
    static func primaryTargets(_ panels: [PhiPanel]) -> String? {
        var order: [String] = []
        var matrices: [String: Set<String>] = [:]
        for p in panels {
            if matrices[p.targets] == nil { order.append(p.targets) }
            matrices[p.targets, default: []].insert(p.matrix)
        }
        var best: String?
        for t in order where best == nil || matrices[t]!.count > matrices[best!]!.count { best = t }
        return best
    }

    /// Rank pairs of the Fig 3 panels, in order of first appearance.
    static func rankPairs(_ panels: [PhiPanel]) -> [[Int]] {
        var seen: [[Int]] = []
        for p in panels where p.comparison == .rank && !seen.contains([p.rankA, p.rankB]) { seen.append([p.rankA, p.rankB]) }
        return seen
    }

    /// Fig 3 panels of the first rank pair for its primary target set, on `basis` (A: the paper's figure and claims).
    static func fig3Panels(_ panels: [PhiPanel], basis: SimilarityBasis = .a) -> (pair: [Int], targets: String, panels: [PhiPanel])? {
        guard let pair = rankPairs(panels).first else { return nil }
        let ofPair = panels.filter { $0.comparison == .rank && [$0.rankA, $0.rankB] == pair && $0.basis == basis }
        guard let targets = primaryTargets(ofPair) else { return nil }
        return (pair, targets, ofPair.filter { $0.targets == targets })
    }

    /// Fig 4 seed-pair panels at the highest rank compared (a spec compares one; `experiment analyze` may pair several),
    /// on `basis`: the target set adapting both q and v if any (else the primary one), and its panels.
    static func fig4Panels(_ panels: [PhiPanel], basis: SimilarityBasis = .a) -> (targets: String, panels: [PhiPanel])? {
        let top = panels.filter { $0.comparison == .seed }.map(\.rankA).max()
        let seed = panels.filter { $0.comparison == .seed && $0.rankA == top && $0.basis == basis }
        guard !seed.isEmpty else { return nil }
        var order: [String] = []
        for p in seed where !order.contains(p.targets) { order.append(p.targets) }
        let withQV = order.filter { t in
            let m = Set(seed.filter { $0.targets == t }.map(\.matrix))
            return m.contains("q") && m.contains("v")
        }
        guard let targets = withQV.first ?? primaryTargets(seed) else { return nil }
        return (targets, seed.filter { $0.targets == targets })
    }

    /// The split accuracy rows were measured on (`AccuracyRow.split`; "validation" when there are none).
    static func accuracySplit(_ rows: [AccuracyRow]) -> String { rows.first?.split ?? AccuracySplit.validation.rawValue }

    /// The Table 7 / App. H.3 focus: a target set with two or more ranks that adapts both q and v first (the paper's
    /// Section 7 analyses are of models adapted on W_q and W_v, as `fig4Panels` prefers too; claim 6 needs two ranks),
    /// then the most distinct ranks, then the most runs, then target order. Preferring q+v keeps the focus from moving to another set (e.g. q alone) merely because that set's
    /// grid was completed first.
    static func primaryRankTargets(_ items: [(targets: String, rank: Int, run: String)]) -> String? {
        var ranks: [String: Set<Int>] = [:]
        var runs: [String: Set<String>] = [:]
        for it in items {
            ranks[it.targets, default: []].insert(it.rank)
            runs[it.targets, default: []].insert(it.run)
        }
        func adaptsQV(_ t: String) -> Int { ranks[t]!.count >= 2 && Set(t.split(separator: "+")).isSuperset(of: ["q", "v"]) ? 1 : 0 }
        return ranks.keys.sorted(by: ReportOrder.targetSetLess).min { a, b in
            let ka = (adaptsQV(a), ranks[a]!.count, runs[a]!.count), kb = (adaptsQV(b), ranks[b]!.count, runs[b]!.count)
            return ka > kb
        }
    }

    /// The matrix claims 5–7 are judged on: q when adapted (the paper's Table 7 and Fig 8 are on W_q), else the first.
    static func focusMatrix(_ matrices: [String]) -> String? {
        let sorted = Array(Set(matrices)).sorted(by: ReportOrder.matrixLess)
        return sorted.contains("q") ? "q" : sorted.first
    }

    /// Seed label of a run from its columns ("s1", "s1-d2", or "—").
    static func seedLabel(_ seed: UInt64?, _ dataSeed: UInt64?) -> String {
        guard let s = seed else { return dataSeed.map { "d\($0)" } ?? "—" }
        return "s\(s)" + (dataSeed == nil || dataSeed == s ? "" : "-d\(dataSeed!)")
    }
}
