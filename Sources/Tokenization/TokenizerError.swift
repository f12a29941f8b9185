/// Why a tokenizer could not be built. Every description names the file (or says the vocabulary was
/// given in memory) and the offending line or token.
public enum TokenizerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The checkpoint directory has no `vocab.txt`.
    case missingVocabularyFile(path: String)
    /// A file exists but could not be read.
    case unreadableFile(path: String, reason: String)
    /// A vocabulary line is not valid UTF-8 (`line` is 1-based; the token's id would be `line - 1`).
    case invalidUTF8(path: String, line: Int)
    /// The vocabulary has no entries.
    case emptyVocabulary(source: String)
    /// `token` occurs twice (1-based lines, or "entries" for an in-memory vocabulary). Hugging Face's
    /// `load_vocab` would silently keep the later id; we refuse instead.
    case duplicateToken(token: String, line: Int, firstLine: Int, source: String)
    /// A special token the BERT format needs (`[PAD]`, `[UNK]`, `[CLS]`, `[SEP]`, `[MASK]`) is not in the vocabulary.
    case missingSpecialToken(token: String, source: String)
    /// `tokenizer_config.json` is not a JSON object, has a wrongly typed key, or asks for something unsupported.
    case invalidConfiguration(path: String, key: String?, reason: String)

    public var description: String {
        switch self {
        case .missingVocabularyFile(let path):
            return "vocabulary file \(path) does not exist (a BERT checkpoint directory needs vocab.txt)"
        case .unreadableFile(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .invalidUTF8(let path, let line):
            return "\(path), line \(line): not valid UTF-8"
        case .emptyVocabulary(let source):
            return "\(source): the vocabulary is empty"
        case .duplicateToken(let token, let line, let firstLine, let source):
            return "\(source), line \(line): duplicate token \(Self.quoted(token)) (first at line \(firstLine))"
        case .missingSpecialToken(let token, let source):
            return "\(source): special token \(token) is missing from the vocabulary"
        case .invalidConfiguration(let path, let key, let reason):
            if let key { return "\(path), key \"\(key)\": \(reason)" }
            return "\(path): \(reason)"
        }
    }

    /// The token in quotes with invisible scalars spelled out (`\u{200B}`), so messages stay readable.
    static func quoted(_ token: String) -> String {
        var out = "\""
        for s in token.unicodeScalars {
            if s.value < 0x20 || s.value == 0x7F || s == "\"" || s == "\\" || s.properties.generalCategory == .format
                || s.properties.isWhitespace {
                out += "\\u{\(String(s.value, radix: 16, uppercase: true))}"
            } else {
                out.unicodeScalars.append(s)
            }
        }
        return out + "\""
    }
}
