import Foundation
import XCTest
import GGUF
import LinearAlgebra
import LoRA
import Tokenization
@testable import Model

/// Greedy decoding with a key/value cache: against the full forward pass on a small random model, and against
/// transformers' `generate(do_sample=False)` on SmolLM2 (`Tests/Fixtures/smollm2-generation.json`, written by
/// scripts/make-llama-generation-fixtures.py; skipped when the GGUF file is absent, like `SmolLM2ParityTests`).
final class LlamaGenerateTests: XCTestCase {
    static let config = LlamaConfig(vocabularySize: 40, hiddenSize: 16, layers: 2, heads: 4, kvHeads: 2, intermediateSize: 24,
                                    maxPositions: 32, rmsNormEps: 1e-5, ropeBase: 10_000)

    static func model() -> LlamaModel { LlamaModel.random(config: config, seed: 11, std: 0.3, perturbNorms: true) }

    /// Logits at every position of `ids` from one full forward pass.
    static func fullLogits(_ model: LlamaModel, _ ids: [Int32]) throws -> Matrix<Float> {
        let ws = LlamaWorkspace(config: model.config, forInference: true)
        try model.forward(Batch(packing: [(ids: ids, typeIds: ids.map { _ in 0 })]), workspace: ws)
        return model.logits(rows: Array(ids.indices), workspace: ws)
    }

    /// Feeding a sequence in pieces through the cache gives, after each piece, the full pass's logits at its last row —
    /// with a LoRA adapter on q and v (non-zero B), so adapters apply on the cached path too.
    func testCachedPiecesMatchTheFullForward() throws {
        let model = Self.model()
        let adapters = model.attachAdapters(targets: [.q, .v], parameters: LoRAParameters(rank: 2, alpha: 4), initSeed: 3)
        for a in adapters { for i in 0..<a.b.value.count { a.b.value.storage[i] = Float(i % 5) * 0.1 - 0.2 } }
        let ids: [Int32] = [3, 17, 5, 5, 39, 0, 12, 8, 21, 30, 2, 9, 14]
        let full = try Self.fullLogits(model, ids)
        let cache = LlamaKVCache(config: model.config, capacity: 20)
        var fed = 0
        for piece in [4, 1, 1, 7] {
            let z = try model.extend(Array(ids[fed..<(fed + piece)]), cache: cache)
            fed += piece
            XCTAssertEqual(cache.count, fed)
            for j in 0..<model.config.vocabularySize { XCTAssertEqual(z[j], full[fed - 1, j], accuracy: 1e-4, "after \(fed) tokens, logit \(j)") }
        }
        XCTAssertThrowsError(try model.extend([Int32](repeating: 1, count: 8), cache: cache)) { error in
            XCTAssertEqual(error as? ModelError, .sequenceTooLong(length: 21, maxPositions: 20))
        }
        XCTAssertThrowsError(try model.extend([40], cache: LlamaKVCache(config: model.config, capacity: 4))) { error in
            XCTAssertEqual(error as? ModelError, .tokenOutOfRange(position: 0, id: 40, vocabularySize: 40))
        }
    }

    /// Greedy decoding equals the arg max of a full forward pass re-run on the growing sequence at every step, stops after
    /// the end-of-text token (which it returns), and refuses a continuation longer than the context.
    func testGreedyEqualsRecomputingTheFullPass() throws {
        let model = Self.model()
        let prompt: [Int32] = [7, 1, 33]
        var naive = prompt
        for _ in 0..<10 {
            let z = try Self.fullLogits(model, naive)
            naive.append(LlamaModel.greedyToken(z.row(naive.count - 1)))
        }
        let continuation = Array(naive[prompt.count...])
        XCTAssertEqual(try model.generateGreedy(prompt: prompt, maxNewTokens: 10, endOfText: nil), continuation)
        // A reused cache larger than needed is reset first.
        let cache = LlamaKVCache(config: model.config, capacity: 32)
        _ = try model.extend([1, 2, 3], cache: cache)
        XCTAssertEqual(try model.generateGreedy(prompt: prompt, maxNewTokens: 10, endOfText: nil, cache: cache), continuation)
        // Stops after the first occurrence of the end-of-text token.
        let stop = continuation[3]
        let cut = Array(continuation[...continuation.firstIndex(of: stop)!])
        XCTAssertEqual(try model.generateGreedy(prompt: prompt, maxNewTokens: 10, endOfText: stop), cut)
        XCTAssertEqual(try model.generateGreedy(prompt: prompt, maxNewTokens: 0, endOfText: nil), [])
        XCTAssertThrowsError(try model.generateGreedy(prompt: prompt, maxNewTokens: 31, endOfText: nil)) { error in
            XCTAssertEqual(error as? ModelError, .sequenceTooLong(length: 33, maxPositions: 32))
        }
    }

    func testGreedyTokenIsTheFirstArgMax() {
        XCTAssertEqual(LlamaModel.greedyToken([0, 3, -1, 3, 2]), 1)
        XCTAssertEqual(LlamaModel.greedyToken([.nan, -5, .nan]), 1)
        XCTAssertEqual(LlamaModel.greedyToken([-.infinity, -.infinity]), 0)
    }

    // MARK: - SmolLM2 against transformers

    struct Case: Decodable {
        let prompt: String; let prompt_ids: [Int32]; let generated: [Int32]; let text: String; let stopped_at_eos: Bool
        let margins: [Double]
    }
    struct Generator: Decodable { let eos_token_id: Int32; let max_new_tokens: Int }
    struct Fixture: Decodable { let generator: Generator; let cases: [Case] }

    static func fixture() throws -> Fixture {
        try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: SmolLM2ParityTests.root.appendingPathComponent(
            "Tests/Fixtures/smollm2-generation.json")))
    }

    /// Our greedy continuation of each prompt is transformers' token for token: the same ids, the same stop at
    /// `<|im_end|>` (EOS, id 2) or at `max_new_tokens`. Exact equality is sound where each step's top two logits are
    /// further apart than the logits' parity tolerance (1e-3, `SmolLM2ParityTests`); the fixture records the gaps and the
    /// smallest is printed (8.4e-3 at transformers 5.24).
    func testGreedyContinuationsMatchTransformers() throws {
        let (file, model) = try SmolLM2ParityTests.load()
        let fixture = try Self.fixture()
        let tokenizer = try BPETokenizer(gguf: file)
        XCTAssertEqual(tokenizer.specialIds.eos, fixture.generator.eos_token_id)
        let cache = LlamaKVCache(config: model.config, capacity: 256)
        for c in fixture.cases {
            XCTAssertEqual(tokenizer.encode(c.prompt), c.prompt_ids, c.prompt)
            let start = Date()
            let ours = try model.generateGreedy(prompt: c.prompt_ids, maxNewTokens: fixture.generator.max_new_tokens,
                                                endOfText: tokenizer.specialIds.eos, cache: cache)
            let seconds = Date().timeIntervalSince(start)
            print("SmolLM2 greedy \(c.prompt.debugDescription) → \(tokenizer.decode(ours).debugDescription) "
                  + "(\(ours.count) tokens in \(String(format: "%.2f", seconds)) s; smallest top-2 gap \(c.margins.min()!))")
            XCTAssertEqual(ours, c.generated, c.prompt)
            XCTAssertEqual(tokenizer.decode(ours), c.text)
            XCTAssertEqual(ours.last == tokenizer.specialIds.eos, c.stopped_at_eos)
        }
        XCTAssertTrue(fixture.cases.contains { $0.stopped_at_eos } && fixture.cases.contains { !$0.stopped_at_eos },
                      "the fixture exercises both stopping rules")
    }

    /// The wordnet-gloss task tokenizes prompt and target apart (`TokenizedGenerationDataset`); with SmolLM2's tokenizer
    /// that equals tokenizing the whole text, because the boundary (":" then a space and a letter) is a pre-tokenizer split.
    func testPromptAndTargetTokenizeApartAsWhole() throws {
        let (file, _) = try SmolLM2ParityTests.load()
        let tokenizer = try BPETokenizer(gguf: file)
        let examples = [
            ("dog (noun):", " a member of the genus Canis (probably descended from the common wolf) that has been domesticated by man since prehistoric times; occurs in many breeds"),
            ("bark (verb):", " make barking sounds"),
            ("abundant (adjective):", " present in great quantity"),
            ("Einstein (noun):", " physicist born in Germany who formulated the special theory of relativity and the general theory of relativity; Einstein also proposed that light consists of discrete quantized bundles of energy (later called photons) (1879-1955)"),
            ("a cappella (adverb):", " without musical accompaniment"),
        ]
        for (prompt, target) in examples {
            XCTAssertEqual(tokenizer.pieceIds(prompt) + tokenizer.pieceIds(target), tokenizer.encode(prompt + target), prompt)
        }
    }
}
