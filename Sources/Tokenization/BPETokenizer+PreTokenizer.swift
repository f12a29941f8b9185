/// The split rule of Hugging Face `tokenizers`' `ByteLevel` pre-tokenizer (`use_regex = true`), written out by hand.
/// It mirrors exactly this regex (GPT-2's, from OpenAI's `encoder.py`, as `tokenizers` compiles it with Oniguruma):
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// applied left to right, each match a piece and no text between matches (every scalar is matched by some
/// alternative). `\p{L}` is general category L (Lu, Ll, Lt, Lm, Lo), `\p{N}` is N (Nd, Nl, No), `\s` is the Unicode
/// White_Space property, as Oniguruma's Unicode classes are; `'` is U+0027 only, the contractions are
/// case-sensitive, and the optional prefix is U+0020 only. At a position:
///
/// 1. `'` followed by `s`, `t`, `m`, `d` (2 scalars) or `re`, `ve`, `ll` (3 scalars) is a contraction;
/// 2. otherwise an optional U+0020 and a maximal run of letters, or of numbers, or of "other" (neither whitespace
///    nor letter nor number) scalars — the run's class is that of the scalar after the optional space;
/// 3. otherwise the scalar is whitespace: a maximal whitespace run that reaches the end of the text is one piece;
///    a run of two or more before a non-whitespace scalar leaves its last scalar for the next piece (`\s+(?!\S)`
///    backtracks one scalar, which step 2 then takes as the optional space or step 3 as a single `\s+`).
///
/// transformers uses this rule for a GGUF file whose `tokenizer.ggml.pre` is not in its own table of split rules,
/// which includes SmolLM2's `smollm` (llama.cpp splits digits one by one first for `smollm`; the two differ only
/// where whitespace meets digits, e.g. "a  1").
extension BPETokenizer {
    /// The pieces of `s` as ranges of scalar indices, in order, covering `s`.
    static func byteLevelPieces(_ s: [Unicode.Scalar]) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var i = 0
        while i < s.count {
            let end = contractionEnd(s, i) ?? runEnd(s, i) ?? whitespaceEnd(s, i)
            pieces.append(i..<end)
            i = end
        }
        return pieces
    }

    private enum ScalarClass { case letter, number, whitespace, other }

    private static func scalarClass(_ c: Unicode.Scalar) -> ScalarClass {
        let p = c.properties
        if p.isWhitespace { return .whitespace }
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return .other
        }
    }

    /// Step 1: `'s|'t|'re|'ve|'m|'ll|'d`.
    private static func contractionEnd(_ s: [Unicode.Scalar], _ i: Int) -> Int? {
        guard s[i] == "'", i + 1 < s.count else { return nil }
        switch s[i + 1] {
        case "s", "t", "m", "d": return i + 2
        case "r", "v": return i + 2 < s.count && s[i + 2] == "e" ? i + 3 : nil
        case "l": return i + 2 < s.count && s[i + 2] == "l" ? i + 3 : nil
        default: return nil
        }
    }

    /// Step 2: ` ?\p{L}+`, ` ?\p{N}+` or ` ?[^\s\p{L}\p{N}]+`.
    private static func runEnd(_ s: [Unicode.Scalar], _ i: Int) -> Int? {
        let start = s[i] == " " && i + 1 < s.count ? i + 1 : i
        let kind = scalarClass(s[start])
        guard kind != .whitespace else { return nil }
        var end = start + 1
        while end < s.count && scalarClass(s[end]) == kind { end += 1 }
        return end
    }

    /// Step 3: `\s+(?!\S)`, else `\s+` (s[i] is whitespace here).
    private static func whitespaceEnd(_ s: [Unicode.Scalar], _ i: Int) -> Int {
        var end = i + 1
        while end < s.count && scalarClass(s[end]) == .whitespace { end += 1 }
        if end == s.count || end - i == 1 { return end }
        return end - 1
    }
}
