/// Classification metrics over a whole split (paper Sec 7 reports validation accuracy; macro-F1 guards against
/// a model that only learns the majority classes).
public struct ClassificationMetrics: Codable, Equatable, Sendable {
    public var accuracy: Double
    /// Unweighted mean over classes of F1 = 2·P·R/(P + R); classes absent from both predictions and labels are skipped.
    public var macroF1: Double
    public var loss: Double
    public var count: Int

    /// Metrics from predicted and true labels and the summed cross-entropy.
    public init(predictions: [Int], labels: [Int], classes: Int, lossSum: Double) {
        precondition(predictions.count == labels.count)
        count = labels.count
        var correct = 0
        var tp = [Int](repeating: 0, count: classes), fp = tp, fn = tp
        for (p, y) in zip(predictions, labels) {
            if p == y { correct += 1; tp[y] += 1 } else { fp[p] += 1; fn[y] += 1 }
        }
        accuracy = count == 0 ? 0 : Double(correct) / Double(count)
        var f1s: [Double] = []
        for c in 0..<classes where tp[c] + fp[c] + fn[c] > 0 {
            let denom = Double(2 * tp[c] + fp[c] + fn[c])
            f1s.append(denom == 0 ? 0 : Double(2 * tp[c]) / denom)
        }
        macroF1 = f1s.isEmpty ? 0 : f1s.reduce(0, +) / Double(f1s.count)
        loss = count == 0 ? 0 : lossSum / Double(count)
    }

    public var asDictionary: [String: Double] { ["accuracy": accuracy, "macro_f1": macroF1, "loss": loss] }
}
