import Foundation

/// A tokenizer that gives exactly what Hugging Face's `BertTokenizer` (transformers 5, i.e. the `tokenizers`-backed
/// one: `BertNormalizer` + `BertPreTokenizer` + `WordPiece` + the `[CLS] A [SEP] B [SEP]` template) gives for the
/// same vocabulary and options. Checked against `Tests/Fixtures/tokenizer-cases.json`.
///
/// Pipeline: special-token split → normalize (`BertTokenizer+Basic.swift`) → pre-tokenize → WordPiece
/// (`BertTokenizer+WordPiece.swift`) → template and truncation (`encode`).
public struct BertTokenizer: Sendable {
    /// Lower-case the text (`do_lower_case`).
    public let lowercase: Bool
    /// Strip accents (NFD, drop Mn); `nil` means "as `lowercase`", like Hugging Face's `strip_accents=None`.
    public let stripAccents: Bool?
    /// Surround CJK ideographs with spaces (`tokenize_chinese_chars`).
    public let tokenizeChineseChars: Bool

    public let padId: Int32
    public let clsId: Int32
    public let sepId: Int32
    public let unkId: Int32
    public let maskId: Int32

    /// id → token.
    let tokens: [String]
    let trie: VocabularyTrie
    /// The trie node after "##", where continuation pieces are looked up (nil if no entry starts with "##").
    let continuationNode: Int32?
    /// The special tokens matched in raw text before normalization, as scalars, with their ids.
    let specialTokens: [(scalars: [UInt32], id: Int32)]
    let specialFirstScalars: Set<UInt32>

    /// The special tokens of the BERT format; all must be in the vocabulary.
    public static let specialTokenNames = (pad: "[PAD]", unk: "[UNK]", cls: "[CLS]", sep: "[SEP]", mask: "[MASK]")

    /// Builds a tokenizer from the vocabulary in id order (id = index).
    ///
    /// - Throws: `TokenizerError.emptyVocabulary`, `.duplicateToken` (1-based positions) or `.missingSpecialToken`.
    public init(vocabulary: [String], lowercase: Bool = true, stripAccents: Bool? = nil,
                tokenizeChineseChars: Bool = true) throws {
        try self.init(vocabulary: vocabulary, lowercase: lowercase, stripAccents: stripAccents,
                      tokenizeChineseChars: tokenizeChineseChars, source: "in-memory vocabulary")
    }

    init(vocabulary: [String], lowercase: Bool, stripAccents: Bool?, tokenizeChineseChars: Bool, source: String) throws {
        guard !vocabulary.isEmpty else { throw TokenizerError.emptyVocabulary(source: source) }
        guard vocabulary.count <= Int(Int32.max) else {
            throw TokenizerError.invalidConfiguration(path: source, key: nil, reason: "more than 2^31-1 tokens")
        }
        var trie = VocabularyTrie()
        for (index, token) in vocabulary.enumerated() {
            if let first = trie.insert(token.utf8, id: Int32(index)) {
                throw TokenizerError.duplicateToken(token: token, line: index + 1, firstLine: Int(first) + 1, source: source)
            }
        }
        func special(_ name: String) throws -> Int32 {
            guard let node = trie.walk(name.utf8), let id = trie.id(at: node) else {
                throw TokenizerError.missingSpecialToken(token: name, source: source)
            }
            return id
        }
        let names = Self.specialTokenNames
        padId = try special(names.pad)
        unkId = try special(names.unk)
        clsId = try special(names.cls)
        sepId = try special(names.sep)
        maskId = try special(names.mask)
        specialTokens = [(names.pad, padId), (names.unk, unkId), (names.cls, clsId), (names.sep, sepId),
                         (names.mask, maskId)].map { (Array($0.0.unicodeScalars.map(\.value)), $0.1) }
        specialFirstScalars = Set(specialTokens.compactMap(\.scalars.first))
        continuationNode = trie.walk(Self.continuingSubwordPrefix.utf8)
        self.trie = trie
        self.tokens = vocabulary
        self.lowercase = lowercase
        self.stripAccents = stripAccents
        self.tokenizeChineseChars = tokenizeChineseChars
    }

    /// Number of vocabulary entries (ids are `0..<vocabularySize`).
    public var vocabularySize: Int { tokens.count }

    /// The vocabulary entry with this id. Precondition: `0 <= id < vocabularySize`.
    public func token(for id: Int32) -> String {
        precondition(id >= 0 && Int(id) < tokens.count, "token id \(id) outside the vocabulary (0..<\(tokens.count))")
        return tokens[Int(id)]
    }

    /// The id of exactly this vocabulary entry (code point for code point; no normalization), or nil.
    public func id(for token: String) -> Int32? {
        trie.walk(token.utf8).flatMap { trie.id(at: $0) }
    }

    /// The word pieces of `text`, without `[CLS]`/`[SEP]` — Hugging Face `tokenizer.tokenize(text)`.
    public func tokenize(_ text: String) -> [String] {
        var ids: [Int32] = []
        appendIds(of: text, to: &ids)
        return ids.map { tokens[Int($0)] }
    }

    /// The ids of `text`'s word pieces, without `[CLS]`/`[SEP]` (Hugging Face `encode(text, add_special_tokens=False)`).
    public func pieceIds(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        appendIds(of: text, to: &ids)
        return ids
    }

    /// Hugging Face `tokenizer(text, text_pair, truncation=True, max_length=maxLength)` (no truncation when
    /// `maxLength` is nil): `[CLS] a [SEP]`, or `[CLS] a [SEP] b [SEP]` with type ids 0…0 1…1.
    ///
    /// - `pair`: an empty string counts as no pair, as in transformers (`[(text, text_pair)] if text_pair else [text]`).
    /// - Truncation is `tokenizers`' `LongestFirst` on the budget `maxLength − 2` (single) or `maxLength − 3` (pair):
    ///   a single text keeps its first `budget` pieces. For a pair with lengths `n1 ≤ n2` (shorter first) that do not
    ///   fit: the longer keeps `max(n1, budget − n1)`; if that still does not fit, the shorter keeps `budget / 2` and
    ///   the longer `budget / 2 + budget % 2` (on equal lengths the first text is "the shorter"). This is what
    ///   transformers 5 returns; it is not the one-token-at-a-time loop of the old Python tokenizer, which can give
    ///   the extra token to the other text (e.g. 5 + 5 pieces into a budget of 5: here 2 + 3, there 3 + 2).
    /// - `maxLength` smaller than the special tokens (2 or 3): Hugging Face fails to configure truncation and encodes
    ///   with whatever truncation it had before; here the budget is clamped to 0 (special tokens only).
    public func encode(_ text: String, pair: String? = nil, maxLength: Int? = nil) -> Encoding {
        var a: [Int32] = []
        appendIds(of: text, to: &a)
        var b: [Int32]?
        if let pair, !pair.isEmpty {
            var ids: [Int32] = []
            appendIds(of: pair, to: &ids)
            b = ids
        }
        if let maxLength {
            precondition(maxLength >= 0, "maxLength must not be negative (got \(maxLength))")
            let budget = max(0, maxLength - (b == nil ? 2 : 3))
            let (na, nb) = Self.longestFirstLengths(a.count, b?.count, budget: budget)
            a.removeSubrange(na...)
            if let nb { b!.removeSubrange(nb...) }
        }
        var ids = [clsId]
        ids.reserveCapacity(a.count + (b?.count ?? 0) + 3)
        ids += a
        ids.append(sepId)
        var typeIds = [Int32](repeating: 0, count: ids.count)
        if let b {
            ids += b
            ids.append(sepId)
            typeIds += [Int32](repeating: 1, count: b.count + 1)
        }
        return Encoding(ids: ids, typeIds: typeIds)
    }

    /// Lengths kept by `tokenizers`' `truncate_encodings` with `TruncationStrategy::LongestFirst` (see `encode`).
    static func longestFirstLengths(_ n1: Int, _ n2: Int?, budget: Int) -> (Int, Int?) {
        guard let n2 else { return (min(n1, budget), nil) }
        if n1 + n2 <= budget { return (n1, n2) }
        var short = min(n1, n2)
        var long: Int
        if short > budget { long = short } else { long = max(short, budget - short) }
        if short + long > budget {
            short = budget / 2
            long = short + budget % 2
        }
        let (k1, k2) = n1 > n2 ? (long, short) : (short, long)
        return (min(n1, k1), min(n2, k2))
    }
}
