import Foundation

/// User datasets as JSON Lines: one JSON object per line, per split file.
///
/// Each line is an object with either
/// - `"text"` (a string) — a single-text example, or
/// - `"text_a"` and `"text_b"` (strings) — a sentence pair (`text`, `textPair`);
///
/// plus `"label"`, a string or an integer (an integer is a label name too: `1` and `"1"` are the same label).
/// With `options.fields` the keys are chosen instead: the text is `fields.text` (a string, required), the second
/// segment `fields.textPair` (required when named, else none) and the label `fields.label` — so a Hugging Face
/// export such as `{"sentence": "…", "label": 1, "idx": 0}` loads with `textField` "sentence".
/// Optional `"id"` / `"idx"` (string or integer) becomes the example id, else `<file>:<line>`. Other keys are
/// ignored. The label set is the set of training labels, ordered by `UserDataset.orderedLabels`
/// (NLI order, else numeric if all are integers, else lexicographic); a validation/test label absent from
/// train is an error. Blank lines at the end of a file are ignored; any other blank line is a defect.
///
/// Defects, each a `DataError` naming the file (path as given), the 1-based line and the field:
/// invalid UTF-8 (`invalidUTF8`), not one JSON object (`badJSON`, also for blank lines and duplicate keys),
/// a missing field (`missingField`: `text` when neither form is present, else `text_a`/`text_b`/`label`),
/// a wrong JSON type (`wrongType`), both `text` and `text_a`/`text_b` (`malformedLine`), an empty or
/// whitespace-only text or label (`emptyText`), an unseen label (`unseenLabel`). Without `skipInvalid` the first
/// defect is thrown; with it every defective line is skipped and counted in `skipped`.
public enum JSONLDataset {
    public static let name = "jsonl"

    public static func load(train: URL, validation: URL, test: URL?, options: UserDatasetOptions = UserDatasetOptions())
        throws -> (TextDataset, skipped: Int) {
        func read(_ url: URL) throws -> (String, [UserDataset.Outcome]) {
            let file = url.path
            return (file, try UserDataset.lines(of: url).map { parse($0, file: file, fields: options.fields) })
        }
        let r = try UserDataset.assemble(name: name, train: try read(train), validation: try read(validation),
                                         test: try test.map(read), skipInvalid: options.skipInvalid)
        return (r.dataset, r.skipped)
    }

    static func parse(_ line: UserDataset.Line, file: String, fields: UserDatasetOptions.Fields? = nil) -> UserDataset.Outcome {
        let n = line.number
        guard UserDataset.text(line) != nil else { return .defect(.invalidUTF8(file: file, line: n)) }
        if line.isBlank {
            return .defect(.badJSON(file: file, line: n, reason: "empty line (only empty lines at the end of the file are allowed)"))
        }
        let value: JSONValue
        do { value = try JSONValue.parse(line.bytes) } catch let e as JSONValue.ParseError {
            return .defect(.badJSON(file: file, line: n, reason: e.reason))
        } catch { return .defect(.badJSON(file: file, line: n, reason: "\(error)")) }
        guard case .object(let obj) = value else {
            return .defect(.badJSON(file: file, line: n, reason: "expected a JSON object, got \(value.typeName)"))
        }
        let line = JSONLLine(obj: obj, file: file, line: n)
        do {
            let (text, pair) = try line.texts(fields)
            let label = try line.label(fields?.label ?? "label")
            let id = try line.id()
            return .example(UserDataset.Raw(file: file, line: n, id: id, text: text, textPair: pair, label: label))
        } catch let e as DataError {
            return .defect(e)
        } catch { return .defect(.badJSON(file: file, line: n, reason: "\(error)")) }
    }
}
