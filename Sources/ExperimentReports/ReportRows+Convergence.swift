import Analysis
import ExperimentSpec
import Foundation

/// One validation pass of one run, `convergence.csv`: the learning curve the convergence criterion reads
/// (`ConvergenceCriterion`, issue 11 part 1):
/// `run,targets,rank,data_seed,init_seed,status,steps,step,objective,value,metric,metric_value`
/// with `steps` the run's steps (all planned steps for a finished run), `objective` the validation objective the rule
/// reads (`loss`, the cross-entropy, for classification; `mse` for the planted-rank task) and its `value` at `step`,
/// and `metric` / `metric_value` the run's primary metric at that pass (accuracy for classification).
struct ConvergenceRow: Equatable, Sendable {
    var run: String
    var targets: String
    var rank: Int
    var dataSeed: UInt64?
    var initSeed: UInt64?
    var status: String
    var steps: Int
    var step: Int
    var objective: String
    var value: Double
    var metric: String
    var metricValue: Double?

    static let header = ["run", "targets", "rank", "data_seed", "init_seed", "status", "steps", "step", "objective", "value",
                         "metric", "metric_value"]

    /// The validation metrics a curve's objective is read from, first present wins.
    static let objectives = ["loss", "mse"]
}

extension ReportBuilder {
    /// The validation passes of every run (`eval.jsonl`), runs in `accuracy.csv`'s order, passes by step. A run whose
    /// passes carry none of `ConvergenceRow.objectives` contributes no rows.
    static func convergenceRows(_ runs: [RunRecord]) throws -> [ConvergenceRow] {
        var rows: [ConvergenceRow] = []
        for run in runs.sorted(by: ReportOrder.runLess) {
            let passes = try evalPasses(run.directory.appendingPathComponent("eval.jsonl"), display: "runs/\(run.id)/eval.jsonl")
            for pass in passes.sorted(by: { $0.step < $1.step }) {
                guard let objective = ConvergenceRow.objectives.first(where: { pass.metrics[$0] != nil }) else { continue }
                rows.append(ConvergenceRow(run: run.id, targets: run.targetLabel, rank: run.rank, dataSeed: run.dataSeed,
                                           initSeed: run.initSeed, status: run.outcome.status.rawValue, steps: run.outcome.steps,
                                           step: pass.step, objective: objective, value: csvRounded(pass.metrics[objective]!),
                                           metric: run.outcome.primaryMetric,
                                           metricValue: csvRoundedOptional(pass.metrics[run.outcome.primaryMetric])))
            }
        }
        return rows
    }

    /// The lines of an `eval.jsonl` (absent file: none). Errors name the file and line.
    static func evalPasses(_ url: URL, display: String) throws -> [EvalLine] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        var passes: [EvalLine] = []
        for (n, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let pass = try? JSONDecoder().decode(EvalLine.self, from: Data(line.utf8)) else {
                throw ReportError.invalidInput(file: "\(display):\(n + 1)", reason: "not a validation pass ({\"step\": …, \"metrics\": {…}})")
            }
            passes.append(pass)
        }
        return passes
    }
}

extension ReportCSVEncoder {
    static func convergence(_ rows: [ConvergenceRow]) -> String {
        var out = CSVText(header: ConvergenceRow.header)
        for r in rows {
            out.append([r.run, r.targets, String(r.rank), seedCell(r.dataSeed), seedCell(r.initSeed), r.status, String(r.steps),
                        String(r.step), r.objective, ReportNumber.csv(r.value), r.metric, ReportNumber.csv(r.metricValue)])
        }
        return out.text
    }
}

extension ReportCSVDecoder {
    static func convergence(_ d: CSVDocument) throws -> [ConvergenceRow] {
        try d.require(ConvergenceRow.header)
        return try (0..<d.rows.count).map { n in
            let r = d.row(n)
            func seed(_ c: String) throws -> UInt64? { try Self.seed(r, c) }
            return ConvergenceRow(run: r.string("run"), targets: r.string("targets"), rank: try r.int("rank"),
                                  dataSeed: try seed("data_seed"), initSeed: try seed("init_seed"), status: r.string("status"),
                                  steps: try r.int("steps"), step: try r.int("step"), objective: r.string("objective"),
                                  value: try r.double("value"), metric: r.string("metric"),
                                  metricValue: try r.optionalDouble("metric_value"))
        }
    }
}

extension ConvergenceRow {
    /// One run's curve: its rows in step order.
    struct Curve {
        var rows: [ConvergenceRow]
        var first: ConvergenceRow { rows[0] }
        /// The criterion's result; diverged runs are undetermined (their curve stops before the planned end).
        func result(_ criterion: ConvergenceCriterion) -> ConvergenceCriterion.Result {
            guard first.status == RunOutcome.Status.finished.rawValue else {
                return .init(verdict: .undetermined, largestDeviation: nil, passesInWindow: 0)
            }
            return criterion.evaluate(rows.map { ($0.step, $0.value) }, totalSteps: first.steps)
        }
    }

    /// Rows grouped by run, in first-appearance order.
    static func curves(_ rows: [ConvergenceRow]) -> [Curve] {
        var order: [String] = [], by: [String: [ConvergenceRow]] = [:]
        for r in rows {
            if by[r.run] == nil { order.append(r.run) }
            by[r.run, default: []].append(r)
        }
        return order.map { Curve(rows: by[$0]!.sorted { $0.step < $1.step }) }
    }
}
