/// Byte-pair merging of one piece, as Hugging Face `tokenizers`' BPE model does it (no dropout, no cache effects):
/// start from the one-byte tokens of the piece's UTF-8 bytes (a byte without one is dropped, as `tokenizers` drops a
/// symbol missing from the vocabulary when there is no unknown token, so its neighbours become adjacent), then repeatedly merge the adjacent pair whose merge
/// has the lowest rank (its index in `tokenizer.ggml.merges`), the leftmost such pair on a tie, until no adjacent
/// pair has a merge. `tokenizers` does this with a priority queue of (rank, position); this quadratic loop gives
/// the same result and is short enough to check by eye (pieces are words, a few bytes long).
extension BPETokenizer {
    /// A merge's rank and the id of the token it produces.
    struct Merge: Sendable {
        var rank: Int32
        var result: Int32
    }

    @inline(__always)
    static func pairKey(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// Appends the ids of one pre-tokenized piece (its UTF-8 bytes) to `ids`.
    func appendMerged(_ bytes: [UInt8], to ids: inout [Int32]) {
        var symbols = bytes.compactMap { byteIds[Int($0)] }
        while symbols.count > 1 {
            var best: (merge: Merge, index: Int)?
            for i in 0..<(symbols.count - 1) {
                if let merge = merges[Self.pairKey(symbols[i], symbols[i + 1])], merge.rank < (best?.merge.rank ?? .max) {
                    best = (merge, i)
                }
            }
            guard let best else { break }
            symbols[best.index] = best.merge.result
            symbols.remove(at: best.index + 1)
        }
        ids += symbols
    }
}
