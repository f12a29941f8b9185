import Foundation
import XCTest
import Model
@testable import Tasks
@testable import Tokenization

/// `wordnet-gloss` on the fixture database: prompts and targets, the seeded split and caps, option errors, and the
/// tokenized form (ids, target mask, length cap) with a toy byte-level tokenizer.
final class WordNetGlossTests: XCTestCase {
    /// One token per byte (ids 0–255 = the byte's value) plus `<eos>` (256) and `<bos>` (257) as control tokens; no merges,
    /// so a text's ids are its UTF-8 bytes.
    static func byteTokenizer(addsBos: Bool = false, eos: Int32? = 256) throws -> BPETokenizer {
        let tokens = (0..<256).map { ByteLevel.spelling(of: [UInt8($0)]) } + ["<eos>", "<bos>"]
        return try BPETokenizer(tokens: tokens, merges: [], tokenTypes: tokens.indices.map { $0 >= 256 ? 3 : 1 },
                                specialIds: .init(bos: 257, eos: eos), addsBos: addsBos)
    }

    static func bytes(_ s: String) -> [Int32] { s.utf8.map { Int32($0) } }

    func testPromptsAndTargetsOnFixture() throws {
        let wn = try TestSupport.fixtureWordNet()
        let ds = try WordNetGloss.build(wordnet: wn, options: GlossOptions(maxValidation: nil))
        XCTAssertEqual(ds.name, "wordnet-gloss")
        let all = ds.train + ds.validation + ds.test
        XCTAssertEqual(all.count, 24 + 4 + 6 + 3)
        XCTAssertEqual(Set(all.map(\.id)).count, all.count)
        let dog = try XCTUnwrap(all.first { $0.id == "n02084071" })
        XCTAssertEqual(dog.prompt, "dog (noun):")
        XCTAssertEqual(dog.target, " " + wn.synset(.noun, offset: 2_084_071)!.definition)
        XCTAssertTrue(dog.text.hasPrefix("dog (noun): a member of the genus Canis"))
        XCTAssertFalse(dog.target.contains("\""), "no example sentences")
        XCTAssertEqual(all.first { $0.id == "v00511763" }?.prompt, "bark (verb):")
        XCTAssertEqual(all.first { $0.id == "v00511763" }?.target, " tan (a skin) with bark tannins")
        for e in all where e.id.hasPrefix("a") { XCTAssertTrue(e.prompt.hasSuffix(" (adjective):"), e.prompt) }
        for e in all where e.id.hasPrefix("r") { XCTAssertTrue(e.prompt.hasSuffix(" (adverb):"), e.prompt) }
        // The split is the synset key's, as in the other WordNet tasks.
        for e in all {
            let split = SplitRule.default.split(forKey: e.id)
            XCTAssertTrue(ds.examples(split).contains(e), e.id)
        }
        let nouns = try WordNetGloss.build(wordnet: wn, options: GlossOptions(parts: [.noun], maxValidation: nil))
        XCTAssertEqual(nouns.validation.map(\.id), ["n02075296"])  // as wordnet-supersense: carnivore is the only bucket-8 noun
        XCTAssertEqual(nouns.train.count + nouns.validation.count + nouns.test.count, 24)
    }

    func testAllLemmas() throws {
        let ds = try WordNetGloss.build(wordnet: try TestSupport.fixtureWordNet(),
                                        options: GlossOptions(parts: [.noun], allLemmas: true, maxValidation: nil))
        let dog = try XCTUnwrap((ds.train + ds.validation + ds.test).first { $0.id == "n02084071" })
        XCTAssertEqual(dog.prompt, "dog, domestic dog, Canis familiaris (noun):")
    }

    func testSeededOrderAndCaps() throws {
        let wn = try TestSupport.fixtureWordNet()
        let full = try WordNetGloss.build(wordnet: wn, options: GlossOptions(maxValidation: nil))
        XCTAssertEqual(try WordNetGloss.build(wordnet: wn, options: GlossOptions(maxValidation: nil)), full, "deterministic")
        let capped = try WordNetGloss.build(wordnet: wn, options: GlossOptions(maxTrain: 5, maxValidation: 0, maxTest: 1))
        XCTAssertEqual(capped.train, Array(full.train.prefix(5)))
        XCTAssertEqual(capped.validation, [])
        XCTAssertEqual(capped.test, Array(full.test.prefix(1)))
        let offsetOrder = full.train.sorted { ($0.id.first!, $0.id) < ($1.id.first!, $1.id) }
        XCTAssertNotEqual(full.train, offsetOrder, "shuffled, not in file order")
        let reseeded = try WordNetGloss.build(wordnet: wn, options: GlossOptions(maxValidation: nil, dataSeed: 1))
        XCTAssertNotEqual(reseeded.train, full.train)
        XCTAssertEqual(Set(reseeded.train.map(\.id)), Set(full.train.map(\.id)), "the seed orders, the key splits")
    }

    func testOptionErrors() throws {
        let wn = try TestSupport.fixtureWordNet()
        let nounsOnly = try WordNet(directory: TestSupport.fixtureDirectory, parts: [.noun])
        XCTAssertThrowsDataError(try WordNetGloss.build(wordnet: nounsOnly, options: GlossOptions()),
                                 .invalidOption(field: "parts", reason: "WordNet was loaded without verb"))
        XCTAssertThrowsDataError(try WordNetGloss.build(wordnet: wn, options: GlossOptions(parts: [])),
                                 .invalidOption(field: "parts", reason: "no part of speech chosen"))
        XCTAssertThrowsDataError(try WordNetGloss.build(wordnet: wn, options: GlossOptions(parts: [.noun, .verb, .noun])),
                                 .invalidOption(field: "parts", reason: "'noun' is listed twice"))
        XCTAssertThrowsDataError(try WordNetGloss.build(wordnet: wn, options: GlossOptions(maxTest: -2)),
                                 .invalidOption(field: "maxTest", reason: "must be ≥ 0 or absent, got -2"))
        XCTAssertThrowsDataError(try WordNetGloss.build(wordnet: wn, options: GlossOptions(splitRule: SplitRule(trainBuckets: -1))),
                                 .invalidOption(field: "splitRule.trainBuckets", reason: "must be ≥ 0, got -1"))
        XCTAssertThrowsDataError(
            try WordNetGloss.build(wordnet: wn, options: GlossOptions(splitRule: SplitRule(trainBuckets: 0, validationBuckets: 0, testBuckets: 0))),
            .invalidOption(field: "splitRule", reason: "needs at least one bucket"))
    }

    func testOptionsDecodeWithDefaultsAndRoundTrip() throws {
        let decoder = JSONDecoder()
        XCTAssertEqual(try decoder.decode(GlossOptions.self, from: Data("{}".utf8)), GlossOptions())
        let partial = try decoder.decode(GlossOptions.self, from: Data(#"{"parts": ["verb"], "maxValidation": null, "dataSeed": 4}"#.utf8))
        XCTAssertEqual(partial, GlossOptions(parts: [.verb], maxValidation: nil, dataSeed: 4))
        let options = GlossOptions(parts: [.adj, .adv], allLemmas: true, maxTrain: 10, maxValidation: nil, maxTest: 3, dataSeed: 9,
                                   splitRule: SplitRule(trainBuckets: 6, validationBuckets: 2, testBuckets: 2))
        XCTAssertEqual(try decoder.decode(GlossOptions.self, from: JSONEncoder().encode(options)), options)
        XCTAssertThrowsError(try decoder.decode(GlossOptions.self, from: Data(#"{"parts": ["pronoun"]}"#.utf8)))
    }

    // MARK: - Tokenized

    func testTokenizedExamplesMaskThePrompt() throws {
        let tok = try Self.byteTokenizer()
        let e = GenerationExample(id: "n1", prompt: "dog (noun):", target: " a canine")
        let ds = try TokenizedGenerationDataset(GenerationDataset(name: "g", train: [e], validation: [], test: []),
                                                tokenizer: tok, maxTokens: 64)
        let t = try XCTUnwrap(ds.train.first)
        XCTAssertEqual(ds.endOfText, 256)
        XCTAssertEqual(t.ids, Self.bytes("dog (noun):") + Self.bytes(" a canine") + [256])
        XCTAssertEqual(t.promptTokens, 11)
        XCTAssertEqual(t.targetMask, [Float](repeating: 0, count: 11) + [Float](repeating: 1, count: 10))
        XCTAssertEqual(t.promptIds, Self.bytes("dog (noun):"))
        XCTAssertEqual(t.targetIds, Self.bytes(" a canine") + [256])
        XCTAssertTrue(t.isComplete)
        XCTAssertEqual(ds.targetTokenCount(.train), 10)
        XCTAssertEqual(ds.meanLength(.train), 21)
        XCTAssertEqual(ds.truncated, [:])
        XCTAssertEqual(ds.dropped, [:])

        // A tokenizer that adds BOS puts it before the prompt, masked; EOS can be named explicitly.
        let withBos = try TokenizedGenerationDataset(GenerationDataset(name: "g", train: [e], validation: [], test: []),
                                                     tokenizer: try Self.byteTokenizer(addsBos: true, eos: nil), maxTokens: 64,
                                                     endOfText: 257)
        XCTAssertEqual(withBos.train[0].ids, [257] + Self.bytes("dog (noun):") + Self.bytes(" a canine") + [257])
        XCTAssertEqual(withBos.train[0].promptTokens, 12)
    }

    func testLengthCapTruncatesTargetsAndDropsLongPrompts() throws {
        let tok = try Self.byteTokenizer()
        let fits = GenerationExample(id: "a", prompt: "ab:", target: " cd")       // 3 + 3 + EOS = 7
        let long = GenerationExample(id: "b", prompt: "ab:", target: " cdefgh")   // 3 + 7 + EOS = 11
        let noRoom = GenerationExample(id: "c", prompt: "abcdefg:", target: " x") // prompt 8 tokens
        let ds = try TokenizedGenerationDataset(GenerationDataset(name: "g", train: [fits, long], validation: [noRoom, fits], test: [long]),
                                                tokenizer: tok, maxTokens: 8)
        XCTAssertEqual(ds.train.map(\.id), ["a", "b"])
        XCTAssertTrue(ds.train[0].isComplete)
        XCTAssertEqual(ds.train[0].ids.last, 256)
        XCTAssertFalse(ds.train[1].isComplete)
        XCTAssertEqual(ds.train[1].ids, Self.bytes("ab: cdef"), "cut to 8 tokens, no end-of-text")
        XCTAssertEqual(ds.train[1].targetMask.reduce(0, +), 5)
        XCTAssertEqual(ds.validation.map(\.id), ["a"])
        XCTAssertEqual(ds.truncated, [.train: 1, .test: 1])
        XCTAssertEqual(ds.dropped, [.validation: 1])
        // Exactly full: prompt + target + EOS = maxTokens is complete.
        XCTAssertEqual(TokenizedGenerationDataset.tokenize(fits, tokenizer: tok, maxTokens: 7, endOfText: 256)?.isComplete, true)
        XCTAssertEqual(TokenizedGenerationDataset.tokenize(fits, tokenizer: tok, maxTokens: 6, endOfText: 256)?.isComplete, false)
        XCTAssertNil(TokenizedGenerationDataset.tokenize(fits, tokenizer: tok, maxTokens: 3, endOfText: 256))
    }

    func testTokenizationErrors() throws {
        let tok = try Self.byteTokenizer()
        let data = GenerationDataset(name: "g", train: [GenerationExample(id: "a", prompt: "abcd:", target: " e")], validation: [], test: [])
        XCTAssertThrowsDataError(try TokenizedGenerationDataset(data, tokenizer: tok, maxTokens: 1),
                                 .invalidOption(field: "maxTokens", reason: "must be ≥ 2 (a prompt token and a target token), got 1"))
        XCTAssertThrowsDataError(try TokenizedGenerationDataset(data, tokenizer: try Self.byteTokenizer(eos: nil), maxTokens: 16),
                                 .invalidOption(field: "endOfText", reason: "the tokenizer defines no end-of-text (EOS) token; name one"))
        XCTAssertThrowsDataError(try TokenizedGenerationDataset(data, tokenizer: tok, maxTokens: 16, endOfText: 258),
                                 .invalidOption(field: "endOfText", reason: "id 258 is outside the vocabulary (0..<258)"))
        XCTAssertThrowsDataError(try TokenizedGenerationDataset(data, tokenizer: tok, maxTokens: 5),
                                 .invalidOption(field: "maxTokens", reason: "5 leaves no room for a target token after any training prompt"))
    }

    /// Packed batches carry the masks in the batch's row order, and the causal-LM loss then predicts exactly the target
    /// tokens: from the last prompt row to the row before the last.
    func testBatchesPredictExactlyTheTargets() throws {
        let wn = try TestSupport.fixtureWordNet()
        let text = try WordNetGloss.build(wordnet: wn, options: GlossOptions(maxValidation: nil))
        let ds = try TokenizedGenerationDataset(text, tokenizer: try Self.byteTokenizer(), maxTokens: 48)
        XCTAssertEqual(ds.train.count, text.train.count)
        XCTAssertGreaterThan(ds.truncated[.train] ?? 0, 0, "some fixture glosses are longer than 48 bytes")
        let examples = Array(ds.train.prefix(4))
        let (batch, mask) = GenerationBatching.batch(examples)
        XCTAssertEqual(batch.offsets, examples.reduce(into: [0]) { $0.append($0.last! + $1.ids.count) })
        XCTAssertEqual(batch.ids, examples.flatMap(\.ids))
        XCTAssertEqual(mask, examples.flatMap(\.targetMask))
        var expected: [Int] = []
        for (b, e) in examples.enumerated() { expected += (batch.offsets[b] + e.promptTokens - 1)..<(batch.offsets[b + 1] - 1) }
        XCTAssertEqual(LlamaModel.predictingRows(batch, targetMask: mask), expected)
        XCTAssertEqual(expected.count, examples.reduce(0) { $0 + $1.ids.count - $1.promptTokens })
    }
}
