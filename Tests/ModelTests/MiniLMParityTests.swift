import Foundation
import XCTest
import LinearAlgebra
@testable import Model

/// The golden test: final hidden states of all-MiniLM-L6-v2 equal Hugging Face's (PyTorch float32, eager attention)
/// within 1e-4 max abs, for single texts, a sentence pair, and a padded batch.
///
/// Fixtures come from `scripts/make-fixtures.py` (transformers + torch). Why 1e-4: both sides compute in Float32;
/// the products run through different BLAS kernels with different summation orders (relative error ~√k·u ≈ 1e-6 per
/// dot product of length 384–1536), amplified through 6 post-LN layers with O(1) activations to ~1e-5 on values of
/// magnitude ≤ ~2. The fixture values are rounded to 7 significant digits (≤ 5e-7 here). A real bug (a wrong mask,
/// ε, GELU variant, or a transposed weight) moves outputs by 1e-2 or more.
final class MiniLMParityTests: XCTestCase {
    struct Single: Decodable {
        let text: String
        let pair: String?
        let ids: [Int32]
        let type_ids: [Int32]
        let last_hidden_state: [[Float]]
        let pooled: [Float]
    }
    struct PaddedItem: Decodable { let length: Int; let last_hidden_state: [[Float]]; let masked_mean: [Float] }
    struct Padded: Decodable { let ids: [[Int32]]; let type_ids: [[Int32]]; let attention_mask: [[Int]]; let items: [PaddedItem] }
    struct Fixture: Decodable { let singles: [Single]; let padded_batch: Padded }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func loadModel() throws -> BertModel {
        let dir = root.appendingPathComponent("models/all-MiniLM-L6-v2")
        guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("model.safetensors").path) else {
            if ProcessInfo.processInfo.environment["LORA_SKIP_CHECKPOINT_TESTS"] == "1" { throw XCTSkip("checkpoint tests skipped by LORA_SKIP_CHECKPOINT_TESTS=1") }
            XCTFail("\(dir.path) is missing: run scripts/setup.sh (or set LORA_SKIP_CHECKPOINT_TESTS=1 to skip)")
            throw XCTSkip("no checkpoint")
        }
        return try BertModel.load(checkpointDirectory: dir)
    }

    static func fixture() throws -> Fixture {
        let data = try Data(contentsOf: root.appendingPathComponent("Tests/Fixtures/minilm-hidden-states.json"))
        return try JSONDecoder().decode(Fixture.self, from: data)
    }

    func testSingleTextsAndPairMatchHuggingFace() throws {
        let model = try Self.loadModel()
        let fixture = try Self.fixture()
        XCTAssertGreaterThanOrEqual(fixture.singles.count, 5)
        let ws = EncoderWorkspace(config: model.config)
        let d = model.config.hiddenSize
        for single in fixture.singles {
            let batch = Batch(packing: [(single.ids, single.type_ids)])
            let hidden = try model.forward(batch, workspace: ws)
            var maxDiff: Float = 0
            for (t, row) in single.last_hidden_state.enumerated() {
                XCTAssertEqual(row.count, d)
                for c in 0..<d { maxDiff = max(maxDiff, abs(hidden[t, c] - row[c])) }
            }
            XCTAssertLessThan(maxDiff, 1e-4, "last_hidden_state of \(single.text.debugDescription)")
            var pooled = [Float](repeating: 0, count: d)
            Pooling.mean.forward(out: &pooled, hidden: hidden.base, mask: batch.mask, offsets: batch.offsets, width: d)
            let pooledDiff = zip(pooled, single.pooled).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(pooledDiff, 1e-4, "pooled of \(single.text.debugDescription)")
        }
    }

    func testPaddedBatchMatchesHuggingFace() throws {
        let model = try Self.loadModel()
        let p = try Self.fixture().padded_batch
        let t = p.ids[0].count
        let batch = Batch(batchSize: p.ids.count, tokens: t, ids: p.ids.flatMap { $0 }, typeIds: p.type_ids.flatMap { $0 },
                          mask: p.attention_mask.flatMap { $0.map(Float.init) })
        let ws = EncoderWorkspace(config: model.config)
        let hidden = try model.forward(batch, workspace: ws)
        let d = model.config.hiddenSize
        var pooled = [Float](repeating: 0, count: p.ids.count * d)
        Pooling.mean.forward(out: &pooled, hidden: hidden.base, mask: batch.mask, batch: batch.batchSize, tokens: t, width: d)
        for (b, item) in p.items.enumerated() {
            var maxDiff: Float = 0
            for i in 0..<item.length { for c in 0..<d { maxDiff = max(maxDiff, abs(hidden[b * t + i, c] - item.last_hidden_state[i][c])) } }
            XCTAssertLessThan(maxDiff, 1e-4, "sequence \(b) non-padding states")
            let pooledDiff = (0..<d).map { abs(pooled[b * d + $0] - item.masked_mean[$0]) }.max()!
            XCTAssertLessThan(pooledDiff, 1e-4, "sequence \(b) masked mean")
        }
    }

    /// The padded fixture's sequences packed with no padding (the layout training and validation use): every real
    /// token's state and every masked mean within the same 1e-4 of PyTorch's padded batch.
    func testPackedBatchMatchesHuggingFace() throws {
        let model = try Self.loadModel()
        let p = try Self.fixture().padded_batch
        let sequences = p.items.enumerated().map { b, item in
            (ids: Array(p.ids[b].prefix(item.length)), typeIds: Array(p.type_ids[b].prefix(item.length)))
        }
        let batch = Batch(packing: sequences)
        XCTAssertTrue(batch.isPacked)
        let ws = EncoderWorkspace(config: model.config, forInference: true)
        let hidden = try model.forward(batch, workspace: ws)
        let d = model.config.hiddenSize
        var pooled = [Float](repeating: 0, count: p.ids.count * d)
        Pooling.mean.forward(out: &pooled, hidden: hidden.base, mask: batch.mask, offsets: batch.offsets, width: d)
        for (b, item) in p.items.enumerated() {
            var maxDiff: Float = 0
            let start = batch.offsets[b]
            for i in 0..<item.length { for c in 0..<d { maxDiff = max(maxDiff, abs(hidden[start + i, c] - item.last_hidden_state[i][c])) } }
            XCTAssertLessThan(maxDiff, 1e-4, "sequence \(b) states")
            let pooledDiff = (0..<d).map { abs(pooled[b * d + $0] - item.masked_mean[$0]) }.max()!
            XCTAssertLessThan(pooledDiff, 1e-4, "sequence \(b) mean")
        }
    }

    /// Malformed checkpoints give typed errors naming the file and field/tensor.
    func testConfigErrorsNameFileAndField() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lora-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("config.json")
        try Data(#"{"vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 3, "intermediate_size": 4, "max_position_embeddings": 8}"#.utf8).write(to: config)
        XCTAssertThrowsError(try BertConfig.load(from: config)) { error in
            XCTAssertEqual(error as? ModelError, .invalidConfig(file: config.path, field: "num_attention_heads",
                                                                reason: "hidden_size 8 is not divisible by 3 heads"))
        }
        try Data(#"{"vocab_size": 10, "hidden_size": 8.5}"#.utf8).write(to: config)
        XCTAssertThrowsError(try BertConfig.load(from: config)) { error in
            XCTAssertTrue("\(error)".contains("hidden_size"), "\(error)")
        }
        try Data(#"{"vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 4, "max_position_embeddings": 8, "hidden_act": "relu"}"#.utf8).write(to: config)
        XCTAssertThrowsError(try BertConfig.load(from: config)) { error in XCTAssertTrue("\(error)".contains("hidden_act")) }
        // A config without weights.
        try Data(#"{"vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 4, "max_position_embeddings": 8}"#.utf8).write(to: config)
        XCTAssertThrowsError(try BertModel.load(checkpointDirectory: dir)) { error in
            XCTAssertEqual(error as? ModelError, .missingFile(path: dir.appendingPathComponent("model.safetensors").path))
        }
    }
}
