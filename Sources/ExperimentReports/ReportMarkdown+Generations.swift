import Analysis
import Foundation

extension ReportMarkdown {
    /// Greedy continuations of the recorded validation prompts: the reference gloss, the base model's continuation and,
    /// for each (targets, rank), the first run's (by seeds) after fine-tuning. "⏹" marks a continuation that ended with
    /// the end-of-text token; one without it was cut at the runs' token limit.
    static func generations(_ env: SectionEnvironment) -> String? {
        guard let rows = env.data.generations, !rows.isEmpty else { return nil }
        var firstRun: [String: String] = [:]   // (targets, rank) → run, the first in CSV (accuracy) order
        var order: [String] = []
        for r in rows {
            let key = "\(r.targets) r = \(r.rank)"
            if firstRun[key] == nil { firstRun[key] = r.run; order.append(key) }
        }
        var prompts: [String] = []
        for r in rows where !prompts.contains(r.promptId) { prompts.append(r.promptId) }
        func mark(_ text: String, _ stopped: Bool) -> String { text + (stopped ? " ⏹" : "") }
        var out = "Greedy continuations (arg max at every step, key/value cache) of the first \(prompts.count) validation prompt"
            + "\(prompts.count == 1 ? "" : "s") by the base model (no adapter) and after fine-tuning, one run per target set and rank "
            + "(the first by seeds; every run's are in `\(ReportFiles.generations)`), recorded by the runner in each run folder's "
            + "`generations.json`. ⏹: the continuation ended with the end-of-text token; without it, it was cut at the token limit.\n\n"
        for id in prompts {
            let forPrompt = rows.filter { $0.promptId == id }
            guard let first = forPrompt.first else { continue }
            var table = MarkdownTable(header: ["Model", "Continuation"], alignments: [.left, .left])
            table.append(["reference (the gloss)", first.reference])
            table.append(["base model", mark(first.base, first.baseStopped)])
            for key in order {
                guard let r = forPrompt.first(where: { $0.run == firstRun[key] }) else { continue }
                table.append(["\(key) (`\(r.run)`)", mark(r.tuned, r.tunedStopped)])
            }
            out += "Prompt `\(first.prompt)` (\(id)):\n\n" + table.rendered() + "\n"
        }
        return out
    }
}
