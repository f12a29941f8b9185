import Foundation
import Support

/// Options shared by the user-dataset loaders.
public struct UserDatasetOptions: Codable, Equatable, Sendable {
    /// Skip defective lines (counting them) instead of failing on the first one.
    public var skipInvalid: Bool
    /// The JSONL keys or TSV header columns to read; nil = the format's own layout (JSONL: `text`, or `text_a` and
    /// `text_b`, with `label`; TSV: MultiNLI's `sentence1`, `sentence2`, `gold_label`).
    public var fields: Fields?

    /// Where a dataset keeps its text, optional second segment and label (e.g. a Hugging Face export: `sentence`,
    /// no pair, `label` holding integers).
    public struct Fields: Codable, Equatable, Sendable {
        public var text: String
        public var textPair: String?
        public var label: String
        public init(text: String, textPair: String? = nil, label: String) {
            self.text = text; self.textPair = textPair; self.label = label
        }
    }

    public init(skipInvalid: Bool = false, fields: Fields? = nil) {
        self.skipInvalid = skipInvalid
        self.fields = fields
    }

    enum CodingKeys: String, CodingKey { case skipInvalid }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        skipInvalid = try c.decodeIfPresent(Bool.self, forKey: .skipInvalid) ?? false
    }
}

/// Machinery shared by `JSONLDataset` and `GLUETSVDataset`: reading lines, fixing the label set from train,
/// and assembling the three splits with `skipInvalid` accounting.
enum UserDataset {
    /// One physical line: 1-based number and bytes without the line terminator (`\n` or `\r\n`).
    struct Line {
        let number: Int
        let bytes: ArraySlice<UInt8>
        var isBlank: Bool { bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } }
    }

    /// A parsed example before label names are mapped to indices.
    struct Raw {
        let file: String
        let line: Int
        let id: String
        let text: String
        let textPair: String?
        let label: String
    }

    /// What one line yields.
    enum Outcome {
        case example(Raw)
        /// A row deliberately left out (MultiNLI's gold label "-"), not a defect.
        case excluded
        case defect(DataError)
    }

    /// The lines of a file, a UTF-8 byte-order mark removed, blank lines at the end dropped.
    static func lines(of url: URL) throws -> [Line] {
        guard FileManager.default.fileExists(atPath: url.path) else { throw DataError.missingFile(path: url.path) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw DataError.unreadableFile(path: url.path, reason: FileSystemError.readFailure(url.path)) }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var out: [Line] = []
        var start = 0, number = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            number += 1
            var stop = end
            if stop > start && bytes[stop - 1] == 0x0D { stop -= 1 }
            out.append(Line(number: number, bytes: bytes[start..<stop]))
            start = end + 1
        }
        while let last = out.last, last.isBlank { out.removeLast() }
        return out
    }

    /// The line as a String, or nil if it is not valid UTF-8.
    static func text(_ line: Line) -> String? {
        line.bytes.allSatisfy({ $0 < 0x80 }) ? String(decoding: line.bytes, as: UTF8.self)
            : String(validating: line.bytes, as: UTF8.self)
    }

    static func isBlank(_ s: String) -> Bool { s.allSatisfy { $0.isWhitespace } }

    /// The label order, from the set of training label names:
    /// 1. if every name is one of `entailment`, `neutral`, `contradiction`: that order (the GLUE / MultiNLI
    ///    convention, also `WordNetPairs.labels`);
    /// 2. else if every name is a decimal integer: numeric order (so labels 0, 1, 2 get indices 0, 1, 2);
    /// 3. else lexicographic order (Swift `String` comparison), independent of file order.
    static func orderedLabels(_ names: Set<String>) -> [String] {
        let nli = WordNetPairs.labels
        if names.allSatisfy({ nli.contains($0) }) { return nli.filter { names.contains($0) } }
        if names.allSatisfy({ Int($0) != nil }) { return names.sorted { Int($0)! < Int($1)! } }
        return names.sorted()
    }

    /// Builds the dataset from per-file outcomes (train first). Without `skipInvalid` the first defect is thrown
    /// (train, then validation, then test, each in line order); with it, defects are counted in `skipped`.
    /// Validation/test labels must occur in train (`unseenLabel` otherwise). A split file that yields no
    /// example is `noExamples`.
    static func assemble(name: String, train: (String, [Outcome]), validation: (String, [Outcome]),
                         test: (String, [Outcome])?, skipInvalid: Bool) throws
        -> (dataset: TextDataset, skipped: Int, excluded: [Split: Int]) {
        var skipped = 0
        var excluded: [Split: Int] = [.train: 0, .validation: 0, .test: 0]
        func usable(_ outcomes: [Outcome], _ split: Split, known: Set<String>?) throws -> [Raw] {
            var out: [Raw] = []
            for o in outcomes {
                switch o {
                case .excluded: excluded[split]! += 1
                case .defect(let e):
                    if skipInvalid { skipped += 1 } else { throw e }
                case .example(let r):
                    if let known, !known.contains(r.label) {
                        if skipInvalid { skipped += 1; continue }
                        throw DataError.unseenLabel(file: r.file, line: r.line, label: r.label)
                    }
                    out.append(r)
                }
            }
            return out
        }
        let trainRaw = try usable(train.1, .train, known: nil)
        guard !trainRaw.isEmpty else { throw DataError.noExamples(file: train.0) }
        let labels = orderedLabels(Set(trainRaw.map(\.label)))
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        let known = Set(labels)
        let validationRaw = try usable(validation.1, .validation, known: known)
        guard !validationRaw.isEmpty else { throw DataError.noExamples(file: validation.0) }
        var testRaw: [Raw] = []
        if let test {
            testRaw = try usable(test.1, .test, known: known)
            guard !testRaw.isEmpty else { throw DataError.noExamples(file: test.0) }
        }
        func examples(_ raws: [Raw]) -> [TextExample] {
            raws.map { TextExample(id: $0.id, text: $0.text, textPair: $0.textPair, label: index[$0.label]!) }
        }
        let ds = TextDataset(name: name, labels: labels, train: examples(trainRaw), validation: examples(validationRaw),
                             test: examples(testRaw))
        return (ds, skipped, excluded)
    }
}
