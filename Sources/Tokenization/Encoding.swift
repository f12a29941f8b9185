/// The model input for one text (or one text pair), as Hugging Face returns it from
/// `tokenizer(text, text_pair)`: `input_ids` and `token_type_ids`, without padding.
public struct Encoding: Equatable, Sendable {
    /// Token ids including the special tokens: `[CLS] a… [SEP]` or `[CLS] a… [SEP] b… [SEP]`.
    public var ids: [Int32]
    /// Segment ids, one per entry of `ids`: 0 for `[CLS]`, the first text and its `[SEP]`;
    /// 1 for the pair text and its closing `[SEP]`.
    public var typeIds: [Int32]

    public init(ids: [Int32], typeIds: [Int32]) {
        precondition(ids.count == typeIds.count, "Encoding: \(ids.count) ids but \(typeIds.count) type ids")
        self.ids = ids
        self.typeIds = typeIds
    }

    /// Number of tokens (the sequence length T).
    public var count: Int { ids.count }
}
