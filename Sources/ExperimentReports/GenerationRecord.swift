import Foundation
import Support

/// `generations.json` in a generation run's folder: greedy continuations of fixed validation prompts by the base model
/// (no adapter) and by the run's fine-tuned model, written by the runner when the run finishes, so `experiment report`
/// shows them without loading the model (and rebuilds byte for byte).
public struct GenerationRecord: Codable, Equatable, Sendable {
    /// One validation prompt and its continuations. Texts are decoded token ids; the end-of-text token that stops a
    /// continuation is not part of its text (`stopped` says whether it came).
    public struct Entry: Codable, Equatable, Sendable {
        /// The example's id (a WordNet synset key such as `n02084071`).
        public var id: String
        public var prompt: String
        /// The target the model was trained towards (the gloss, without end-of-text).
        public var reference: String
        /// The base model's greedy continuation.
        public var base: String
        public var baseStopped: Bool
        /// The fine-tuned model's greedy continuation (W + ΔW of this run).
        public var tuned: String
        public var tunedStopped: Bool

        public init(id: String, prompt: String, reference: String, base: String, baseStopped: Bool, tuned: String, tunedStopped: Bool) {
            self.id = id; self.prompt = prompt; self.reference = reference
            self.base = base; self.baseStopped = baseStopped; self.tuned = tuned; self.tunedStopped = tunedStopped
        }
    }

    /// The longest continuation generated, in tokens.
    public var maxNewTokens: Int
    public var entries: [Entry]

    public init(maxNewTokens: Int, entries: [Entry]) {
        self.maxNewTokens = maxNewTokens
        self.entries = entries
    }

    public static let fileName = "generations.json"

    /// Writes `generations.json` into `directory` (pretty, sorted keys: the same bytes for the same values).
    public func write(to directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(self) + Data("\n".utf8), to: directory.appendingPathComponent(Self.fileName))
    }

    /// The record in a run folder, or nil when the folder has none.
    /// - Throws: `ReportError.invalidInput` naming the file when it exists but is not a record.
    public static func read(from directory: URL) throws -> GenerationRecord? {
        let url = directory.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        do { return try JSONDecoder().decode(GenerationRecord.self, from: data) } catch {
            throw ReportError.invalidInput(file: url.path, reason: "not a generations record: \(error)")
        }
    }
}
