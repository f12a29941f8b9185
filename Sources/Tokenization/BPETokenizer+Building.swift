/// Building a tokenizer from its parts, with checks: a non-empty vocabulary of unique tokens (after respelling), merges
/// of two vocabulary tokens into a vocabulary token, each pair once, token types 0…6, special ids within the
/// vocabulary. A vocabulary may lack the one-byte token of some bytes (SmolLM2's lacks 21); see `bytesWithoutToken`.
extension BPETokenizer {
    /// Builds a tokenizer.
    ///
    /// - Parameters:
    ///   - tokens: the vocabulary in id order (`tokenizer.ggml.tokens`).
    ///   - merges: `"left right"` strings, best (lowest rank) first (`tokenizer.ggml.merges`).
    ///   - tokenTypes: one type per token (`tokenizer.ggml.token_type`): 3 (control) tokens spelled in the byte-level
    ///     alphabet become added tokens, as do 4 (user-defined) tokens present in the vocabulary as written — what
    ///     transformers' `add_gguf_special_tokens` does. nil: no added tokens.
    ///   - source: names the vocabulary in error messages.
    /// - Throws: `BPETokenizerError`.
    public init(tokens: [String], merges: [String], tokenTypes: [Int]? = nil, specialIds: SpecialIds = SpecialIds(),
                addsBos: Bool = false, addsEos: Bool = false, preTokenizer: PreTokenizer = .byteLevel,
                source: String = "in-memory vocabulary") throws {
        guard !tokens.isEmpty else { throw BPETokenizerError.emptyVocabulary(source: source) }
        guard tokens.count <= Int(Int32.max) else { throw BPETokenizerError.tooManyTokens(source: source, count: tokens.count) }
        let respelled = tokens.map(ByteLevel.respelled)
        let idByToken = try Self.index(respelled, source: source)
        self.byteIds = (0..<256).map { idByToken[ByteLevel.spelling(of: [UInt8($0)])] }
        self.merges = try Self.mergeTable(merges, idByToken: idByToken, source: source)
        self.addedTokens = try Self.addedTokens(tokens, types: tokenTypes, idByToken: idByToken, source: source)
        self.addedFirstBytes = Set(addedTokens.compactMap(\.bytes.first))
        for (name, id) in [("bos", specialIds.bos), ("eos", specialIds.eos), ("unknown", specialIds.unknown),
                           ("padding", specialIds.padding)] {
            if let id, id < 0 || Int(id) >= tokens.count {
                throw BPETokenizerError.specialIdOutOfRange(source: source, name: name, id: Int(id), vocabularySize: tokens.count)
            }
        }
        self.tokens = respelled
        self.idByToken = idByToken
        self.specialIds = specialIds
        self.addsBos = addsBos
        self.addsEos = addsEos
        self.preTokenizer = preTokenizer
    }

    private static func index(_ tokens: [String], source: String) throws -> [String: Int32] {
        var idByToken: [String: Int32] = [:]
        idByToken.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() {
            if let first = idByToken.updateValue(Int32(id), forKey: token) {
                throw BPETokenizerError.duplicateToken(source: source, token: token, id: id, firstId: Int(first))
            }
        }
        return idByToken
    }

    private static func mergeTable(_ merges: [String], idByToken: [String: Int32], source: String) throws -> [UInt64: Merge] {
        var table: [UInt64: Merge] = [:]
        table.reserveCapacity(merges.count)
        for (rank, merge) in merges.enumerated() {
            func invalid(_ reason: String) -> BPETokenizerError {
                .invalidMerge(source: source, index: rank, merge: merge, reason: reason)
            }
            let parts = merge.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw invalid("not two tokens separated by one space")
            }
            let (left, right) = (String(parts[0]), String(parts[1]))
            guard let l = idByToken[left] else { throw invalid("\(TokenizerError.quoted(left)) is not in the vocabulary") }
            guard let r = idByToken[right] else { throw invalid("\(TokenizerError.quoted(right)) is not in the vocabulary") }
            guard let result = idByToken[left + right] else {
                throw invalid("the result \(TokenizerError.quoted(left + right)) is not in the vocabulary")
            }
            if let earlier = table.updateValue(Merge(rank: Int32(rank), result: result), forKey: pairKey(l, r)) {
                throw invalid("repeats merge \(earlier.rank)")
            }
        }
        return table
    }

    private static func addedTokens(_ tokens: [String], types: [Int]?, idByToken: [String: Int32],
                                    source: String) throws -> [AddedToken] {
        guard let types else { return [] }
        guard types.count == tokens.count else {
            throw BPETokenizerError.tokenTypeCount(source: source, count: types.count, expected: tokens.count)
        }
        var added: [AddedToken] = []
        for (id, (token, type)) in zip(tokens, types).enumerated() {
            guard (0...6).contains(type) else { throw BPETokenizerError.invalidTokenType(source: source, id: id, type: type) }
            if type == 3 && ByteLevel.isSpelled(token) && !token.isEmpty {
                added.append(AddedToken(bytes: Array(token.utf8), id: Int32(id)))
            } else if type == 4, !token.isEmpty, let existing = idByToken[token] {
                added.append(AddedToken(bytes: Array(token.utf8), id: existing))
            }
        }
        return added
    }
}
