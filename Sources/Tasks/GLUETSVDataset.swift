import Foundation

/// User datasets in the MultiNLI / GLUE TSV layout.
///
/// The paper's Section 7 runs fine-tune on MultiNLI; a local copy (`train.tsv`, `dev_matched.tsv` of GLUE's MNLI,
/// or MultiNLI 1.0's `.txt` files) loads here. Layout: line 1 is a header of tab-separated column names that
/// must include `sentence1`, `sentence2` and `gold_label` (other columns are ignored; `pairID`, if present and
/// non-empty, becomes the example id, else `<file>:<line>`); every other line is one row with exactly as many
/// tab-separated columns as the header. There is no quoting: quote characters are ordinary text. `text` =
/// sentence1, `textPair` = sentence2, label = gold_label. Blank lines at the end of a file are ignored.
///
/// Rows whose `gold_label` is `-` (no annotator majority) are left out, as MultiNLI's README instructs; they
/// are not defects and are not counted in `skipped` — `loadDetailed` reports them per split as
/// `withoutGoldLabel`. Defects (`DataError`, naming the file path, 1-based line and column): a header without
/// a required column (`missingColumn`, not skippable), a wrong column count (`wrongColumnCount`), a blank row
/// (`malformedLine`), invalid UTF-8 (`invalidUTF8`), an empty sentence (`emptyText`), an empty gold label
/// (`missingField`), a validation/test label absent from train (`unseenLabel`). Labels are ordered by
/// `UserDataset.orderedLabels` (MNLI's three give entailment, neutral, contradiction).
///
/// With `options.fields` the header columns are chosen instead of `sentence1`, `sentence2`, `gold_label`: text
/// `fields.text`, second segment `fields.textPair` (none when nil: single-sentence tasks such as SST-2's
/// `sentence` / `label`), label `fields.label`. A label `-` is left out in either layout.
public enum GLUETSVDataset {
    public static let name = "glue-tsv"

    /// What `loadDetailed` returns.
    public struct LoadResult: Sendable {
        public let dataset: TextDataset
        /// Defective rows skipped under `skipInvalid`.
        public let skipped: Int
        /// Rows left out because their gold label is `-`, per split.
        public let withoutGoldLabel: [Split: Int]
    }

    public static func load(train: URL, validation: URL, test: URL?, options: UserDatasetOptions = UserDatasetOptions())
        throws -> (TextDataset, skipped: Int) {
        let r = try loadDetailed(train: train, validation: validation, test: test, options: options)
        return (r.dataset, r.skipped)
    }

    public static func loadDetailed(train: URL, validation: URL, test: URL?,
                                    options: UserDatasetOptions = UserDatasetOptions()) throws -> LoadResult {
        let fields = options.fields ?? UserDatasetOptions.Fields(text: "sentence1", textPair: "sentence2", label: "gold_label")
        func read(_ url: URL) throws -> (String, [UserDataset.Outcome]) { try Self.read(url, fields: fields) }
        let r = try UserDataset.assemble(name: name, train: try read(train), validation: try read(validation),
                                         test: try test.map(read), skipInvalid: options.skipInvalid)
        return LoadResult(dataset: r.dataset, skipped: r.skipped, withoutGoldLabel: r.excluded)
    }

    static func read(_ url: URL, fields: UserDatasetOptions.Fields) throws -> (String, [UserDataset.Outcome]) {
        let file = url.path
        let lines = try UserDataset.lines(of: url)
        guard let headerLine = lines.first else { throw DataError.noExamples(file: file) }
        guard let headerText = UserDataset.text(headerLine) else { throw DataError.invalidUTF8(file: file, line: headerLine.number) }
        let header = headerText.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        func column(_ name: String) throws -> Int {
            guard let i = header.firstIndex(of: name) else {
                throw DataError.missingColumn(file: file, line: headerLine.number, column: name)
            }
            return i
        }
        let s1 = try column(fields.text), s2 = try fields.textPair.map(column), gold = try column(fields.label)
        let pairID = header.firstIndex(of: "pairID")
        var outcomes: [UserDataset.Outcome] = []
        outcomes.reserveCapacity(lines.count - 1)
        for line in lines.dropFirst() {
            let n = line.number
            guard let text = UserDataset.text(line) else { outcomes.append(.defect(.invalidUTF8(file: file, line: n))); continue }
            if line.isBlank {
                outcomes.append(.defect(.malformedLine(file: file, line: n,
                    reason: "empty line (only empty lines at the end of the file are allowed)")))
                continue
            }
            let cols = text.split(separator: "\t", omittingEmptySubsequences: false)
            guard cols.count == header.count else {
                outcomes.append(.defect(.wrongColumnCount(file: file, line: n, expected: header.count, found: cols.count)))
                continue
            }
            let label = String(cols[gold])
            if label == "-" { outcomes.append(.excluded); continue }
            if UserDataset.isBlank(label) { outcomes.append(.defect(.missingField(file: file, line: n, field: fields.label))); continue }
            if UserDataset.isBlank(String(cols[s1])) { outcomes.append(.defect(.emptyText(file: file, line: n, field: fields.text))); continue }
            if let s2, UserDataset.isBlank(String(cols[s2])) {
                outcomes.append(.defect(.emptyText(file: file, line: n, field: fields.textPair!)))
                continue
            }
            let id = pairID.map { String(cols[$0]) }.flatMap { $0.isEmpty ? nil : $0 } ?? "\(file):\(n)"
            outcomes.append(.example(UserDataset.Raw(file: file, line: n, id: id, text: String(cols[s1]),
                                                     textPair: s2.map { String(cols[$0]) }, label: label)))
        }
        return (file, outcomes)
    }
}
