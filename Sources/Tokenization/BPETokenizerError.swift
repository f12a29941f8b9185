/// Why a byte-level BPE tokenizer could not be built. Every description names the source (the GGUF file's path, or
/// "in-memory vocabulary") and the offending token id, merge index or key. Missing or wrongly typed metadata keys
/// are reported as `GGUFError` by the metadata accessors.
public enum BPETokenizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The vocabulary has no entries.
    case emptyVocabulary(source: String)
    /// More tokens than `Int32` ids can number.
    case tooManyTokens(source: String, count: Int)
    /// Two ids spell the same token (after the byte-level respelling; see `BPETokenizer`). transformers would keep
    /// the later id silently; we refuse.
    case duplicateToken(source: String, token: String, id: Int, firstId: Int)
    /// Merge number `index` (0-based, its rank) is not two tokens separated by one space, names a token the
    /// vocabulary lacks, has a result the vocabulary lacks, or repeats an earlier merge.
    case invalidMerge(source: String, index: Int, merge: String, reason: String)
    /// `tokenizer.ggml.token_type` has another length than the vocabulary.
    case tokenTypeCount(source: String, count: Int, expected: Int)
    /// A token type outside 0…6 (undefined, normal, unknown, control, user-defined, unused, byte).
    case invalidTokenType(source: String, id: Int, type: Int)
    /// A special token id (`bos`, `eos`, `unknown`, `padding`) outside the vocabulary.
    case specialIdOutOfRange(source: String, name: String, id: Int, vocabularySize: Int)
    /// `tokenizer.ggml.model` is not `gpt2` (byte-level BPE).
    case unsupportedModel(source: String, model: String)
    /// `tokenizer.ggml.pre` names a pre-tokenizer whose split rule is not implemented (`supported` lists those that are).
    case unsupportedPreTokenizer(source: String, name: String, supported: String)

    public var description: String {
        switch self {
        case let .emptyVocabulary(source):
            return "\(source): the vocabulary is empty"
        case let .tooManyTokens(source, count):
            return "\(source): \(count) tokens, more than 2^31 - 1"
        case let .duplicateToken(source, token, id, firstId):
            return "\(source): token id \(id) \(TokenizerError.quoted(token)) repeats token id \(firstId)"
        case let .invalidMerge(source, index, merge, reason):
            return "\(source): merge \(index) \(TokenizerError.quoted(merge)): \(reason)"
        case let .tokenTypeCount(source, count, expected):
            return "\(source): tokenizer.ggml.token_type has \(count) entries for \(expected) tokens"
        case let .invalidTokenType(source, id, type):
            return "\(source): token id \(id) has token type \(type), outside 0...6"
        case let .specialIdOutOfRange(source, name, id, vocabularySize):
            return "\(source): \(name) token id \(id) is outside the vocabulary (0..<\(vocabularySize))"
        case let .unsupportedModel(source, model):
            return "\(source): tokenizer.ggml.model is \"\(model)\"; only \"gpt2\" (byte-level BPE) is supported"
        case let .unsupportedPreTokenizer(source, name, supported):
            return "\(source): tokenizer.ggml.pre \"\(name)\" is not supported (supported: \(supported))"
        }
    }
}
