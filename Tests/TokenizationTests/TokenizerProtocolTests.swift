import XCTest
@testable import Tokenization

/// Both tokenizers behind `Tokenizer`: through the protocol each gives exactly what its own API gives.
final class TokenizerProtocolTests: XCTestCase {
    static func wordPiece() throws -> BertTokenizer {
        try BertTokenizer(vocabulary: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "##s"])
    }

    func testWordPieceThroughTheProtocolMatchesItsOwnEncode() throws {
        let own = try Self.wordPiece()
        let tok: any Tokenizer = own
        XCTAssertEqual(tok.encode("the cats", pair: "sat", maxLength: nil), own.encode("the cats", pair: "sat"))
        XCTAssertEqual(tok.encode("the cats sat", pair: nil, maxLength: 4), own.encode("the cats sat", maxLength: 4))
        XCTAssertEqual(tok.pieceIds("cats"), [6, 8])
        XCTAssertEqual(tok.padId, 0)
        XCTAssertEqual(tok.token(for: 6), "cat")
        XCTAssertEqual(tok.id(for: "sat"), 7)
    }

    func testByteLevelBPEThroughTheProtocol() throws {
        let own = try ToyBPE.tokenizer(addsBos: true)
        let tok: any Tokenizer = own
        let single = tok.encode("he the", pair: nil, maxLength: nil)
        XCTAssertEqual(single.ids, own.encode("he the"))
        XCTAssertEqual(single.typeIds, [Int32](repeating: 0, count: single.ids.count))
        // A pair follows the text with type id 1; truncation keeps the first ids.
        let pair = tok.encode("he", pair: "abc", maxLength: nil)
        XCTAssertEqual(pair.ids, own.encode("he") + own.pieceIds("abc"))
        XCTAssertEqual(pair.typeIds, [Int32](repeating: 0, count: own.encode("he").count) + [Int32](repeating: 1, count: own.pieceIds("abc").count))
        XCTAssertEqual(tok.encode("he the", pair: "abc", maxLength: 2).ids, Array(own.encode("he the").prefix(2)))
        // No padding token: the end-of-sequence id pads.
        XCTAssertEqual(tok.padId, ToyBPE.id("<s>x"))
    }
}
