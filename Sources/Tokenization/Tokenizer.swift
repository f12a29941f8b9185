/// Text to token ids for one checkpoint: what code that feeds any model family (datasets, `inspect`, `predict`, the
/// runner) needs from its tokenizer, without knowing whether it is BERT's WordPiece (`BertTokenizer`) or a byte-level
/// BPE (`BPETokenizer`).
///
/// Why a protocol: the tokenizer belongs to the checkpoint's family, but tokenized datasets, predictions and the
/// command line only encode texts, look tokens up and pad; each family's special-token layout stays in its own type.
public protocol Tokenizer: Sendable {
    /// Number of vocabulary entries (ids are `0..<vocabularySize`).
    var vocabularySize: Int { get }
    /// The vocabulary entry with this id. Precondition: `0 <= id < vocabularySize`.
    func token(for id: Int32) -> String
    /// The id of exactly this vocabulary entry, or nil.
    func id(for token: String) -> Int32?
    /// The ids of `text` with no special tokens added (Hugging Face `encode(text, add_special_tokens=False)`).
    func pieceIds(_ text: String) -> [Int32]
    /// The model input for `text` (and `pair`, when given and not empty) with the special tokens the checkpoint's
    /// tokenizer adds, cut to `maxLength` tokens when given, as Hugging Face's `tokenizer(text, text_pair,
    /// truncation=True, max_length=maxLength)` returns it.
    func encode(_ text: String, pair: String?, maxLength: Int?) -> Encoding
    /// The id that fills padding rows of a padded batch (never attended to).
    var padId: Int32 { get }
}

extension BertTokenizer: Tokenizer {}

extension BPETokenizer: Tokenizer {
    /// `encode(text)`'s ids (BOS/EOS as the tokenizer adds them), then, for a pair, the pair's `pieceIds` with type id 1
    /// (a decoder has no separator; its type ids are ignored), the whole kept to its first `maxLength` ids (a causal
    /// LM reads left to right, so the end is what is cut).
    public func encode(_ text: String, pair: String?, maxLength: Int?) -> Encoding {
        var ids = encode(text)
        var typeIds = [Int32](repeating: 0, count: ids.count)
        if let pair, !pair.isEmpty {
            let more = pieceIds(pair)
            ids += more
            typeIds += [Int32](repeating: 1, count: more.count)
        }
        if let maxLength, ids.count > max(0, maxLength) {
            ids.removeSubrange(max(0, maxLength)...)
            typeIds.removeSubrange(max(0, maxLength)...)
        }
        return Encoding(ids: ids, typeIds: typeIds)
    }

    /// The padding id the tokenizer names, else its end-of-sequence id, else 0: padding rows are masked out, so any
    /// id inside the vocabulary serves.
    public var padId: Int32 { specialIds.padding ?? specialIds.eos ?? 0 }
}
