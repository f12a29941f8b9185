import Foundation

/// The live training line on a terminal, e.g.
/// `[████······] [2/6] qv-r8-d1-i1-bc5832a491  step 150/300  loss 2.7404  lr 1.39e-04  3450 tok/s  ETA 2m10s`.
///
/// `rendered(columns:)` keeps it within `columns − 1` characters so it never wraps: it drops, in this order, the
/// learning rate, the tokens per second, the run id (keeping `[2/6]`) and the loss, adds the bar only when room is left,
/// and cuts what still does not fit.
struct ProgressLine {
    /// `[2/6]`: the run's place in the grid.
    var counter: String
    var runID: String
    var step: Int
    var totalSteps: Int
    var loss: Double
    var learningRate: Double
    var tokensPerSecond: Double
    var etaSeconds: Double

    /// Bar cells at most, and the fewest worth drawing.
    static let barWidth = 24, minimumBarWidth = 10

    /// Every field, no bar: the line written every few seconds when stderr is not a terminal.
    var plain: String { layouts()[0].joined(separator: "  ") }

    func rendered(columns: Int) -> String {
        let limit = max(1, columns - 1)
        for fields in layouts() {
            let text = fields.joined(separator: "  ")
            if text.count <= limit { return withBar(text, limit: limit) }
        }
        return Console.fitted(layouts().last!.joined(separator: "  "), columns: columns)
    }

    /// The fields of each layout, richest first.
    private func layouts() -> [[String]] {
        let stepText = "step \(step)/\(totalSteps)"
        let lossText = String(format: "loss %.4f", loss)
        let lrText = String(format: "lr %.2e", learningRate)
        let speedText = String(format: "%.0f tok/s", tokensPerSecond)
        let etaText = "ETA " + formatDuration(etaSeconds)
        let run = "\(counter) \(runID)"
        return [[run, stepText, lossText, lrText, speedText, etaText], [run, stepText, lossText, speedText, etaText],
                [run, stepText, lossText, etaText], [counter, stepText, lossText, etaText], [counter, stepText, etaText],
                [stepText, etaText]]
    }

    /// `[███···] text` when at least `minimumBarWidth` cells fit beside the text, else the text alone.
    private func withBar(_ text: String, limit: Int) -> String {
        let cells = min(Self.barWidth, limit - text.count - 3)
        guard cells >= Self.minimumBarWidth else { return text }
        let share = totalSteps > 0 ? min(1, max(0, Double(step) / Double(totalSteps))) : 0
        let filled = Int(Double(cells) * share)
        return "[" + String(repeating: "█", count: filled) + String(repeating: "·", count: cells - filled) + "] " + text
    }
}
