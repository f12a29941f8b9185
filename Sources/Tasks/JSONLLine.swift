/// The fields of one JSONL line, read with `DataError`s that name the file, the line and the key.
struct JSONLLine {
    let obj: [String: JSONValue]
    let file: String
    let line: Int

    /// A non-blank string at `key`, nil when the key is absent.
    func string(_ key: String) throws -> String? {
        guard let v = obj[key] else { return nil }
        guard case .string(let s) = v else { throw DataError.wrongType(file: file, line: line, field: key, expected: "a string", found: v.typeName) }
        if UserDataset.isBlank(s) { throw DataError.emptyText(file: file, line: line, field: key) }
        return s
    }

    func required(_ key: String) throws -> String {
        guard let s = try string(key) else { throw DataError.missingField(file: file, line: line, field: key) }
        return s
    }

    /// (text, textPair): from `fields` when given, else `text` or the `text_a` + `text_b` pair (not both forms).
    func texts(_ fields: UserDatasetOptions.Fields?) throws -> (String, String?) {
        if let fields { return (try required(fields.text), try fields.textPair.map(required)) }
        if obj["text"] != nil {
            if obj["text_a"] != nil || obj["text_b"] != nil {
                throw DataError.malformedLine(file: file, line: line, reason: "both 'text' and 'text_a'/'text_b' given; use one form")
            }
            return (try required("text"), nil)
        }
        if obj["text_a"] == nil && obj["text_b"] == nil { throw DataError.missingField(file: file, line: line, field: "text") }
        return (try required("text_a"), try required("text_b"))
    }

    /// The label at `key`: a non-blank string, or an integer written as its decimal name.
    func label(_ key: String) throws -> String {
        guard let v = obj[key] else { throw DataError.missingField(file: file, line: line, field: key) }
        switch v {
        case .string(let s):
            if UserDataset.isBlank(s) { throw DataError.emptyText(file: file, line: line, field: key) }
            return s
        case .integer(let raw): return Int(raw).map(String.init) ?? raw
        default: throw DataError.wrongType(file: file, line: line, field: key, expected: "a string or an integer", found: v.typeName)
        }
    }

    /// `id` or `idx` (string or integer), else `<file>:<line>`.
    func id() throws -> String {
        for key in ["id", "idx"] {
            guard let v = obj[key] else { continue }
            switch v {
            case .string(let s): return s
            case .integer(let raw): return raw
            default: throw DataError.wrongType(file: file, line: line, field: key, expected: "a string or an integer", found: v.typeName)
            }
        }
        return "\(file):\(line)"
    }
}
