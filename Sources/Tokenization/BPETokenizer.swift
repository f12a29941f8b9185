/// A byte-level BPE tokenizer that gives exactly the ids Hugging Face transformers gives for a GGUF file of a
/// GPT-2-style vocabulary (`AutoTokenizer.from_pretrained(folder, gguf_file=…)`, transformers 5, `tokenizers`-backed),
/// checked against `Tests/Fixtures/smollm2-tokenizer-cases.json` for SmolLM2.
///
/// Pipeline: cut out added tokens (`BPETokenizer+AddedTokens.swift`) → split the rest with the pre-tokenizer's rule
/// (`BPETokenizer+PreTokenizer.swift`) → each piece's UTF-8 bytes to one-byte tokens → BPE merges
/// (`BPETokenizer+Merges.swift`) → BOS/EOS when the tokenizer adds them. No normalisation (GPT-2 has none).
///
/// The vocabulary is keyed as transformers keys it: a token spelled in the byte-level alphabet (`ByteLevel`) is
/// kept, any other is respelled as its UTF-8 bytes in that alphabet. Built from GGUF metadata by
/// `BPETokenizer+GGUF.swift`.
public struct BPETokenizer: Sendable {
    /// The split rule applied before BPE.
    public enum PreTokenizer: String, Sendable, CaseIterable {
        /// `tokenizers`' `ByteLevel` regex (GPT-2's); see `byteLevelPieces`.
        case byteLevel
    }

    /// Token ids the tokenizer knows by role (each within the vocabulary when set).
    public struct SpecialIds: Equatable, Sendable {
        public var bos: Int32?
        public var eos: Int32?
        public var unknown: Int32?
        public var padding: Int32?

        public init(bos: Int32? = nil, eos: Int32? = nil, unknown: Int32? = nil, padding: Int32? = nil) {
            self.bos = bos
            self.eos = eos
            self.unknown = unknown
            self.padding = padding
        }
    }

    public let preTokenizer: PreTokenizer
    public let specialIds: SpecialIds
    /// Whether `encode` puts `specialIds.bos` first / `specialIds.eos` last.
    public let addsBos: Bool
    public let addsEos: Bool

    /// id → token (respelled as described above).
    let tokens: [String]
    let idByToken: [String: Int32]
    /// The id of the one-byte token of each byte; nil where the vocabulary has none.
    let byteIds: [Int32?]
    /// (left id, right id) → merge, keyed by `pairKey`.
    let merges: [UInt64: Merge]
    let addedTokens: [AddedToken]
    let addedFirstBytes: Set<UInt8>

    /// Number of vocabulary entries (ids are `0..<vocabularySize`).
    public var vocabularySize: Int { tokens.count }

    /// The vocabulary entry with this id. Precondition: `0 <= id < vocabularySize`.
    public func token(for id: Int32) -> String {
        precondition(id >= 0 && Int(id) < tokens.count, "token id \(id) outside the vocabulary (0..<\(tokens.count))")
        return tokens[Int(id)]
    }

    /// The id of exactly this vocabulary entry (as spelled in the vocabulary), or nil.
    public func id(for token: String) -> Int32? { idByToken[token] }

    /// The bytes whose one-byte token the vocabulary lacks. `encode` drops them, as `tokenizers`' BPE model does when
    /// it has no unknown token (transformers' `GPT2Tokenizer` sets none), and their neighbours can then merge.
    public var bytesWithoutToken: [UInt8] { (0...255).filter { byteIds[Int($0)] == nil } }

    /// The ids of added tokens (control and user-defined), which are matched whole in raw text.
    public var addedTokenIds: [Int32] { addedTokens.map(\.id) }

    /// Hugging Face `tokenizer(text)["input_ids"]`: `pieceIds(text)` with BOS before and EOS after when the tokenizer
    /// adds them (SmolLM2's adds neither).
    public func encode(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        if addsBos, let bos = specialIds.bos { ids.append(bos) }
        appendIds(of: text, to: &ids)
        if addsEos, let eos = specialIds.eos { ids.append(eos) }
        return ids
    }

    /// Hugging Face `tokenizer.encode(text, add_special_tokens=False)`: added tokens written in the text are still
    /// matched, nothing is added around it.
    public func pieceIds(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        appendIds(of: text, to: &ids)
        return ids
    }

    /// The text of `ids`: every token's bytes (added tokens included, as written), decoded as UTF-8 with invalid
    /// sequences replaced by U+FFFD — Hugging Face `decode(ids)` with `skip_special_tokens=False`.
    /// Precondition: every id is within the vocabulary.
    public func decode(_ ids: [Int32]) -> String {
        var bytes: [UInt8] = []
        for id in ids { bytes += ByteLevel.bytes(of: token(for: id)) }
        return String(decoding: bytes, as: UTF8.self)
    }

    func appendIds(of text: String, to ids: inout [Int32]) {
        let bytes = Array(text.utf8)
        for segment in segments(bytes) {
            switch segment {
            case let .added(id):
                ids.append(id)
            case let .text(range):
                let scalars = Array(String(decoding: bytes[range], as: UTF8.self).unicodeScalars)
                for piece in Self.byteLevelPieces(scalars) {
                    var pieceBytes: [UInt8] = []
                    for s in scalars[piece] { pieceBytes += Array(String(s).utf8) }
                    appendMerged(pieceBytes, to: &ids)
                }
            }
        }
    }
}
