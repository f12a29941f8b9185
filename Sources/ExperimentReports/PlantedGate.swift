import Analysis
import ExperimentSpec
import Foundation

/// The planted control as a gate (issue 11, part 5): a verdict on real data is only worth what the method shows on a
/// task whose answer is known. The gate is the spec `planted-gate` (a rank-k update planted in the model along
/// directions its inputs vary in, `PlantedRankOptions.Directions.inputPrincipal`); its results folder sits beside every
/// other spec's. It passes when, for every planted matrix, students of every rank r ≥ k recover the planted update —
/// recovery(j) ≥ `threshold` for every j ≤ k, averaged over layers and ≥ `minimumSeeds` seeds, each (layer, seed) above
/// its Monte-Carlo null's 95 % band — and claim 3 (Fig 3's shared top direction) holds on the planted task.
///
/// Recovery is judged in the data metric (`PlantedRecovery.dataMetric`: the right singular vectors of ΔW·C^{1/2}, C the
/// covariance of the inputs the matrix acts on), the quantity the outputs identify; a folder without input covariances
/// is judged on the plain right singular vectors. The plain recovery is always shown beside it: where it stays below
/// the threshold (W_v of MiniLM), ΔW's plain right singular vectors — the basis φ on A reads — carry directions the
/// inputs do not excite, and the report says that φ on A of that matrix is not validated by the control.
/// Every real-data report opens with the gate's state and the commit it was measured at; unless it passes, the report
/// says its verdicts are not trusted.
public struct PlantedGate: Equatable, Sendable {
    public static let specName = "planted-gate"
    public static let threshold = 0.9
    public static let minimumSeeds = 3

    public enum State: String, Equatable, Sendable { case notRun = "not run", incomplete, passes, fails }

    /// One (matrix, student rank, j) cell: mean recovery over layers and seeds — `recovery` the judged one (data metric
    /// when the folder has it, else plain), `plain` on ΔW's plain right singular vectors, `nullUpper` the mean of the
    /// data-metric null's 97.5 % quantiles, `belowNull` the (layer, seed) rows at or below their null's band.
    public struct Cell: Equatable, Sendable {
        public var matrix: String, rank: Int, k: Int, recovery: Double, seeds: Int
        public var plain: Double
        public var nullUpper: Double? = nil
        public var belowNull = 0
        public var dataMetric: Bool { nullUpper != nil }
    }

    public var state: State
    public var cells: [Cell]
    public var plantedRank: Int?
    public var claim3: String?
    public var commits: [String]
    /// Why the gate is not passing, in words (empty when it passes).
    public var reasons: [String]
    /// The model the gate was measured on: its report's model description (`report-context.json`), or nil when unknown.
    public var model: String? = nil

    /// Reads the gate's folder `<resultsRoot>/planted-gate/` (planted_recovery.csv, claims.csv, runs/*/final.json).
    /// An unreadable or malformed CSV counts as "not run" with the reason.
    public static func read(resultsRoot: URL) -> PlantedGate {
        let folder = resultsRoot.appendingPathComponent(specName)
        func notRun(_ why: String) -> PlantedGate {
            PlantedGate(state: .notRun, cells: [], plantedRank: nil, claim3: nil, commits: [], reasons: [why])
        }
        let recoveryURL = folder.appendingPathComponent(ReportFiles.planted)
        let read: CSVDocument?
        do { read = try CSVDocument.read(recoveryURL, displayName: "\(specName)/\(ReportFiles.planted)") } catch {
            return notRun("\(specName)/\(ReportFiles.planted) is unreadable: \(error)")
        }
        guard let recovery = read else { return notRun("no results in \(specName)/ (run `experiment \(specName)`)") }
        let (cells, plantedRank) = summarise(recovery)
        let claims = try? CSVDocument.read(folder.appendingPathComponent(ReportFiles.claims), displayName: ReportFiles.claims)
        var gate = judge(cells: cells, plantedRank: plantedRank, claim3: claims.flatMap { claimVerdict(3, $0) },
                         commits: commits(in: folder))
        gate.model = modelDescription(in: folder)
        return gate
    }

    /// `modelDescription` of the gate's `report-context.json`, or nil.
    static func modelDescription(in folder: URL) -> String? {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("report-context.json").path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["modelDescription"] as? String
    }

    /// A model description without the folder it was loaded from: "all-MiniLM-L6-v2 (BERT encoder, 6 layers, …)" for
    /// "models/all-MiniLM-L6-v2 (BERT encoder, 6 layers, …)" — the same checkpoint under another path is the same model.
    static func modelIdentity(_ description: String) -> String {
        let cut = description.range(of: " (")?.lowerBound ?? description.endIndex
        let path = String(description[..<cut])
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name + description[cut...]
    }

    /// Whether the gate speaks for a report on `reportModel`: both descriptions are known and name the same checkpoint
    /// folder and architecture (`modelIdentity`). Two different checkpoints under the same folder name and architecture
    /// would pass this test; the gate's report names its model, so a reader can tell.
    public func applies(to reportModel: String?) -> Bool {
        guard let model, let reportModel else { return false }
        return Self.modelIdentity(model) == Self.modelIdentity(reportModel)
    }

    /// The rule, on summarised cells.
    static func judge(cells: [Cell], plantedRank: Int?, claim3: String?, commits: [String]) -> PlantedGate {
        var reasons: [String] = []
        var incomplete = false
        if cells.isEmpty { reasons.append("no recovery rows"); incomplete = true }
        for c in cells where c.seeds < minimumSeeds {
            reasons.append("\(c.matrix) r = \(c.rank): \(c.seeds) seed\(c.seeds == 1 ? "" : "s") (needs \(minimumSeeds))")
            incomplete = true
        }
        for c in cells where c.recovery < threshold {
            reasons.append("\(c.matrix) r = \(c.rank): recovery(\(c.k)) = \(NumberFormat.fixed(c.recovery, digits: 3)) < \(threshold)")
        }
        for c in cells where c.belowNull > 0 {
            reasons.append("\(c.matrix) r = \(c.rank): recovery(\(c.k)) within its null's 95 % band at \(c.belowNull) (layer, seed) pair\(c.belowNull == 1 ? "" : "s")")
        }
        if claim3 != "holds" { reasons.append("claim 3 on the planted task: \(claim3 ?? "not evaluated")") }
        let state: State = reasons.isEmpty ? .passes : (incomplete ? .incomplete : .fails)
        return PlantedGate(state: state, cells: cells, plantedRank: plantedRank, claim3: claim3, commits: commits, reasons: reasons)
    }

    /// Mean recovery per (matrix, rank ≥ planted rank, k ≤ planted rank) over layers and seeds, with the seed count:
    /// judged in the data metric when the CSV has it (column `recovery_data_metric`), else on the plain vectors.
    static func summarise(_ csv: CSVDocument) -> ([Cell], Int?) {
        struct Sums { var judged = 0.0, plain = 0.0, upper = 0.0, n = 0, uppers = 0, below = 0, seeds = Set<String>() }
        var sums: [String: Sums] = [:]
        var planted: Int?
        for n in csv.rows.indices {
            let row = csv.row(n)
            guard let rank = try? row.int("rank"), let k = try? row.int("k"), let plain = try? row.double("recovery"),
                  let pr = try? row.int("planted_rank") else { continue }
            planted = pr
            guard rank >= pr && k <= pr else { continue }
            let data = (try? row.double("recovery_data_metric")), upper = (try? row.double("null_upper"))
            let key = "\(row.string("matrix"))|\(rank)|\(k)"
            var e = sums[key] ?? Sums()
            e.judged += data ?? plain; e.plain += plain; e.n += 1; e.seeds.insert(row.string("seed"))
            if let data, let upper { e.upper += upper; e.uppers += 1; if data <= upper { e.below += 1 } }
            sums[key] = e
        }
        let cells = sums.map { key, e -> Cell in
            let parts = key.split(separator: "|").map(String.init)
            return Cell(matrix: parts[0], rank: Int(parts[1])!, k: Int(parts[2])!, recovery: e.judged / Double(e.n), seeds: e.seeds.count,
                        plain: e.plain / Double(e.n), nullUpper: e.uppers == e.n ? e.upper / Double(e.n) : nil, belowNull: e.below)
        }.sorted { ($0.matrix, $0.rank, $0.k) < ($1.matrix, $1.rank, $1.k) }
        return (cells, planted)
    }

    /// The verdict of claim `number` in a claims.csv (columns `claim`, `verdict`), or nil.
    static func claimVerdict(_ number: Int, _ csv: CSVDocument) -> String? {
        csv.rows.indices.map(csv.row).first { $0.string("claim") == String(number) }?.string("verdict")
    }

    /// The git commits recorded by the gate's finished runs.
    static func commits(in folder: URL) -> [String] {
        let runs = folder.appendingPathComponent("runs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? []
        var found = Set<String>()
        for name in names {
            guard let data = FileManager.default.contents(atPath: runs.appendingPathComponent(name).appendingPathComponent("final.json").path),
                  let outcome = try? JSONDecoder().decode(RunOutcome.self, from: data) else { continue }
            found.insert(outcome.machine.gitCommit)
        }
        return found.sorted()
    }
}
