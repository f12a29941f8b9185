import Foundation
import Support

/// `<run>/<split>.json`: a finished run's metrics on a split other than validation (`experiment evaluate`), which the
/// accuracy rows read when the spec's `analyses.accuracySplit` is that split.
///
/// `correct` (optional: files written before it existed lack it) is one character per example of the split, in the
/// task's order of that split: "1" when the run classified it correctly, "0" otherwise. Two runs of one spec are scored
/// on the same examples in the same order, so their strings pair example for example (`AccuracyPairs`).
public struct SplitMetricsFile: Codable, Equatable, Sendable {
    public let split: String
    public let examples: Int
    public let accuracy: Double
    public let macroF1: Double
    public let loss: Double
    public let correct: String?
    enum CodingKeys: String, CodingKey { case split, examples, accuracy, loss, correct, macroF1 = "macro_f1" }

    public init(split: String, examples: Int, accuracy: Double, macroF1: Double, loss: Double, correct: String? = nil) {
        self.split = split; self.examples = examples; self.accuracy = accuracy; self.macroF1 = macroF1; self.loss = loss
        self.correct = correct
    }

    /// The "0"/"1" string of per-example correctness (`correct`).
    public static func correctString(_ correct: [Bool]) -> String { String(correct.map { $0 ? "1" : "0" }) }

    /// `correct` as booleans, nil when the file has none.
    public var correctness: [Bool]? { correct.map { $0.utf8.map { $0 == UInt8(ascii: "1") } } }

    public static func url(run directory: URL, split: String) -> URL { directory.appendingPathComponent("\(split).json") }

    /// The metrics of the run folder `directory` on `split`, or nil when it has no such file.
    /// - Throws: `ReportError.invalidInput` naming the file when it is not valid JSON of this shape, names another split,
    ///   or its `correct` is not `examples` characters of "0"/"1" whose share of "1" is `accuracy`.
    public static func read(run directory: URL, split: String) throws -> SplitMetricsFile? {
        let url = url(run: directory, split: split)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let file: SplitMetricsFile
        do { file = try JSONDecoder().decode(SplitMetricsFile.self, from: try Data(contentsOf: url)) } catch {
            throw ReportError.invalidInput(file: url.path, reason: "not a split-metrics file (split, examples, accuracy, macro_f1, loss): \(error)")
        }
        guard file.split == split else {
            throw ReportError.invalidInput(file: url.path, reason: "field 'split' is '\(file.split)', expected '\(split)'")
        }
        if let reason = file.correctProblem { throw ReportError.invalidInput(file: url.path, reason: reason) }
        return file
    }

    /// Why `correct` does not fit the other fields, or nil when it is absent or fits.
    var correctProblem: String? {
        guard let correct else { return nil }
        let bytes = Array(correct.utf8)
        guard bytes.count == examples else {
            return "field 'correct' has \(bytes.count) characters, expected one per example (\(examples))"
        }
        guard bytes.allSatisfy({ $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "1") }) else {
            return "field 'correct' may hold only the characters 0 and 1"
        }
        let ones = bytes.filter { $0 == UInt8(ascii: "1") }.count
        guard examples > 0, abs(Double(ones) / Double(examples) - accuracy) < 0.5 / Double(examples) else {
            return "field 'correct' marks \(ones) of \(examples) examples correct, which is not the field 'accuracy' (\(accuracy))"
        }
        return nil
    }
}
