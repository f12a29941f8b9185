import Analysis
import ExperimentSpec
import Foundation

/// One pair of configurations (target set, rank) compared example for example on the accuracy split
/// (`accuracy_pairs.csv`; claims 1 and 2, Tables 5 and 6).
///
/// Every run of a spec is scored on the same N examples of the split, so two configurations' accuracies share that
/// sample. With ā_i the share of A's runs that classify example i correctly (b̄_i likewise for B) and
/// d_i = ā_i − b̄_i, the difference of mean accuracies is mean_i(d_i), and its sampling error over the examples is
/// sd_i(d_i)/√N — the paired (McNemar-like) error, smaller than the unpaired binomial √(p_A(1−p_A)/N + p_B(1−p_B)/N)
/// whenever the two configurations get mostly the same examples right.
struct AccuracyPairRow: Equatable, Sendable {
    var targetsA: String
    var rankA: Int
    var targetsB: String
    var rankB: Int
    var split: String
    /// N, the examples of `split`.
    var examples: Int
    /// Finished runs of A and of B (their seeds).
    var runsA: Int
    var runsB: Int
    /// 100 · mean_i(d_i): mean accuracy of A − mean accuracy of B, in points.
    var difference: Double
    /// 100 · sd_i(d_i) (n − 1 denominator), in points: the paired sampling error of `difference` is example_sd/√N.
    var exampleSD: Double

    static let header = ["targets_a", "rank_a", "targets_b", "rank_b", "split", "examples", "runs_a", "runs_b", "difference", "example_sd"]

    /// The paired sampling standard error of `difference` over the split's examples, in points.
    var standardError: Double { exampleSD / Double(examples).squareRoot() }
}

enum AccuracyPairs {
    /// One row per unordered pair of configurations, A before B in report order, for the finished runs of `runs` on
    /// `split`: only configurations whose every finished run has a `<split>.json` with per-example correctness enter
    /// (validation, read from `final.json`, has none). nil when fewer than two configurations qualify.
    /// - Throws: `ReportError.invalidInput` naming a malformed file, or a file whose `correct` has another length than
    ///   the other runs' (they would not be scored on the same examples).
    static func rows(_ runs: [RunRecord], split: AccuracySplit) throws -> [AccuracyPairRow]? {
        guard split != .validation else { return nil }
        let finished = runs.filter { $0.outcome.status == .finished }.sorted(by: ReportOrder.runLess)
        // Sorted by target set, then rank: each configuration's runs are consecutive.
        var groups: [(targets: String, rank: Int, correct: [[Bool]], complete: Bool)] = []
        var length: Int?
        for run in finished {
            if groups.last.map({ $0.targets != run.targetLabel || $0.rank != run.rank }) ?? true {
                groups.append((run.targetLabel, run.rank, [], true))
            }
            guard let file = try SplitMetricsFile.read(run: run.directory, split: split.rawValue), let correct = file.correctness else {
                groups[groups.count - 1].complete = false
                continue
            }
            if let n = length, n != correct.count {
                throw ReportError.invalidInput(file: SplitMetricsFile.url(run: run.directory, split: split.rawValue).path,
                                               reason: "field 'correct' has \(correct.count) examples, other runs \(n): not the same \(split.rawValue) split")
            }
            length = correct.count
            groups[groups.count - 1].correct.append(correct)
        }
        let configurations = groups.filter(\.complete)
        guard configurations.count >= 2, let n = length, n >= 2 else { return nil }
        let shares = configurations.map { share($0.correct) }
        var rows: [AccuracyPairRow] = []
        for i in configurations.indices {
            for j in configurations.indices where j > i {
                let d = SeedSummary(zip(shares[i], shares[j]).map { $0 - $1 })   // over examples, not seeds: same mean and sd
                rows.append(AccuracyPairRow(targetsA: configurations[i].targets, rankA: configurations[i].rank,
                                            targetsB: configurations[j].targets, rankB: configurations[j].rank, split: split.rawValue,
                                            examples: n, runsA: configurations[i].correct.count, runsB: configurations[j].correct.count,
                                            difference: csvRounded(100 * d.mean), exampleSD: csvRounded(100 * (d.standardDeviation ?? 0))))
            }
        }
        return rows
    }

    /// Per example, the share of `runs` that classify it correctly.
    static func share(_ runs: [[Bool]]) -> [Double] {
        var counts = [Int](repeating: 0, count: runs[0].count)
        for run in runs { for (i, c) in run.enumerated() where c { counts[i] += 1 } }
        return counts.map { Double($0) / Double(runs.count) }
    }

    /// The row comparing (targets `a`, rank `ra`) with (targets `b`, rank `rb`) in either order (the SD is symmetric).
    static func find(_ rows: [AccuracyPairRow], _ a: String, _ ra: Int, _ b: String, _ rb: Int) -> AccuracyPairRow? {
        rows.first { r in
            let key = (r.targetsA, r.rankA, r.targetsB, r.rankB)
            return key == (a, ra, b, rb) || key == (b, rb, a, ra)
        }
    }

    static func encode(_ rows: [AccuracyPairRow]) -> String {
        var out = CSVText(header: AccuracyPairRow.header)
        for r in rows {
            out.append([r.targetsA, String(r.rankA), r.targetsB, String(r.rankB), r.split, String(r.examples), String(r.runsA), String(r.runsB),
                        ReportNumber.csv(r.difference), ReportNumber.csv(r.exampleSD)])
        }
        return out.text
    }

    static func decode(_ d: CSVDocument) throws -> [AccuracyPairRow] {
        try d.require(AccuracyPairRow.header)
        return try (0..<d.rows.count).map { n in
            let r = d.row(n)
            return AccuracyPairRow(targetsA: r.string("targets_a"), rankA: try r.int("rank_a"), targetsB: r.string("targets_b"),
                                   rankB: try r.int("rank_b"), split: r.string("split"), examples: try r.int("examples"),
                                   runsA: try r.int("runs_a"), runsB: try r.int("runs_b"), difference: try r.double("difference"),
                                   exampleSD: try r.double("example_sd"))
        }
    }
}

extension ReportAnalysis {
    /// Claims 1 and 2's paired sampling error: every pair of configurations compared example for example on the
    /// accuracy split, when the runs store per-example correctness (`<split>.json`'s `correct`).
    static let accuracyPairs = make(
        key: "accuracyPairs", file: ReportFiles.accuracyPairs, rows: \.accuracyPairs, sections: [], claims: [1, 2], needsAdapters: false,
        isOn: { o, scope in o.accuracy && scope == .spec },
        compute: { try AccuracyPairs.rows($0.runs, split: $0.options.accuracySplit) },
        encode: AccuracyPairs.encode, decode: AccuracyPairs.decode)
}
