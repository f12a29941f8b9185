import Analysis
import ExperimentSpec
import Foundation

/// The doubling test of convergence (issue 11 part 1): a spec that repeats some configurations of a reference spec with
/// more training steps (`ExperimentSpec.lengthCheckOf`) is compared with it run for run. Under a schedule that decays to
/// zero the validation loss keeps falling to the last step, so "within 1 % over the last fifth" can fail at any length;
/// what a reviewer needs instead is whether the numbers the claims read move when training is doubled, measured against
/// the reference's own seed spread.
///
/// A change is flagged when |longer − reference| > 2·s, s the sample standard deviation of that quantity over the
/// reference's seed pairs of the same configuration (the longer run's own seed pair among them): it compares the effect
/// of training longer with the effect of changing seeds. It is not a significance test — the change is paired (same
/// seeds, same data order), and s from three seeds has two degrees of freedom (its 95 % interval is about
/// [0.52·s, 6.3·s]) — and if seed-to-seed variation were Gaussian noise, about one change in six would exceed 2·s by
/// chance. With fewer than two reference seeds s is unknown and nothing is flagged. An accuracy's s is floored at one
/// validation example (100/N points), so accuracies that tie across seeds do not make every change count.
struct TrainingLength: Sendable {
    /// A configuration as both specs name it: targets, rank and the (data, init) seed pair.
    struct Config: Hashable, Comparable, Sendable {
        var targets: String, rank: Int, dataSeed: UInt64?, initSeed: UInt64?
        static func < (a: Config, b: Config) -> Bool {
            if a.targets != b.targets { return ReportOrder.targetSetLess(a.targets, b.targets) }
            return (a.rank, a.dataSeed ?? 0, a.initSeed ?? 0) < (b.rank, b.dataSeed ?? 0, b.initSeed ?? 0)
        }
        var group: String { "\(targets)|\(rank)" }
    }

    /// One quantity of one matched configuration: the reference's value, the longer run's, and the reference's seed
    /// spread for the same configuration.
    struct Row: Equatable, Sendable {
        var label: String
        /// The adapted matrix the quantity belongs to (nil for per-run quantities), for ordering.
        var matrix: String? = nil
        var config: Config
        var reference: Double
        var longer: Double
        var spread: SeedSummary
        /// The smallest s the comparison uses (one validation example for an accuracy; 0 otherwise).
        var floor = 0.0
        var change: Double { longer - reference }
        /// s, floored; nil when the reference has fewer than two seeds of this configuration.
        var s: Double? { spread.standardDeviation.map { Swift.max($0, floor) } }
        /// |change| > 2·s; nil when s is unknown or a value is not finite.
        var beyondNoise: Bool? {
            guard let s, change.isFinite else { return nil }
            return abs(change) > 2 * s
        }
    }

    var steps: [Config: (reference: Int?, longer: Int?)]
    /// Matched configurations whose runs differ in α, scaling or validation split, in words (empty when none do).
    var mismatches: [String]
    var accuracy: [Row]
    var loss: [Row]
    var phi: [Row]
    var projection: [Row]
    var middleLayer: Int?

    var all: [Row] { accuracy + loss + phi + projection }

    /// Matches `longer`'s runs to `reference`'s by configuration and collects the compared quantities.
    init(longer: ReportData, reference: ReportData) {
        let lc = Self.configs(longer), rc = Self.configs(reference)
        var steps: [Config: (Int?, Int?)] = [:], mismatches: [String] = []
        for row in longer.accuracy ?? [] where row.isFinished {
            guard let c = lc[row.run], steps[c] == nil,
                  let r = (reference.accuracy ?? []).first(where: { rc[$0.run] == c && $0.isFinished }) else { continue }
            steps[c] = (r.steps, row.steps)
            if (r.alpha, r.scaling, r.split, r.examples) != (row.alpha, row.scaling, row.split, row.examples) {
                mismatches.append("\(Self.describe(c)): α, scaling, accuracy split or its number of examples differ")
            }
        }
        self.steps = steps
        self.mismatches = mismatches
        let metric = ReportSelection.primaryMetric(longer.accuracy ?? [])
        let examples = (longer.accuracy ?? []).compactMap(\.examples).max()
        let floor = metric.map(ReportSelection.isPercent) == true ? examples.map { 100 / Double(Swift.max($0, 1)) } ?? 0 : 0
        let split = ReportSelection.accuracySplit(longer.accuracy ?? [])
        accuracy = Self.rows("\(split) \(metric ?? "metric")", longer: Self.accuracy(longer, lc), reference: Self.accuracy(reference, rc),
                             matched: Set(steps.keys)).map { var out = $0; out.floor = floor; return out }
        loss = Self.rows("final validation objective", longer: Self.finalObjective(longer, lc), reference: Self.finalObjective(reference, rc),
                         matched: Set(steps.keys))
        middleLayer = ReportOrder.middleLayer((longer.similarity ?? []).map(\.layer) + (longer.projection ?? []).map(\.layer))
        phi = Self.phiRows(longer: longer, reference: reference, lc: lc, rc: rc, layer: middleLayer)
        projection = Self.projectionRows(longer: longer, reference: reference, lc: lc, rc: rc, layer: middleLayer)
    }

    /// Run id → configuration, from `accuracy.csv`.
    static func configs(_ data: ReportData) -> [String: Config] {
        Dictionary((data.accuracy ?? []).map { ($0.run, Config($0)) },
                   uniquingKeysWith: { a, _ in a })
    }

    static func accuracy(_ data: ReportData, _ configs: [String: Config]) -> [Config: Double] {
        var out: [Config: Double] = [:]
        for row in data.accuracy ?? [] where row.isFinished {
            if let c = configs[row.run], out[c] == nil, let v = row.value { out[c] = v * (ReportSelection.isPercent(row.metric) ? 100 : 1) }
        }
        return out
    }

    /// The last validation pass's objective per run (`convergence.csv`).
    static func finalObjective(_ data: ReportData, _ configs: [String: Config]) -> [Config: Double] {
        var last: [Config: (step: Int, value: Double)] = [:]
        for row in data.convergence ?? [] where row.status == RunOutcome.Status.finished.rawValue {
            guard let c = configs[row.run] else { continue }
            if last[c].map({ row.step > $0.step }) ?? true { last[c] = (row.step, row.value) }
        }
        return last.mapValues(\.value)
    }

    /// Rows for every matched configuration with a value on both sides; the spread is over the reference's
    /// configurations of the same targets and rank.
    static func rows(_ label: String, longer: [Config: Double], reference: [Config: Double], matched: Set<Config>) -> [Row] {
        matched.sorted().compactMap { c in
            guard let l = longer[c], let r = reference[c] else { return nil }
            let spread = SeedSummary(reference.filter { $0.key.group == c.group }.sorted { $0.key < $1.key }.map(\.value))
            return Row(label: label, config: c, reference: r, longer: l, spread: spread)
        }
    }
}

extension TrainingLength.Config {
    /// The configuration of one run of `accuracy.csv`.
    init(_ row: AccuracyRow) {
        self.init(targets: row.targets, rank: row.rank, dataSeed: row.dataSeed, initSeed: row.initSeed)
    }
}
