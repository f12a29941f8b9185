import Foundation
import XCTest
@testable import Tokenization

/// The checkpoint's tokenizer against ids recorded from Hugging Face (`scripts/make-fixtures.py`).
final class HuggingFaceParityTests: XCTestCase {
    func testCheckpointConfiguration() throws {
        let tok = try TestPaths.checkpointTokenizer()
        XCTAssertEqual(tok.vocabularySize, 30522)
        XCTAssertEqual([tok.padId, tok.unkId, tok.clsId, tok.sepId, tok.maskId], [0, 100, 101, 102, 103])
        XCTAssertTrue(tok.lowercase)
        XCTAssertNil(tok.stripAccents)
        XCTAssertTrue(tok.tokenizeChineseChars)
        XCTAssertEqual(tok.token(for: 101), "[CLS]")
        XCTAssertEqual(tok.id(for: "[SEP]"), 102)
        XCTAssertEqual(tok.id(for: "##ing"), tok.id(for: "##ing"))
        XCTAssertNil(tok.id(for: "definitely-not-a-token"))
        for id in Int32(0)..<Int32(tok.vocabularySize) { XCTAssertEqual(tok.id(for: tok.token(for: id)), id) }
    }

    /// Every recorded case gives identical ids and type ids.
    func testAllFixtureCases() throws {
        let base = try TestPaths.checkpointTokenizer()
        let vocabulary = (0..<base.vocabularySize).map { base.token(for: Int32($0)) }
        let fixture = try TokenizerFixture.load()
        XCTAssertGreaterThanOrEqual(fixture.cases.count, 60)
        var failures = 0
        for (index, c) in fixture.cases.enumerated() {
            let tok: BertTokenizer
            if let o = c.options {
                tok = try BertTokenizer(vocabulary: vocabulary, lowercase: o.lowercase, stripAccents: o.strip_accents,
                                        tokenizeChineseChars: o.tokenize_chinese_chars)
            } else {
                tok = base
            }
            let got = tok.encode(c.text, pair: c.pair, maxLength: c.max_length)
            if got.ids != c.ids || got.typeIds != c.type_ids {
                failures += 1
                XCTFail("""
                    case \(index) text \(c.text.debugDescription) pair \(String(describing: c.pair?.debugDescription)) \
                    max_length \(String(describing: c.max_length)):
                      HF   \(c.ids.map { tok.token(for: $0) }) \(c.type_ids)
                      ours \(got.ids.map { tok.token(for: $0) }) \(got.typeIds)
                    """)
            }
            // tokenize() is the pieces between [CLS] and the first [SEP] when nothing is truncated.
            if c.pair == nil && c.max_length == nil {
                XCTAssertEqual(tok.tokenize(c.text), c.ids.dropFirst().dropLast().map { tok.token(for: $0) }, "case \(index)")
            }
        }
        XCTAssertEqual(failures, 0, "\(failures) of \(fixture.cases.count) cases differ from Hugging Face")
    }

    /// The ids recorded with the hidden states (the Model parity fixture) are ours too.
    func testHiddenStateFixtureIds() throws {
        struct Single: Decodable { var text: String; var pair: String?; var ids: [Int32]; var type_ids: [Int32] }
        struct Batch: Decodable { var texts: [String]; var ids: [[Int32]]; var attention_mask: [[Int32]] }
        struct File: Decodable { var singles: [Single]; var padded_batch: Batch }
        let tok = try TestPaths.checkpointTokenizer()
        let url = TestPaths.fixtures.appendingPathComponent("minilm-hidden-states.json")
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        for s in file.singles {
            XCTAssertEqual(tok.encode(s.text, pair: s.pair), Encoding(ids: s.ids, typeIds: s.type_ids), s.text)
        }
        for (i, text) in file.padded_batch.texts.enumerated() {
            let n = file.padded_batch.attention_mask[i].reduce(0, +)
            XCTAssertEqual(tok.encode(text).ids, Array(file.padded_batch.ids[i].prefix(Int(n))), text)
            XCTAssertTrue(file.padded_batch.ids[i].dropFirst(Int(n)).allSatisfy { $0 == tok.padId })
        }
    }
}
