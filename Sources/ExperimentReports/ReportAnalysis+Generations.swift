import Analysis
import ExperimentSpec
import Foundation

/// One validation prompt's continuations in one run, `generations.csv`:
/// `run,targets,rank,data_seed,init_seed,prompt_id,prompt,reference,base,base_stopped,tuned,tuned_stopped`
/// — the base model's and the fine-tuned model's greedy continuations (`GenerationRecord`, recorded by the runner in the
/// run folder's `generations.json`), `*_stopped` 1 when the continuation ended with the end-of-text token, else 0.
struct GenerationRow: Equatable, Sendable {
    var run: String
    var targets: String
    var rank: Int
    var dataSeed: UInt64?
    var initSeed: UInt64?
    var promptId: String
    var prompt: String
    var reference: String
    var base: String
    var baseStopped: Bool
    var tuned: String
    var tunedStopped: Bool

    static let header = ["run", "targets", "rank", "data_seed", "init_seed", "prompt_id", "prompt", "reference", "base", "base_stopped",
                         "tuned", "tuned_stopped"]
}

extension ReportAnalysis {
    /// Greedy generations before and after fine-tuning (generation tasks: a decoder trained with the causal-LM objective,
    /// Sec 2), read from the runs' `generations.json`; absent when no run recorded any (every other task). Spec scope
    /// only, on with `accuracy` (the validation metrics the same runs report).
    static let generations = make(
        key: "generations", file: ReportFiles.generations, rows: \.generations, sections: [.generations], needsAdapters: false,
        isOn: { o, scope in scope == .spec && o.accuracy },
        compute: { inputs in
            let rows = try ReportBuilder.generationRows(inputs.runs)
            return rows.isEmpty ? nil : rows
        },
        encode: ReportCSVEncoder.generations, decode: ReportCSVDecoder.generations)
}

extension ReportBuilder {
    /// Every finished run's recorded generations, runs in `accuracy.csv`'s order, prompts in recorded order.
    static func generationRows(_ runs: [RunRecord]) throws -> [GenerationRow] {
        var rows: [GenerationRow] = []
        for run in runs.sorted(by: ReportOrder.runLess) where run.outcome.status == .finished {
            guard let record = try GenerationRecord.read(from: run.directory) else { continue }
            for e in record.entries {
                rows.append(GenerationRow(run: run.id, targets: run.targetLabel, rank: run.rank, dataSeed: run.dataSeed,
                                          initSeed: run.initSeed, promptId: e.id, prompt: e.prompt, reference: e.reference,
                                          base: e.base, baseStopped: e.baseStopped, tuned: e.tuned, tunedStopped: e.tunedStopped))
            }
        }
        return rows
    }
}

extension ReportCSVEncoder {
    static func generations(_ rows: [GenerationRow]) -> String {
        var out = CSVText(header: GenerationRow.header)
        for r in rows {
            out.append([r.run, r.targets, String(r.rank), seedCell(r.dataSeed), seedCell(r.initSeed), r.promptId, r.prompt, r.reference,
                        r.base, r.baseStopped ? "1" : "0", r.tuned, r.tunedStopped ? "1" : "0"])
        }
        return out.text
    }
}

extension ReportCSVDecoder {
    static func generations(_ d: CSVDocument) throws -> [GenerationRow] {
        try d.require(GenerationRow.header)
        return try (0..<d.rows.count).map { n in
            let r = d.row(n)
            func flag(_ c: String) throws -> Bool {
                switch r.string(c) {
                case "1": return true
                case "0": return false
                case let s: throw r.error(c, "'\(s)' is not 0 or 1")
                }
            }
            return GenerationRow(run: r.string("run"), targets: r.string("targets"), rank: try r.int("rank"),
                                 dataSeed: try seed(r, "data_seed"), initSeed: try seed(r, "init_seed"), promptId: r.string("prompt_id"),
                                 prompt: r.string("prompt"), reference: r.string("reference"), base: r.string("base"),
                                 baseStopped: try flag("base_stopped"), tuned: r.string("tuned"), tunedStopped: try flag("tuned_stopped"))
        }
    }
}
