/// The vocabulary as a byte trie over each token's UTF-8, so that WordPiece's "longest prefix that is a
/// vocabulary entry" is one walk instead of one dictionary probe per candidate length.
///
/// Keys are compared byte for byte (that is, code point for code point), exactly like the Rust `HashMap<String, u32>`
/// inside Hugging Face `tokenizers`. A Swift `[String: Int32]` would not do: `String` equality is canonical
/// equivalence, so the NFD jamo of "한" would find the precomposed vocabulary entry "한", which Hugging Face does not.
struct VocabularyTrie: Sendable {
    /// Child of `node` along `byte`, keyed by `node << 8 | byte`.
    private var edges: [Int: Int32] = [:]
    /// Token id ending at each node, or -1.
    private var ids: [Int32] = [-1]

    static let root: Int32 = 0

    /// Adds `bytes` with `id`. Returns the id already stored for the same bytes, if any (the trie keeps it).
    mutating func insert<C: Collection>(_ bytes: C, id: Int32) -> Int32? where C.Element == UInt8 {
        var node = Self.root
        for b in bytes {
            let key = Int(node) << 8 | Int(b)
            if let next = edges[key] {
                node = next
            } else {
                let next = Int32(ids.count)
                ids.append(-1)
                edges[key] = next
                node = next
            }
        }
        if ids[Int(node)] >= 0 { return ids[Int(node)] }
        ids[Int(node)] = id
        return nil
    }

    @inline(__always)
    func child(_ node: Int32, _ byte: UInt8) -> Int32? { edges[Int(node) << 8 | Int(byte)] }

    @inline(__always)
    func id(at node: Int32) -> Int32? {
        let id = ids[Int(node)]
        return id >= 0 ? id : nil
    }

    /// The node reached by walking `bytes` from `start`, or nil if the path leaves the trie.
    func walk<S: Sequence>(_ bytes: S, from start: Int32 = root) -> Int32? where S.Element == UInt8 {
        var node = start
        for b in bytes {
            guard let next = child(node, b) else { return nil }
            node = next
        }
        return node
    }
}

extension BertTokenizer {
    /// Hugging Face's WordPiece `max_input_chars_per_word`: a pre-token with more code points becomes one `[UNK]`.
    public static let maxInputCharactersPerWord = 100
    /// Hugging Face's WordPiece `continuing_subword_prefix`.
    public static let continuingSubwordPrefix = "##"

    /// WordPiece on one pre-token, appending its ids to `out` — `tokenizers`' `WordPiece::tokenize`:
    ///
    /// 1. more than 100 code points → `[UNK]`;
    /// 2. from the start, take the longest prefix that is a vocabulary entry (after the first piece, the entry must
    ///    be `##` + the piece); repeat from where it ended;
    /// 3. if at some position no entry matches at all, the whole pre-token becomes a single `[UNK]`
    ///    (pieces found before are dropped).
    ///
    /// `word` is the pre-token's UTF-8 and `scalarCount` its number of code points.
    func appendWordPieces(of word: UnsafeBufferPointer<UInt8>, scalarCount: Int, to out: inout [Int32]) {
        if scalarCount > Self.maxInputCharactersPerWord {
            out.append(unkId)
            return
        }
        let mark = out.count
        var start = 0
        while start < word.count {
            guard var node = start == 0 ? VocabularyTrie.root : continuationNode else {
                out.removeSubrange(mark...)
                out.append(unkId)
                return
            }
            var bestEnd = -1
            var bestId: Int32 = 0
            var i = start
            // Vocabulary entries are valid UTF-8, so every match ends on a code-point boundary of `word`.
            while i < word.count, let next = trie.child(node, word[i]) {
                node = next
                i += 1
                if let id = trie.id(at: node) {
                    bestEnd = i
                    bestId = id
                }
            }
            if bestEnd < 0 {
                out.removeSubrange(mark...)
                out.append(unkId)
                return
            }
            out.append(bestId)
            start = bestEnd
        }
    }
}
