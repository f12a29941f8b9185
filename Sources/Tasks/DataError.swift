/// Every defect the `Tasks` module reports about input data or options.
///
/// Cases about file contents name the file, the 1-based line number (counting every physical line, including
/// WordNet's license header and any blank lines) and, where one applies, the field or column. `file` is the
/// file name for WordNet database files (the folder is fixed by `WordNet.locateDatabase`) and the path as given
/// for user datasets. `description` reads like a compiler diagnostic:
/// `data.noun:1234: field 'w_cnt': expected 2 hex digits, got "zz"`.
public enum DataError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A line whose overall shape is wrong (no gloss separator, stray fields, blank line mid-file, ...).
    case malformedLine(file: String, line: Int, reason: String)
    /// A field of a WordNet data line that does not have its documented format (`man 5 wndb`).
    case badField(file: String, line: Int, field: String, expected: String, found: String)
    /// A JSONL line that is not one well-formed JSON object.
    case badJSON(file: String, line: Int, reason: String)
    /// A required field (JSONL key, TSV column value) is absent.
    case missingField(file: String, line: Int, field: String)
    /// A JSONL field has a JSON type other than the one required (e.g. `"label": 1.5`).
    case wrongType(file: String, line: Int, field: String, expected: String, found: String)
    /// A validation/test label that never occurs in the training file (the label set is fixed by train).
    case unseenLabel(file: String, line: Int, label: String)
    /// A text field that is empty or whitespace only.
    case emptyText(file: String, line: Int, field: String)
    /// A line that is not valid UTF-8.
    case invalidUTF8(file: String, line: Int)
    /// A TSV row whose number of tab-separated columns differs from the header's.
    case wrongColumnCount(file: String, line: Int, expected: Int, found: Int)
    /// A TSV header (line 1) without a required column.
    case missingColumn(file: String, line: Int, column: String)
    /// A file that does not exist.
    case missingFile(path: String)
    /// A file that exists but could not be read.
    case unreadableFile(path: String, reason: String)
    /// A split file that yields no usable example (after skipping, if allowed).
    case noExamples(file: String)
    /// No WordNet database folder was found; `searched` lists every place tried, in order.
    case wordnetNotFound(searched: [String])
    /// An option value that cannot be honoured (negative cap, part of speech not loaded, ...).
    case invalidOption(field: String, reason: String)

    public var description: String {
        switch self {
        case let .malformedLine(file, line, reason):
            return "\(file):\(line): \(reason)"
        case let .badField(file, line, field, expected, found):
            return "\(file):\(line): field '\(field)': expected \(expected), got \(quoted(found))"
        case let .badJSON(file, line, reason):
            return "\(file):\(line): invalid JSON: \(reason)"
        case let .missingField(file, line, field):
            return "\(file):\(line): field '\(field)': missing"
        case let .wrongType(file, line, field, expected, found):
            return "\(file):\(line): field '\(field)': expected \(expected), got \(found)"
        case let .unseenLabel(file, line, label):
            return "\(file):\(line): field 'label': label \(quoted(label)) does not occur in the training file"
        case let .emptyText(file, line, field):
            return "\(file):\(line): field '\(field)': empty text"
        case let .invalidUTF8(file, line):
            return "\(file):\(line): invalid UTF-8"
        case let .wrongColumnCount(file, line, expected, found):
            return "\(file):\(line): expected \(expected) tab-separated columns (as in the header), found \(found)"
        case let .missingColumn(file, line, column):
            return "\(file):\(line): header has no column '\(column)'"
        case let .missingFile(path):
            return "\(path): no such file"
        case let .unreadableFile(path, reason):
            return "\(path): cannot be read: \(reason)"
        case let .noExamples(file):
            return "\(file): no usable examples"
        case let .wordnetNotFound(searched):
            return "WordNet database not found; searched: " + searched.joined(separator: "; ")
                + " (install Debian's wordnet-base or pass the folder holding data.noun)"
        case let .invalidOption(field, reason):
            return "option '\(field)': \(reason)"
        }
    }
}

/// `"text"` with quotes and backslashes escaped, long values shortened, for error messages.
private func quoted(_ s: String) -> String {
    let short = s.count > 60 ? String(s.prefix(57)) + "..." : s
    var out = "\""
    for ch in short.unicodeScalars {
        switch ch {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default: out.unicodeScalars.append(ch)
        }
    }
    return out + "\""
}
