import Foundation
import Support

/// `<run>/<split>.json`: a finished run's metrics on a split other than validation (`experiment evaluate`), which the
/// accuracy rows read when the spec's `analyses.accuracySplit` is that split.
public struct SplitMetricsFile: Codable, Equatable, Sendable {
    public let split: String
    public let examples: Int
    public let accuracy: Double
    public let macroF1: Double
    public let loss: Double
    enum CodingKeys: String, CodingKey { case split, examples, accuracy, loss, macroF1 = "macro_f1" }

    public init(split: String, examples: Int, accuracy: Double, macroF1: Double, loss: Double) {
        self.split = split; self.examples = examples; self.accuracy = accuracy; self.macroF1 = macroF1; self.loss = loss
    }

    public static func url(run directory: URL, split: String) -> URL { directory.appendingPathComponent("\(split).json") }

    /// The metrics of the run folder `directory` on `split`, or nil when it has no such file.
    /// - Throws: `ReportError.invalidInput` naming the file when it is not valid JSON of this shape or names another split.
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
        return file
    }
}
