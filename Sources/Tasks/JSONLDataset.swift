import Foundation

/// User datasets as JSON Lines: one JSON object per line, per split file.
///
/// Each line is an object with either
/// - `"text"` (a string) — a single-text example, or
/// - `"text_a"` and `"text_b"` (strings) — a sentence pair (`text`, `textPair`);
///
/// plus `"label"`, a string or an integer (an integer is a label name too: `1` and `"1"` are the same label).
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
            return (file, try UserDataset.lines(of: url).map { parse($0, file: file) })
        }
        let r = try UserDataset.assemble(name: name, train: try read(train), validation: try read(validation),
                                         test: try test.map(read), skipInvalid: options.skipInvalid)
        return (r.dataset, r.skipped)
    }

    static func parse(_ line: UserDataset.Line, file: String) -> UserDataset.Outcome {
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
        func string(_ key: String) -> Result<String?, DataError> {
            guard let v = obj[key] else { return .success(nil) }
            guard case .string(let s) = v else {
                return .failure(.wrongType(file: file, line: n, field: key, expected: "a string", found: v.typeName))
            }
            if UserDataset.isBlank(s) { return .failure(.emptyText(file: file, line: n, field: key)) }
            return .success(s)
        }
        do {
            let text: String, pair: String?
            if obj["text"] != nil {
                if obj["text_a"] != nil || obj["text_b"] != nil {
                    return .defect(.malformedLine(file: file, line: n,
                        reason: "both 'text' and 'text_a'/'text_b' given; use one form"))
                }
                text = try string("text").get()!
                pair = nil
            } else {
                if obj["text_a"] == nil && obj["text_b"] == nil { return .defect(.missingField(file: file, line: n, field: "text")) }
                guard let a = try string("text_a").get() else { return .defect(.missingField(file: file, line: n, field: "text_a")) }
                guard let b = try string("text_b").get() else { return .defect(.missingField(file: file, line: n, field: "text_b")) }
                text = a
                pair = b
            }
            guard let labelValue = obj["label"] else { return .defect(.missingField(file: file, line: n, field: "label")) }
            let label: String
            switch labelValue {
            case .string(let s):
                if UserDataset.isBlank(s) { return .defect(.emptyText(file: file, line: n, field: "label")) }
                label = s
            case .integer(let raw): label = Int(raw).map(String.init) ?? raw
            default:
                return .defect(.wrongType(file: file, line: n, field: "label", expected: "a string or an integer",
                                          found: labelValue.typeName))
            }
            var id = "\(file):\(n)"
            for key in ["id", "idx"] {
                guard let v = obj[key] else { continue }
                switch v {
                case .string(let s): id = s
                case .integer(let raw): id = raw
                default:
                    return .defect(.wrongType(file: file, line: n, field: key, expected: "a string or an integer", found: v.typeName))
                }
                break
            }
            return .example(UserDataset.Raw(file: file, line: n, id: id, text: text, textPair: pair, label: label))
        } catch {
            return .defect(error)  // typed: `Result<_, DataError>.get()` throws DataError
        }
    }
}
