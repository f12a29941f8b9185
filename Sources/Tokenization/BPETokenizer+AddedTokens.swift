/// Added tokens (llama.cpp's control and user-defined tokens) are cut out of the raw text before pre-tokenization, as
/// Hugging Face `tokenizers`' `AddedVocabulary` does with `normalized = false`, `lstrip = rstrip = single_word = false`:
/// scanning left to right, at the first position where any added token matches, the longest one that matches there is
/// taken (leftmost-longest, on UTF-8 bytes; valid UTF-8 tokens only match at scalar boundaries). The text between
/// matches is encoded by the pre-tokenizer and BPE.
extension BPETokenizer {
    /// An added token: its bytes and id.
    struct AddedToken: Sendable {
        var bytes: [UInt8]
        var id: Int32
    }

    enum Segment: Equatable {
        case text(Range<Int>)
        case added(Int32)
    }

    /// `bytes` cut into ordinary text and added tokens, in order (empty text segments omitted).
    func segments(_ bytes: [UInt8]) -> [Segment] {
        guard !addedTokens.isEmpty else { return bytes.isEmpty ? [] : [.text(0..<bytes.count)] }
        var out: [Segment] = []
        var textStart = 0
        var i = 0
        while i < bytes.count {
            guard addedFirstBytes.contains(bytes[i]), let match = longestAddedToken(in: bytes, at: i) else {
                i += 1
                continue
            }
            if textStart < i { out.append(.text(textStart..<i)) }
            out.append(.added(match.id))
            i += match.bytes.count
            textStart = i
        }
        if textStart < bytes.count { out.append(.text(textStart..<bytes.count)) }
        return out
    }

    private func longestAddedToken(in bytes: [UInt8], at i: Int) -> AddedToken? {
        var best: AddedToken?
        for token in addedTokens where token.bytes.count > (best?.bytes.count ?? 0) && i + token.bytes.count <= bytes.count {
            if bytes[i..<(i + token.bytes.count)].elementsEqual(token.bytes) { best = token }
        }
        return best
    }
}
