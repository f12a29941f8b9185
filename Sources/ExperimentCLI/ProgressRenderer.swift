import Experiments
import Foundation
import Tasks

/// Renders runner events on stderr: a live progress line on a terminal (fitted to its width, see `ProgressLine`), one
/// plain line every few seconds otherwise. Every other message starts on a line of its own.
final class ProgressRenderer {
    private var lastPlain = Date.distantPast
    private var counter = ""
    private var runID = ""

    func handle(_ event: RunnerEvent) {
        switch event {
        case .taskReady(let summary):
            describe(summary)
        case let .runCached(i, n, r):
            let value = r.outcome.primaryValue.map { String(format: "%.4f", $0) } ?? "-"
            Console.info("[\(i)/\(n)] \(r.id): cached (\(r.outcome.status.rawValue), \(r.outcome.primaryMetric) \(value))")
        case let .runStarting(i, n, id, resume):
            counter = "[\(i)/\(n)]"
            runID = id
            Console.info("\(counter) \(id)" + (resume.map { ": resuming from step \($0)" } ?? ": training"))
        case let .runLocked(i, n, id):
            Console.info("[\(i)/\(n)] \(id): skipped, another process holds its lock")
        case .step(let p):
            show(p)
        case let .evaluation(id, step, metrics):
            let values = metrics.keys.sorted().map { "\($0) \(String(format: "%.4f", metrics[$0]!))" }
            Console.info("\(id) step \(step): validation " + values.joined(separator: ", "))
        case let .runFinished(_, _, r):
            Console.info("\(r.id): \(r.outcome.status.rawValue) after \(r.outcome.steps) steps in \(formatDuration(r.outcome.trainSeconds))")
        case .rankSearchDecided(let step):
            Console.info("rank search: \(step.candidate.label): \(step.decision.rawValue) — \(step.reason)")
        case .rankSearchEnded(let path):
            if let c = path.choice {
                Console.info("rank search: choice \(c.label) (\(c.trainableParameters) trainable LoRA parameters)")
            } else if let next = path.next {
                Console.info("rank search: not finished: it waits for \(next.label) (its runs are not selected by --only, or another process holds them)")
            } else {
                Console.info("rank search: no choice: the candidate it ended with failed")
            }
        case let .splitEvaluation(id, split, examples):
            Console.info("\(id): evaluating \(examples) \(split) examples (the report reads the \(split) split)")
        }
    }

    private func describe(_ summary: TaskSummary) {
        for split in summary.splits {
            var text = "task \(summary.task) \(split.split): \(split.examples) examples, mean \(String(format: "%.1f", split.meanTokens)) tokens"
            if let label = split.majorityLabel, let share = split.majorityBaseline {
                text += ", \(split.labelCounts.count) labels, majority \(label) = \(String(format: "%.1f", share * 100)) %"
            }
            Console.info(text)
            if let n = split.truncated, let max = split.maxTokens {
                // A generation task (no labels) cuts the target and drops its end-of-text token; a classifier's text keeps [CLS]/[SEP].
                let rule = summary.task == WordNetGloss.name
                    ? "(prompt + target + end-of-text) and their targets were cut to fit, without end-of-text"
                    : "([CLS]/[SEP] included) and were truncated to \(max)"
                Console.info("warning: \(n) of \(split.examples) \(split.split) examples are longer than maxTokens = \(max) tokens " + rule)
            }
        }
    }

    private func show(_ p: StepProgress) {
        let eta = p.step > 0 ? p.elapsed / Double(p.step) * Double(p.totalSteps - p.step) : 0
        let line = ProgressLine(counter: counter, runID: runID, step: p.step, totalSteps: p.totalSteps, loss: p.loss,
                                learningRate: p.learningRate, tokensPerSecond: p.tokensPerSecond, etaSeconds: eta)
        if Console.isTerminal {
            Console.status(line.rendered(columns: Console.columns))
        } else if Date().timeIntervalSince(lastPlain) >= 5 || p.step == p.totalSteps {
            Console.info(line.plain)
            lastPlain = Date()
        }
    }
}
