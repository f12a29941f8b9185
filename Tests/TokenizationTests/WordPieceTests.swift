import XCTest
@testable import Tokenization

/// Behaviour on a tiny hand-made vocabulary; no checkpoint needed.
final class WordPieceTests: XCTestCase {
    static let vocabulary = [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",                         // 0-4
        "un", "una", "##ff", "##aff", "##able", "##a", "##ble",              // 5-11
        "hello", "world", ",", "!", "[", "]", "mask", "x", "##x",            // 12-20
        "中", "文", "中文", "cafe", "naive", "café", "\u{E9}",                // 21-27
        "οδοσ", "οδος", "i", "\u{69}\u{307}", "stanbul", "istanbul", "한",    // 28-34
        "##", "a", "b", "'", "s", "-", "well", "known",                      // 35-42
    ]

    func make(lowercase: Bool = true, stripAccents: Bool? = nil, chinese: Bool = true) throws -> BertTokenizer {
        try BertTokenizer(vocabulary: Self.vocabulary, lowercase: lowercase, stripAccents: stripAccents,
                          tokenizeChineseChars: chinese)
    }

    func testGreedyLongestMatchFirst() throws {
        let tok = try make()
        // "una" beats "un"; then the longest "##" piece each time. Greedy, not the fewest pieces.
        XCTAssertEqual(tok.tokenize("unaffable"), ["una", "##ff", "##able"])
        XCTAssertEqual(tok.tokenize("una"), ["una"])
        XCTAssertEqual(tok.tokenize("unable"), ["una", "##ble"])
        XCTAssertEqual(tok.tokenize("xxx"), ["x", "##x", "##x"])
    }

    func testUnmatchableWordIsOneUnk() throws {
        let tok = try make()
        // "un" matches but "##z…" never does: the whole word becomes a single [UNK], earlier pieces dropped.
        XCTAssertEqual(tok.tokenize("unzzz hello"), ["[UNK]", "hello"])
        XCTAssertEqual(tok.tokenize("zebra"), ["[UNK]"])
        XCTAssertEqual(tok.pieceIds("zebra"), [tok.unkId])
    }

    func testLongWordLimitCountsScalars() throws {
        let tok = try make()
        let hundred = "x" + String(repeating: "x", count: 99)
        XCTAssertEqual(tok.tokenize(hundred).count, 100)
        XCTAssertEqual(tok.tokenize(hundred + "x"), ["[UNK]"])
        XCTAssertEqual(tok.tokenize("hello " + String(repeating: "x", count: 150) + " world"), ["hello", "[UNK]", "world"])
    }

    func testPunctuationAndWhitespaceSplitting() throws {
        let tok = try make()
        XCTAssertEqual(tok.tokenize("hello,world!"), ["hello", ",", "world", "!"])
        XCTAssertEqual(tok.tokenize("  hello\t\n world  "), ["hello", "world"])
        XCTAssertEqual(tok.tokenize("well-known"), ["well", "-", "known"])
        XCTAssertEqual(tok.tokenize("a's"), ["a", "'", "s"])
        XCTAssertEqual(tok.tokenize("!!"), ["!", "!"])
        XCTAssertEqual(tok.tokenize(""), [])
        XCTAssertEqual(tok.tokenize(" \u{3000}\u{A0} "), [])
    }

    func testControlAndFormatCharactersAreRemoved() throws {
        let tok = try make()
        XCTAssertEqual(tok.tokenize("hel\u{200B}lo\u{0}\u{7} wor\u{AD}ld\u{FFFD}"), ["hello", "world"])
        XCTAssertEqual(tok.tokenize("hello\u{85}world"), ["[UNK]"], "U+0085 is a control character (Cc), removed, not a space")
        XCTAssertEqual(tok.tokenize("hello\u{2028}world"), ["hello", "world"], "U+2028 is whitespace")
    }

    func testChineseCharactersAreSplit() throws {
        XCTAssertEqual(try make().tokenize("中文"), ["中", "文"])
        XCTAssertEqual(try make().tokenize("a中b"), ["a", "中", "b"])
        XCTAssertEqual(try make(chinese: false).tokenize("中文"), ["中文"])
        XCTAssertEqual(try make(chinese: false).tokenize("中文文"), ["[UNK]"], "中文 then no ##文")
    }

    func testAccentsAndCase() throws {
        XCTAssertEqual(try make().tokenize("Café NAÏVE"), ["cafe", "naive"])
        XCTAssertEqual(try make().tokenize("Cafe\u{301}"), ["cafe"], "decomposed input")
        // No stripping: the precomposed entry is found; the decomposed spelling is a different key.
        XCTAssertEqual(try make(stripAccents: false).tokenize("CAFÉ"), ["café"])
        XCTAssertEqual(try make(lowercase: false).tokenize("café"), ["café"])
        XCTAssertEqual(try make(lowercase: false).tokenize("Café"), ["[UNK]"])
        XCTAssertEqual(try make(lowercase: false, stripAccents: true).tokenize("café"), ["cafe"])
    }

    /// Per-scalar lowercasing like Rust's `char::to_lowercase`, not Python's `str.lower()`.
    func testLowercaseIsPerScalar() throws {
        XCTAssertEqual(try make().tokenize("ΟΔΟΣ"), ["οδοσ"], "no final-sigma rule")
        XCTAssertEqual(try make().tokenize("İstanbul"), ["istanbul"], "dot stripped after NFD")
        XCTAssertEqual(try make(stripAccents: false).tokenize("İ"), ["i\u{307}"], "İ lowercases to i + U+0307")
    }

    /// Vocabulary lookups are by code points: canonically equivalent spellings are different keys.
    func testLookupIsByCodePoints() throws {
        let tok = try make(lowercase: false)
        XCTAssertEqual(tok.id(for: "\u{E9}"), 27)
        XCTAssertNil(tok.id(for: "e\u{301}"))
        XCTAssertEqual(tok.tokenize("한"), ["한"])
        // NFD turns the syllable into jamo, which are not the precomposed entry.
        XCTAssertEqual(try make().tokenize("한"), ["[UNK]"])
    }

    func testSpecialTokensInRawText() throws {
        let tok = try make()
        XCTAssertEqual(tok.tokenize("hello[MASK]world"), ["hello", "[MASK]", "world"])
        XCTAssertEqual(tok.tokenize("[MASK][SEP]"), ["[MASK]", "[SEP]"])
        XCTAssertEqual(tok.tokenize("[mask]"), ["[", "mask", "]"], "matched as written, before lowercasing")
        XCTAssertEqual(tok.tokenize("[MAS K]"), ["[", "[UNK]", "[UNK]", "]"])
    }

    func testEncodeTemplate() throws {
        let tok = try make()
        XCTAssertEqual(tok.encode("hello world"), Encoding(ids: [2, 12, 13, 3], typeIds: [0, 0, 0, 0]))
        XCTAssertEqual(tok.encode("hello", pair: "world!"), Encoding(ids: [2, 12, 3, 13, 15, 3], typeIds: [0, 0, 0, 1, 1, 1]))
        XCTAssertEqual(tok.encode(""), Encoding(ids: [2, 3], typeIds: [0, 0]))
        XCTAssertEqual(tok.encode("", pair: "hello"), Encoding(ids: [2, 3, 12, 3], typeIds: [0, 0, 1, 1]))
        XCTAssertEqual(tok.encode("hello", pair: ""), tok.encode("hello"), "an empty pair is no pair, as in transformers")
    }

    func testTruncationSingle() throws {
        let tok = try make()
        let text = "x x x x x"
        XCTAssertEqual(tok.encode(text, maxLength: 4).ids, [2, 19, 19, 3])
        XCTAssertEqual(tok.encode(text, maxLength: 2).ids, [2, 3])
        XCTAssertEqual(tok.encode(text, maxLength: 1).ids, [2, 3], "below the special tokens: clamped")
        XCTAssertEqual(tok.encode(text, maxLength: 100).ids.count, 7)
    }

    func testLongestFirstLengths() {
        typealias T = BertTokenizer
        // (n1, n2, budget) → kept, matching tokenizers' truncate_encodings (see fixture cases for HF's own output).
        let table: [(Int, Int?, Int, Int, Int?)] = [
            (5, nil, 3, 3, nil), (2, nil, 3, 2, nil),
            (5, 5, 10, 5, 5), (5, 5, 4, 2, 2), (5, 5, 5, 2, 3),   // equal: first gets floor, second ceil
            (8, 2, 6, 4, 2), (2, 8, 6, 2, 4),                     // only the longer is cut
            (8, 4, 5, 3, 2), (4, 8, 5, 2, 3),                     // both cut: longer gets the odd token
            (8, 4, 6, 3, 3), (3, 3, 0, 0, 0), (3, 3, 1, 0, 1), (9, 3, 2, 1, 1), (1, 9, 1, 0, 1),
        ]
        for (n1, n2, budget, k1, k2) in table {
            let (a, b) = T.longestFirstLengths(n1, n2, budget: budget)
            XCTAssertEqual(a, k1, "\(n1) \(String(describing: n2)) \(budget)")
            XCTAssertEqual(b, k2, "\(n1) \(String(describing: n2)) \(budget)")
        }
    }

    func testTruncationPair() throws {
        let tok = try make()
        let e = tok.encode("x x x x", pair: "a a a a a a a a", maxLength: 8)
        XCTAssertEqual(e.ids, [2, 19, 19, 3, 36, 36, 36, 3])
        XCTAssertEqual(e.typeIds, [0, 0, 0, 0, 1, 1, 1, 1])
    }

    func testAccessors() throws {
        let tok = try make()
        XCTAssertEqual(tok.vocabularySize, Self.vocabulary.count)
        XCTAssertEqual([tok.padId, tok.unkId, tok.clsId, tok.sepId, tok.maskId], [0, 1, 2, 3, 4])
        XCTAssertEqual(tok.token(for: 9), "##able")
        XCTAssertEqual(tok.id(for: "##able"), 9)
        XCTAssertEqual(tok.id(for: "##"), 35)
        XCTAssertNil(tok.id(for: "able"))
    }

    /// Vocabularies without any "##" entry still work for whole-word matches.
    func testVocabularyWithoutContinuations() throws {
        let tok = try BertTokenizer(vocabulary: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "ab", "a"])
        XCTAssertEqual(tok.tokenize("ab a abc"), ["ab", "a", "[UNK]"])
    }
}
