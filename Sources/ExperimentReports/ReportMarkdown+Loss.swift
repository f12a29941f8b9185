import Analysis
import Foundation

extension ReportMarkdown {
    /// The primary metric of a causal LM's runs: the mean target-token cross-entropy on the validation split.
    static let lossMetric = "loss"
    /// Its exponential, recorded beside it (`accuracy.csv`'s `perplexity` column).
    static let perplexityMetric = "perplexity"

    /// Table 6's shape for a causal LM: validation loss and perplexity by rank. The paper's Table 6 reports accuracies
    /// of GPT-3 on WikiSQL / MultiNLI, which a loss cannot sit beside, so its rows are not printed here.
    static func lossByRank(_ v: AccuracyView, _ env: SectionEnvironment) -> String {
        var table = MarkdownTable(header: ["Setting", "Weight types"] + v.ranks.map { "r = \($0)" },
                                  alignments: [.left, .left] + v.ranks.map { _ in .right })
        for t in v.targetSets {
            table.append([oursLabel(env.context), t] + v.ranks.map { r in v.groups[t]?[r].map { metric($0, percent: false) } ?? dash })
            table.append(["perplexity, exp(loss) of each run's loss", t] + v.ranks.map { r in
                let values = v.rows.filter { $0.isFinished && $0.targets == t && $0.rank == r }
                    .compactMap { $0.extras[perplexityMetric] }
                return values.isEmpty ? dash : metric(SeedSummary(values), percent: false)
            })
        }
        var out = "Validation loss — the mean cross-entropy of the target tokens given the prompt, −(1/M)·Σ log P(y_t | x, y_<t) "
            + "(Sec 2), lower is better — mean ± sample std over seeds (n = number of seeds), and the perplexity exp(loss). α is "
            + "fixed while r varies, as in the paper. The paper's Table 6 gives GPT-3's accuracies on WikiSQL and MultiNLI, which "
            + "a loss cannot be set beside; the shape to compare is how little the value changes with r.\n\n"
        out += table.rendered() + "\n" + baseModelLine(env.context) + accuracyFootnotes(v)
        if let fig = figure(ReportFigures.accuracyName, alt: "validation \(v.metric) vs rank", env) { out += "\n" + fig }
        return out
    }

    /// "Before fine-tuning, the base model's validation loss is … (perplexity …)." when the runner recorded it.
    static func baseModelLine(_ context: ReportContext?) -> String {
        guard let base = context?.baseValidation, let loss = base[lossMetric] else { return "" }
        return "Before fine-tuning, the base model (no adapter) has validation loss \(g4(loss))"
            + (base[perplexityMetric].map { " (perplexity \(g4($0)))" } ?? "") + " on the same examples.\n"
    }
}
