/// The byte-level alphabet of GPT-2 (`bytes_to_unicode` of OpenAI's `encoder.py`, also in Hugging Face's
/// `convert_slow_tokenizer` and `tokenizers`' `ByteLevel`): every byte is spelled by one printable code point, so BPE
/// runs on text without control characters or spaces. Bytes `!`…`~`, `¡`…`¬` and `®`…`ÿ` spell themselves; the other
/// 68 bytes, in increasing order, are spelled U+0100, U+0101, … (so the space 0x20 is `Ġ` U+0120 and the line feed
/// 0x0A is `Ċ` U+010A).
enum ByteLevel {
    /// `scalars[b]` spells byte `b`.
    static let scalars: [Unicode.Scalar] = {
        var out = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            if (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b) {
                out[b] = Unicode.Scalar(UInt32(b))!
            } else {
                out[b] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return out
    }()

    /// The byte each alphabet scalar spells.
    static let byteOfScalar: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (b, s) in scalars.enumerated() { map[s.value] = UInt8(b) }
        return map
    }()

    /// The bytes spelled with the alphabet.
    static func spelling(of bytes: some Sequence<UInt8>) -> String {
        var s = ""
        s.unicodeScalars.append(contentsOf: bytes.map { scalars[Int($0)] })
        return s
    }

    /// Whether every scalar of `token` belongs to the alphabet.
    static func isSpelled(_ token: String) -> Bool {
        token.unicodeScalars.allSatisfy { byteOfScalar[$0.value] != nil }
    }

    /// `token` as transformers' GGUF converter (`byte_level_tokenizer` in `integrations/gguf/gguf_tokenizer_mapping.py`)
    /// keys it: unchanged when spelled in the alphabet, else its UTF-8 bytes spelled in the alphabet.
    static func respelled(_ token: String) -> String {
        isSpelled(token) ? token : spelling(of: token.utf8)
    }

    /// The bytes a token stands for: each alphabet scalar's byte; a scalar outside the alphabet (which a respelled
    /// vocabulary does not hold) contributes its UTF-8 bytes.
    static func bytes(of token: String) -> [UInt8] {
        var out: [UInt8] = []
        for s in token.unicodeScalars {
            if let b = byteOfScalar[s.value] { out.append(b) } else { out += Array(String(s).utf8) }
        }
        return out
    }
}
