import Foundation
import LoRA
import Model
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// Specs of the `wordnet-gloss` generation task on a Llama-family GGUF checkpoint: strict decoding (defaults, every
/// key, unknown and foreign keys, ranges), the JSON round trip, resolution against a decoder's shape (k and v of width
/// H_kv·dₕ, a GGUF file or its folder as the checkpoint) and the errors for a task of the wrong family.
final class WordNetGlossSpecTests: XCTestCase {
    var repo: TemporaryDirectory!

    override func setUpWithError() throws {
        repo = try TemporaryDirectory.repository()
        try repo.write("models/Smol/model.Q4_1.gguf", "not read by resolution")
        try repo.write("models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf", "not read by resolution")
    }
    override func tearDown() { repo = nil }

    /// SmolLM2-135M's shape as its GGUF metadata gives it.
    static let smolShape = ModelShape(llama: LlamaConfig(vocabularySize: 49152, hiddenSize: 576, layers: 30, heads: 9, kvHeads: 3,
                                                         intermediateSize: 1536, maxPositions: 8192, rmsNormEps: 1e-5, ropeBase: 100_000))

    func spec(task: String = #"{"kind": "wordnet-gloss"}"#, model: String = #"{"checkpoint": "models/Smol"}"#,
              adapters: String = #"[{"targets": ["q", "v"], "ranks": [1, 8, 64]}]"#, extra: String = "") throws -> ExperimentSpec {
        try Fixtures.spec(json: """
        {"name": "g", "model": \(model), "task": \(task), "adapters": \(adapters), "training": {"steps": 300}\(extra)}
        """)
    }

    func message(_ body: () throws -> Void) -> String? { specError(body)?.description }

    // MARK: decoding

    func testDefaults() throws {
        guard case .wordnetGloss(let t) = try spec().task else { return XCTFail("not a wordnet-gloss task") }
        XCTAssertEqual(t, WordNetGlossTask())
        XCTAssertEqual(t.parts, [.noun, .verb, .adj, .adv])
        XCTAssertEqual([t.maxValidation, t.maxTokens, t.generations, t.maxNewTokens], [500, 64, 4, 32])
        XCTAssertNil(t.maxTrain)
        XCTAssertFalse(t.allLemmas)
        XCTAssertTrue(TaskKind.wordnetGloss.isCausalLM)
        XCTAssertFalse(TaskKind.allCases.filter { $0 != .wordnetGloss }.contains(where: \.isCausalLM))
    }

    func testEveryKeyDecodesAndRoundTrips() throws {
        let s = try spec(task: """
        {"kind": "wordnet-gloss", "parts": ["verb", "noun"], "allLemmas": true, "maxTrain": 100, "maxValidation": null,
         "maxTokens": 2, "generations": 0, "maxNewTokens": 5, "wordnetDirectory": "wn"}
        """)
        guard case .wordnetGloss(let t) = s.task else { return XCTFail("not a wordnet-gloss task") }
        XCTAssertEqual(t.parts, [.verb, .noun])
        XCTAssertTrue(t.allLemmas)
        XCTAssertEqual(t.maxTrain, 100)
        XCTAssertNil(t.maxValidation, "null: no cap")
        XCTAssertEqual([t.maxTokens, t.generations, t.maxNewTokens], [2, 0, 5])
        XCTAssertEqual(t.wordnetDirectory, "wn")
        let written = CanonicalJSON.pretty(s.json)
        XCTAssertEqual(try ExperimentSpec.decode(data: Data(written.utf8), file: "round.json"), s)
        XCTAssertEqual(s.model, .checkpoint("models/Smol"))
    }

    func testBadKeysAndValuesNameFileFieldAndReason() {
        XCTAssertEqual(message { _ = try self.spec(task: #"{"kind": "wordnet-gloss", "maxNewTokns": 3}"#) },
                       "test.json: task: unknown key 'maxNewTokns' — did you mean 'maxNewTokens'?")
        XCTAssertEqual(message { _ = try self.spec(task: #"{"kind": "wordnet-gloss", "classBalanced": true}"#) },
                       "test.json: task: unknown key 'classBalanced' — it belongs to task kind wordnet-supersense, not wordnet-gloss")
        XCTAssertEqual(message { _ = try self.spec(task: #"{"kind": "wordnet-supersense", "generations": 2}"#) },
                       "test.json: task: unknown key 'generations' — it belongs to task kind wordnet-gloss, not wordnet-supersense")
        XCTAssertEqual(message { _ = try self.spec(task: #"{"kind": "wordnet-gloss", "maxTokens": 1}"#) },
                       "test.json: task.maxTokens: must be ≥ 2, got 1")
        XCTAssertEqual(message { _ = try self.spec(task: #"{"kind": "wordnet-gloss", "generations": -1}"#) },
                       "test.json: task.generations: must be ≥ 0, got -1")
        XCTAssertEqual(message { _ = try self.spec(task: #"{"kind": "wordnet-gloss", "maxNewTokens": 0}"#) },
                       "test.json: task.maxNewTokens: must be ≥ 1, got 0")
        XCTAssertEqual(message { _ = try self.spec(task: #"{"kind": "wordnet-gloss", "parts": ["noun", "noun"]}"#) },
                       "test.json: task.parts[1]: duplicate part \"noun\" (also at [0])")
        XCTAssertEqual(message { _ = try self.spec(task: #"{"kind": "wordnet-gloss", "allLemmas": "yes"}"#) },
                       "test.json: task.allLemmas: expected true or false, got \"yes\"")
        XCTAssertEqual(message { _ = try self.spec(adapters: #"[{"targets": ["q"], "ranks": [1]}, {"headOnly": true}]"#) },
                       "test.json: adapters[1]: a head-only baseline needs a task with a head (task kind 'wordnet-gloss' trains none)")
    }

    // MARK: resolution

    func plan(_ s: ExperimentSpec, shape: ModelShape = smolShape) throws -> RunPlan {
        try RunPlan.resolve(s, modelShape: shape, baseDirectory: repo.url, file: "g.json")
    }

    func testResolvesOnADecoderWithItsKeyValueWidth() throws {
        for checkpoint in ["models/Smol", "models/Smol/model.Q4_1.gguf"] {
            let p = try plan(spec(model: "{\"checkpoint\": \"\(checkpoint)\"}"))
            XCTAssertEqual(p.runs.map(\.lora.rank), [1, 8, 64], checkpoint)
            // 30 layers × ((576 + 576) for q + (576 + 192) for v): k and v map d → H_kv·dₕ = 3 · 64.
            XCTAssertEqual(p.adapterSets[0].parametersPerRank, 30 * (1152 + 768), checkpoint)
            XCTAssertEqual(p.adapterSets[0].layers, Array(0..<30))
        }
        XCTAssertEqual(Self.smolShape.dimensions(of: .k).outFeatures, 192)
        XCTAssertEqual(Self.smolShape.dimensions(of: .ffnUp).outFeatures, 1536)
        XCTAssertTrue(Self.smolShape.isDecoder)
        XCTAssertFalse(ModelShape.miniLML6.isDecoder)
    }

    func testResolvedSpecRecordsTheDecodersShapeAndBERTsKeepsItsBytes() throws {
        let text = String(decoding: try plan(spec()).resolved.jsonData(), as: UTF8.self)
        XCTAssertTrue(text.contains("\"family\" : \"llama\"") || text.contains("\"family\": \"llama\""), text)
        XCTAssertTrue(text.contains("keyValueHidden"))
        let bert = CanonicalJSON.pretty(ModelShape.miniLML6.json)
        XCTAssertFalse(bert.contains("family") || bert.contains("keyValueHidden"), "BERT's resolved specs keep their bytes")
    }

    func testAWrongFamilyIsRefusedAtResolution() throws {
        XCTAssertEqual(message { _ = try self.plan(self.spec(model: #"{"checkpoint": "models/all-MiniLM-L6-v2"}"#), shape: .miniLML6) },
                       "g.json: task.kind: 'wordnet-gloss' is a generation task trained with the causal-LM objective; it needs a "
                        + "decoder checkpoint (a Llama-family GGUF file), and the model is a BERT encoder")
        XCTAssertEqual(message { _ = try self.plan(self.spec(task: #"{"kind": "wordnet-supersense"}"#)) },
                       "g.json: task.kind: 'wordnet-supersense' trains an encoder (a head on pooled hidden states or the planted "
                        + "hidden states); the model is a llama decoder, which trains 'wordnet-gloss'")
    }

    func testAMissingGGUFOrAFolderWithoutOneIsRefused() throws {
        try repo.write("models/Empty/readme.txt", "no weights")
        XCTAssertEqual(message { _ = try self.plan(self.spec(model: #"{"checkpoint": "models/Empty"}"#)) },
                       "g.json: model.checkpoint: 'models/Empty' is not a checkpoint directory: it has no config.json (nor exactly one .gguf file)")
        try repo.write("models/file.bin", "x")
        XCTAssertEqual(message { _ = try self.plan(self.spec(model: #"{"checkpoint": "models/file.bin"}"#)) },
                       "g.json: model.checkpoint: 'models/file.bin' is a file; expected a checkpoint directory or a .gguf file")
    }

    func testTheCommittedSmolLM2SpecDecodes() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("experiments/specs/smollm-qv-rank.json")
        let s = try ExperimentSpec.decode(data: Data(contentsOf: url), file: "smollm-qv-rank.json")
        XCTAssertEqual(s.task.kind, .wordnetGloss)
        XCTAssertEqual(s.adapters.first?.targets, [.q, .v])
        XCTAssertEqual(s.training.totalSteps(trainExamples: 93_994), 300)
        let p = try plan(s)
        XCTAssertEqual(p.runs.map(\.lora.rank), [1, 2, 4, 8, 64])
    }
}
