import GGUF
import XCTest
@testable import Tokenization

/// A toy byte-level vocabulary: the 256 one-byte tokens, then a few merged tokens and added tokens.
enum ToyBPE {
    static let byteTokens = (0..<256).map { ByteLevel.spelling(of: [UInt8($0)]) }
    static let extra = ["he", "Ġt", "Ġthe", "ab", "bc", "abc", "aa", "<s>", "<s>x", "< s>", "中", "!?"]
    static let tokens = byteTokens + extra
    static let merges = ["h e", "Ġ t", "Ġt he", "a b", "b c", "ab c", "a a", "! ?"]
    /// Control (3) for `<s>`, `<s>x` and `< s>` (the last not spelled in the alphabet, so not added); user-defined (4)
    /// for `ab`.
    static var types: [Int] {
        tokens.map { ["<s>", "<s>x", "< s>"].contains($0) ? 3 : $0 == "ab" ? 4 : 1 }
    }

    static func id(_ token: String) -> Int32 { Int32(tokens.firstIndex(of: token)!) }

    static func tokenizer(merges: [String] = merges, types: [Int]? = types, addsBos: Bool = false,
                          addsEos: Bool = false) throws -> BPETokenizer {
        try BPETokenizer(tokens: tokens, merges: merges, tokenTypes: types,
                         specialIds: .init(bos: id("<s>"), eos: id("<s>x")), addsBos: addsBos, addsEos: addsEos)
    }
}

final class BPETokenizerTests: XCTestCase {
    private func tokens(_ tok: BPETokenizer, _ text: String) -> [String] {
        tok.pieceIds(text).map { tok.token(for: $0) }
    }

    func testMergesApplyLowestRankFirst() throws {
        let tok = try ToyBPE.tokenizer(types: nil)  // no added tokens, so `ab` comes from merging
        XCTAssertEqual(tokens(tok, " the"), ["Ġthe"], "h e (rank 0), then Ġ t (1), then Ġt he (2)")
        XCTAssertEqual(tokens(tok, "the"), ["t", "he"])
        XCTAssertEqual(tokens(tok, "abc"), ["abc"], "a b (rank 3) before b c (rank 4), then ab c")
        let reordered = try ToyBPE.tokenizer(merges: ["h e", "Ġ t", "Ġt he", "b c", "a b", "ab c", "a a"], types: nil)
        XCTAssertEqual(tokens(reordered, "abc"), ["a", "bc"], "b c first leaves no merge for a + bc")
    }

    func testTiesMergeLeftmostFirst() throws {
        XCTAssertEqual(tokens(try ToyBPE.tokenizer(), "aaa"), ["aa", "a"])
        XCTAssertEqual(tokens(try ToyBPE.tokenizer(), "aaaa"), ["aa", "aa"])
    }

    func testAddedTokensAreMatchedWholeLeftmostLongest() throws {
        let tok = try ToyBPE.tokenizer()
        XCTAssertEqual(tokens(tok, "a<s>b"), ["a", "<s>", "b"])
        XCTAssertEqual(tokens(tok, "<s>xy"), ["<s>x", "y"], "the longest added token at a position wins")
        XCTAssertEqual(tokens(tok, "<s"), ["<", "s"])
        XCTAssertEqual(tokens(tok, "< s>"), ["<", "Ġ", "s", ">"], "a control token outside the alphabet is not added")
        XCTAssertEqual(tokens(tok, "xabc"), ["x", "ab", "c"], "the user-defined token `ab` is cut out before BPE")
        XCTAssertEqual(Set(tok.addedTokenIds), [ToyBPE.id("<s>"), ToyBPE.id("<s>x"), ToyBPE.id("ab")])
    }

    func testEncodeAddsBosAndEosOnlyWhenConfigured() throws {
        let plain = try ToyBPE.tokenizer()
        XCTAssertEqual(plain.encode(" the"), [ToyBPE.id("Ġthe")])
        let both = try ToyBPE.tokenizer(addsBos: true, addsEos: true)
        XCTAssertEqual(both.encode(" the"), [ToyBPE.id("<s>"), ToyBPE.id("Ġthe"), ToyBPE.id("<s>x")])
        XCTAssertEqual(both.pieceIds(" the"), [ToyBPE.id("Ġthe")])
        XCTAssertEqual(both.encode(""), [ToyBPE.id("<s>"), ToyBPE.id("<s>x")])
    }

    func testTokensOutsideTheAlphabetAreRespelled() throws {
        let tok = try ToyBPE.tokenizer()
        let id = ToyBPE.id("中")
        XCTAssertEqual(tok.token(for: id), "ä¸Ń", "中 is E4 B8 AD, spelled in the byte-level alphabet")
        XCTAssertEqual(tok.id(for: "ä¸Ń"), id)
        XCTAssertNil(tok.id(for: "中"))
        XCTAssertEqual(tok.decode([id]), "中")
    }

    func testBytesWithoutTokenAreDroppedAndTheirNeighboursMerge() throws {
        var tokens = ToyBPE.tokens
        tokens[4] = "unused-4"  // byte 0x04 loses its token
        let tok = try BPETokenizer(tokens: tokens, merges: ToyBPE.merges)
        XCTAssertEqual(tok.bytesWithoutToken, [4])
        XCTAssertEqual(tok.pieceIds("!\u{4}?").map { tok.token(for: $0) }, ["!?"], "one piece: all three are \"other\"")
        XCTAssertEqual(tok.pieceIds("a\u{4}b").map { tok.token(for: $0) }, ["a", "b"], "three pieces: letter, other, letter")
        XCTAssertEqual(tok.pieceIds("\u{4}"), [])
    }

    func testDecodeInvertsEncode() throws {
        let tok = try ToyBPE.tokenizer()
        for text in ["", " the abc", "a<s>b<s>xy", "héllo 中文 🐶\n\t", "don't  1"] {
            XCTAssertEqual(tok.decode(tok.encode(text)), text)
        }
        XCTAssertEqual(tok.decode([ToyBPE.id(ByteLevel.spelling(of: [0xE4]))]), "\u{FFFD}", "a lone lead byte is replaced")
    }

    func testBuildingErrors() {
        let t = ToyBPE.tokens, src = "in-memory vocabulary"
        XCTAssertThrowsError(try BPETokenizer(tokens: [], merges: [])) {
            XCTAssertEqual($0 as? BPETokenizerError, .emptyVocabulary(source: src))
        }
        XCTAssertThrowsError(try BPETokenizer(tokens: t + ["ä¸Ń"], merges: [])) {
            XCTAssertEqual($0 as? BPETokenizerError, .duplicateToken(source: src, token: "ä¸Ń", id: t.count, firstId: Int(ToyBPE.id("中"))))
        }
        for (merge, reason) in [("ab", "not two tokens separated by one space"), ("a  b", "not two tokens separated by one space"),
                                ("a b c", "not two tokens separated by one space"), (" a", "not two tokens separated by one space"),
                                ("a zz", "\"zz\" is not in the vocabulary"), ("c a", "the result \"ca\" is not in the vocabulary")] {
            XCTAssertThrowsError(try BPETokenizer(tokens: t, merges: ["h e", merge])) {
                XCTAssertEqual($0 as? BPETokenizerError, .invalidMerge(source: src, index: 1, merge: merge, reason: reason))
                XCTAssertTrue("\($0)".contains("merge 1"), "\($0)")
            }
        }
        XCTAssertThrowsError(try BPETokenizer(tokens: t, merges: ["h e", "a b", "h e"])) {
            XCTAssertEqual($0 as? BPETokenizerError, .invalidMerge(source: src, index: 2, merge: "h e", reason: "repeats merge 0"))
        }
        XCTAssertThrowsError(try BPETokenizer(tokens: t, merges: [], tokenTypes: [1])) {
            XCTAssertEqual($0 as? BPETokenizerError, .tokenTypeCount(source: src, count: 1, expected: t.count))
        }
        XCTAssertThrowsError(try BPETokenizer(tokens: t, merges: [], tokenTypes: [7] + Array(repeating: 1, count: t.count - 1))) {
            XCTAssertEqual($0 as? BPETokenizerError, .invalidTokenType(source: src, id: 0, type: 7))
        }
        XCTAssertThrowsError(try BPETokenizer(tokens: t, merges: [], specialIds: .init(eos: Int32(t.count)))) {
            XCTAssertEqual($0 as? BPETokenizerError, .specialIdOutOfRange(source: src, name: "eos", id: t.count, vocabularySize: t.count))
        }
    }
}

/// Building from GGUF metadata (in memory): the keys read, the defaults, and the refusals.
final class BPETokenizerGGUFTests: XCTestCase {
    private func metadata(_ changes: [String: GGUFValue?] = [:]) -> GGUFMetadata {
        var values: [String: GGUFValue] = [
            "tokenizer.ggml.model": .string("gpt2"),
            "tokenizer.ggml.pre": .string("smollm"),
            "tokenizer.ggml.tokens": .array(elementType: .string, values: ToyBPE.tokens.map { .string($0) }),
            "tokenizer.ggml.merges": .array(elementType: .string, values: ToyBPE.merges.map { .string($0) }),
            "tokenizer.ggml.token_type": .array(elementType: .int32, values: ToyBPE.types.map { .int32(Int32($0)) }),
            "tokenizer.ggml.bos_token_id": .uint32(UInt32(ToyBPE.id("<s>"))),
            "tokenizer.ggml.eos_token_id": .uint32(UInt32(ToyBPE.id("<s>x"))),
            "tokenizer.ggml.add_bos_token": .bool(false),
        ]
        for (key, value) in changes { values[key] = value }
        return GGUFMetadata(values, label: "toy.gguf")
    }

    func testReadsTheTokenizerKeys() throws {
        let tok = try BPETokenizer(ggufMetadata: metadata())
        XCTAssertEqual(tok.vocabularySize, ToyBPE.tokens.count)
        XCTAssertEqual(tok.specialIds, .init(bos: ToyBPE.id("<s>"), eos: ToyBPE.id("<s>x")))
        XCTAssertFalse(tok.addsBos)
        XCTAssertFalse(tok.addsEos)
        XCTAssertEqual(tok.encode("a<s> the"), [ToyBPE.id("a"), ToyBPE.id("<s>"), ToyBPE.id("Ġthe")])
        let withBos = try BPETokenizer(ggufMetadata: metadata(["tokenizer.ggml.add_bos_token": .bool(true),
                                                               "tokenizer.ggml.pre": nil, "tokenizer.ggml.token_type": nil]))
        XCTAssertEqual(withBos.encode(" the"), [ToyBPE.id("<s>"), ToyBPE.id("Ġthe")])
        XCTAssertEqual(withBos.addedTokenIds, [], "no token types, no added tokens")
    }

    func testRefusals() {
        XCTAssertThrowsError(try BPETokenizer(ggufMetadata: metadata(["tokenizer.ggml.model": .string("llama")]))) {
            XCTAssertEqual($0 as? BPETokenizerError, .unsupportedModel(source: "toy.gguf", model: "llama"))
        }
        XCTAssertThrowsError(try BPETokenizer(ggufMetadata: metadata(["tokenizer.ggml.pre": .string("llama-bpe")]))) {
            XCTAssertEqual($0 as? BPETokenizerError, .unsupportedPreTokenizer(
                source: "toy.gguf", name: "llama-bpe", supported: "codeshell, gpt-2, refact, smollm, starcoder"))
        }
        XCTAssertThrowsError(try BPETokenizer(ggufMetadata: metadata(["tokenizer.ggml.merges": nil]))) {
            XCTAssertEqual($0 as? GGUFError, .missingKey(file: "toy.gguf", key: "tokenizer.ggml.merges"))
        }
        XCTAssertThrowsError(try BPETokenizer(ggufMetadata: metadata(["tokenizer.ggml.token_type": .array(elementType: .string, values: [])]))) {
            XCTAssertEqual($0 as? GGUFError, .wrongValueType(file: "toy.gguf", key: "tokenizer.ggml.token_type",
                                                             found: "array of string", expected: "array of an integer type"))
        }
        XCTAssertThrowsError(try BPETokenizer(ggufMetadata: metadata(["tokenizer.ggml.eos_token_id": .int32(-1)]))) {
            XCTAssertEqual($0 as? BPETokenizerError, .specialIdOutOfRange(source: "toy.gguf", name: "eos", id: -1,
                                                                          vocabularySize: ToyBPE.tokens.count))
        }
        XCTAssertThrowsError(try BPETokenizer(ggufMetadata: metadata(["tokenizer.ggml.bos_token_id": .uint64(1 << 40)]))) {
            XCTAssertEqual($0 as? GGUFError, .valueOutOfRange(file: "toy.gguf", key: "tokenizer.ggml.bos_token_id",
                                                              value: "1099511627776", range: "0...2147483647"))
        }
    }
}
