import XCTest
import Model
@testable import Tasks

/// Examples cut to `maxTokens` are counted per split, so the CLI can warn instead of truncating without a word.
final class TruncationCountTests: XCTestCase {
    func testTruncatedExamplesAreCounted() throws {
        let (_, tokenizer) = try BuiltinTiny.make()
        let long = String(repeating: "the dog ", count: 20)
        let data = TextDataset(name: "t", labels: ["a", "b"],
                               train: [TextExample(id: "1", text: long, label: 0), TextExample(id: "2", text: "a dog", label: 1),
                                       TextExample(id: "3", text: "a dog", textPair: long, label: 1)],
                               validation: [TextExample(id: "4", text: "a cat", label: 0)], test: [])
        let t = TokenizedDataset(data, tokenizer: tokenizer, maxTokens: 8)
        XCTAssertEqual(t.truncated, [.train: 2], "two of three train examples are cut; validation none")
        XCTAssertEqual(t.train.map(\.ids.count), [8, 4, 8])
        XCTAssertEqual(t.train[0].ids, tokenizer.encode(long, maxLength: 8).ids, "the same cut as the tokenizer's")
    }
}
