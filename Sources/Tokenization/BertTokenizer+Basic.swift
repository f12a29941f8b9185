import Foundation

// Everything before WordPiece, as Hugging Face `tokenizers` does it for `BertTokenizer` (transformers 5 has no
// other implementation): added-token splitting, `BertNormalizer`, `BertPreTokenizer`. All of it works on Unicode
// scalars (Rust `char`s), never on Swift `Character`s.

extension BertTokenizer {
    /// Appends the ids of `text` without `[CLS]`/`[SEP]`.
    ///
    /// 1. Special tokens (`[PAD] [UNK] [CLS] [SEP] [MASK]`) are found in the raw text, leftmost-longest, exactly as
    ///    written (`tokenizers`' added vocabulary with `normalized: false`); each becomes its own id, so
    ///    `"ab[MASK]cd"` is `ab [MASK] cd` while `"[mask]"` is `[ mask ]`.
    /// 2. Each stretch between them is normalized (`normalize`), split into pre-tokens (`forEachPreToken`) and
    ///    cut into word pieces (`appendWordPieces`).
    func appendIds(of text: String, to out: inout [Int32]) {
        let scalars = text.unicodeScalars.map(\.value)
        var segmentStart = 0
        var i = 0
        while i < scalars.count {
            if specialFirstScalars.contains(scalars[i]), let (length, id) = longestSpecialToken(in: scalars, at: i) {
                appendIdsOfPlainText(scalars[segmentStart..<i], to: &out)
                out.append(id)
                i += length
                segmentStart = i
            } else {
                i += 1
            }
        }
        appendIdsOfPlainText(scalars[segmentStart..<scalars.count], to: &out)
    }

    private func longestSpecialToken(in scalars: [UInt32], at i: Int) -> (length: Int, id: Int32)? {
        var best: (length: Int, id: Int32)?
        for (token, id) in specialTokens where token.count > (best?.length ?? 0) && i + token.count <= scalars.count {
            if scalars[i..<(i + token.count)].elementsEqual(token) { best = (token.count, id) }
        }
        return best
    }

    private func appendIdsOfPlainText(_ text: ArraySlice<UInt32>, to out: inout [Int32]) {
        if text.isEmpty { return }
        let normalized = normalize(text)
        var utf8: [UInt8] = []
        utf8.reserveCapacity(64)
        forEachPreToken(of: normalized) { word in
            utf8.removeAll(keepingCapacity: true)
            for c in word { Self.appendUTF8(c, to: &utf8) }
            utf8.withUnsafeBufferPointer { appendWordPieces(of: $0, scalarCount: word.count, to: &out) }
        }
    }

    /// `tokenizers`' `BertNormalizer`, in its order (which is not the old Python `BasicTokenizer`'s):
    ///
    /// 1. clean text: drop U+0000, U+FFFD and control characters (Cc, Cf, Co; tab, LF and CR are kept), then map
    ///    every whitespace scalar (tab, LF, CR or Rust `char::is_whitespace`) to U+0020;
    /// 2. if `tokenizeChineseChars`: put U+0020 before and after every CJK ideograph (`isChineseCharacter`);
    /// 3. if `stripAccents ?? lowercase`: NFD (`nfdAsTokenizers`), then drop nonspacing marks (Mn);
    /// 4. if `lowercase`: each scalar → its full lowercase mapping, one scalar at a time (Rust `char::to_lowercase`).
    ///    There is no context, so unlike Python's `str.lower()` a word-final "Σ" gives "σ", not "ς";
    ///    "İ" gives "i̇" (U+0069 U+0307), whose dot has usually been stripped in step 3 already.
    ///
    /// Categories come from `BertUnicodeTables` (what `tokenizers` really uses), not from the toolchain.
    func normalize(_ text: ArraySlice<UInt32>) -> [UInt32] {
        var buf: [UInt32] = []
        buf.reserveCapacity(text.count + 8)
        var asciiOnly = true
        for c in text {
            if c < 0x80 {
                if c == 9 || c == 10 || c == 13 { buf.append(0x20) } else if c < 0x20 || c == 0x7F { continue } else { buf.append(c) }
                continue
            }
            asciiOnly = false
            if BertUnicodeTables.contains(BertUnicodeTables.removedByCleanText, c) { continue }
            if BertUnicodeTables.isWhitespace(c) {
                buf.append(0x20)
            } else if tokenizeChineseChars && Self.isChineseCharacter(c) {
                buf.append(0x20); buf.append(c); buf.append(0x20)
            } else {
                buf.append(c)
            }
        }
        if asciiOnly {
            if lowercase { for k in buf.indices where buf[k] >= 0x41 && buf[k] <= 0x5A { buf[k] += 0x20 } }
            return buf
        }
        if stripAccents ?? lowercase {
            buf = Self.nfdAsTokenizers(buf).filter { !BertUnicodeTables.contains(BertUnicodeTables.nonspacingMarks, $0) }
        }
        if lowercase {
            var lowered: [UInt32] = []
            lowered.reserveCapacity(buf.count)
            for c in buf {
                if c < 0x80 {
                    lowered.append(c >= 0x41 && c <= 0x5A ? c + 0x20 : c)
                } else {
                    for s in Unicode.Scalar(c)!.properties.lowercaseMapping.unicodeScalars { lowered.append(s.value) }
                }
            }
            return lowered
        }
        return buf
    }

    /// NFD as `tokenizers` computes it. Its normalization crate (unicode-normalization-alignments 0.1.12) carries
    /// Unicode 9.0 data, so a scalar assigned later has no decomposition and combining class 0 there (e.g. U+11938
    /// DIVES AKURU VOWEL SIGN O, Unicode 13, stays whole). Decompositions and combining classes of older scalars
    /// never change (Unicode stability policy), so Foundation's NFD is applied to each maximal run of scalars that
    /// exist in Unicode 9.0, and newer or unassigned scalars pass through unchanged. With combining class 0 they are
    /// starters, so canonical reordering never crosses them, as in `tokenizers`.
    static func nfdAsTokenizers(_ text: [UInt32]) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(text.count + 8)
        var run = String.UnicodeScalarView()
        func flush() {
            if run.isEmpty { return }
            for s in String(run).decomposedStringWithCanonicalMapping.unicodeScalars { out.append(s.value) }
            run = String.UnicodeScalarView()
        }
        for c in text {
            let s = Unicode.Scalar(c)!
            if c >= 0x300 && !Self.isInNormalizationData(s) {
                flush()
                out.append(c)
            } else {
                run.append(s)
            }
        }
        flush()
        return out
    }

    /// Whether `s` was assigned by Unicode 9.0, the version of `tokenizers`' normalization tables.
    /// (Everything below U+0300 was assigned in Unicode 1.1.)
    static func isInNormalizationData(_ s: Unicode.Scalar) -> Bool {
        guard let age = s.properties.age else { return false }
        return age.major < 9 || (age.major == 9 && age.minor == 0)
    }

    /// `tokenizers`' `BertPreTokenizer`: split on whitespace (dropped), then isolate every punctuation scalar
    /// (ASCII 33–47, 58–64, 91–96, 123–126, or a P* category) as a pre-token of its own. Calls `body` with each
    /// non-empty pre-token in order.
    func forEachPreToken(of text: [UInt32], _ body: (ArraySlice<UInt32>) -> Void) {
        var start = 0
        for (i, c) in text.enumerated() {
            let isSpace: Bool, isPunct: Bool
            if c < 0x80 {
                isSpace = c == 0x20 || (c >= 9 && c <= 13)
                isPunct = (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)
            } else {
                isSpace = BertUnicodeTables.isWhitespace(c)
                isPunct = !isSpace && BertUnicodeTables.contains(BertUnicodeTables.punctuation, c)
            }
            if isSpace || isPunct {
                if start < i { body(text[start..<i]) }
                if isPunct { body(text[i...i]) }
                start = i + 1
            }
        }
        if start < text.count { body(text[start..<text.count]) }
    }

    /// A "Chinese character" in BERT's sense: the CJK ideograph blocks below. These are the ranges in
    /// `tokenizers`' `normalizers/bert.rs`; note U+2B920 (the Python `BasicTokenizer` had U+2B820) as the start
    /// of the sixth range. Hangul, kana and CJK punctuation are not included.
    static func isChineseCharacter(_ c: UInt32) -> Bool {
        switch c {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }

    @inline(__always)
    static func appendUTF8(_ c: UInt32, to out: inout [UInt8]) {
        switch c {
        case 0..<0x80:
            out.append(UInt8(c))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (c >> 6))); out.append(UInt8(0x80 | (c & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (c >> 12))); out.append(UInt8(0x80 | ((c >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (c & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (c >> 18))); out.append(UInt8(0x80 | ((c >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((c >> 6) & 0x3F))); out.append(UInt8(0x80 | (c & 0x3F)))
        }
    }
}

extension BertUnicodeTables {
    /// Whether `c` lies in one of the inclusive ranges of `table` (flat `[lo, hi, lo, hi, ...]`, sorted).
    static func contains(_ table: [UInt32], _ c: UInt32) -> Bool {
        var lo = 0, hi = table.count / 2
        while lo < hi {
            let mid = (lo + hi) / 2
            if table[2 * mid + 1] < c { lo = mid + 1 } else { hi = mid }
        }
        return lo < table.count / 2 && table[2 * lo] <= c
    }

    /// Rust `char::is_whitespace` (the White_Space property), which `tokenizers` uses for both steps.
    static func isWhitespace(_ c: UInt32) -> Bool { whitespace.contains(c) }
}
