import Foundation
import Support

/// One line of `results/<spec>/slurm/submissions.jsonl`: what one `experiment submit` handed to Slurm.
public struct SlurmSubmissionRecord: Codable, Equatable, Sendable {
    /// UTC time of the submission, ISO 8601 (`2026-12-06T23:40:00Z`).
    public var submitted: String
    public var arrayJob: String
    /// Nil when the report job could not be submitted.
    public var reportJob: String?
    /// Run ids by array task index.
    public var runs: [String]
    public var options: SlurmJobOptions

    public init(submitted: Date, arrayJob: String, reportJob: String?, runs: [String], options: SlurmJobOptions) {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        self.submitted = f.string(from: submitted)
        self.arrayJob = arrayJob
        self.reportJob = reportJob
        self.runs = runs
        self.options = options
    }

    /// Every record of `url` in file order; a missing file is no submissions.
    /// - Throws: `SlurmError.corruptRecord` naming the file, the line and the reason.
    public static func readAll(_ url: URL) throws -> [SlurmSubmissionRecord] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        var records: [SlurmSubmissionRecord] = []
        for (n, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            do {
                records.append(try JSONFile.decode(SlurmSubmissionRecord.self, from: Data(line.utf8), file: url.path))
            } catch let e as JSONFileError {
                throw SlurmError.corruptRecord(path: url.path, line: n + 1, reason: (e.field.map { "field '\($0)': " } ?? "") + e.reason)
            }
        }
        return records
    }

    /// Appends `self` as one line to `url` (the whole file is rewritten atomically).
    /// - Throws: `SlurmError.corruptRecord` when the existing file cannot be read back, `FileSystemError` when it
    ///   cannot be written.
    public func append(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let lines = try (Self.readAll(url) + [self]).map { String(decoding: try encoder.encode($0), as: UTF8.self) + "\n" }
        try AtomicFile.write(lines.joined(), to: url)
    }
}
