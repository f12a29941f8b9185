import Foundation
import XCTest
import LinearAlgebra
import LoRA
@testable import Model

/// The packed (padding-free) layout computes the same function as the padded reference layout: final hidden states of
/// real tokens, pooled states, the loss and every adapter and head gradient agree to round-off, on batches of mixed
/// lengths (a 1-token sequence, the longest, repeated lengths).
///
/// Tolerance: both layouts run the same kernels on the same real rows; what differs is the shape of each product
/// (N = Σ lengths rows instead of B·T, attention blocks of sᵦ × sᵦ instead of T × T with masked keys), so BLAS may
/// block and sum in another order (relative ~√k·u ≈ 1e-6 per dot product) and padded softmax rows add exact zeros.
/// Through L layers that stays below 1e-5 relative to the largest value; a layout bug (a wrong position id, a key from
/// another sequence, a padding row pooled) moves values by 1e-2 or more.
final class PackedBatchTests: XCTestCase {
    static let sequences: [(ids: [Int32], typeIds: [Int32])] = [
        (ids: [2, 5, 7, 9, 3, 4, 8, 6, 3], typeIds: [0, 0, 0, 0, 0, 1, 1, 1, 1]),   // the longest (9)
        (ids: [2], typeIds: [0]),                                                 // one token
        (ids: [2, 11, 3, 4], typeIds: [0, 0, 0, 0]),
        (ids: [2, 12, 13, 3], typeIds: [0, 0, 1, 1]),                             // a repeated length
        (ids: [2, 5, 6, 7, 8, 9, 10, 11, 3], typeIds: [0, 0, 0, 0, 0, 0, 0, 0, 0]),   // the longest again
    ]

    /// Runs loss + backward on `batch` and returns (real-token states in sequence order, pooled, loss, gradients).
    static func pass(_ model: BertModel, head: LinearHead, batch: Batch, labels: [Int]) throws
        -> (states: [Float], pooled: [Float], loss: Double, grads: [[Float]]) {
        let d = model.config.hiddenSize
        for p in model.adapters.flatMap({ [$0.a, $0.b] }) + head.parameters { p.zeroGrad() }
        let ws = EncoderWorkspace(config: model.config)
        return try withExtendedLifetime(ws) {
            let hidden = try model.forward(batch, workspace: ws)
            var states: [Float] = []
            for b in 0..<batch.batchSize { for row in batch.realRows(b) { for c in 0..<d { states.append(hidden[row, c]) } } }
            let pooled = FloatBuffer(capacity: batch.batchSize * d)
            Pooling.mean.forward(out: pooled.p, hidden: hidden.base, mask: batch.mask, offsets: batch.offsets, width: d)
            let k = head.outFeatures
            let logits = FloatBuffer(capacity: batch.batchSize * k), dlogits = FloatBuffer(capacity: batch.batchSize * k)
            head.forward(pooled.view(batch.batchSize, d).readOnly, into: logits.view(batch.batchSize, k))
            let loss = Loss.crossEntropy(logits: logits.view(batch.batchSize, k).readOnly, labels: labels, dlogits: dlogits.view(batch.batchSize, k))
            let dpooled = FloatBuffer(capacity: batch.batchSize * d), dh = FloatBuffer(capacity: batch.rows * d)
            head.backward(pooled.view(batch.batchSize, d).readOnly, dout: dlogits.view(batch.batchSize, k).readOnly, dpooled: dpooled.view(batch.batchSize, d))
            Pooling.mean.backward(dhidden: dh.p, dpooled: dpooled.p, mask: batch.mask, offsets: batch.offsets, width: d)
            model.backward(dHidden: dh.view(batch.rows, d).readOnly, workspace: ws)
            let grads = (model.adapters.flatMap { [$0.a, $0.b] } + head.parameters).map(\.grad.storage)
            return (states, pooled.array(batch.batchSize * d), loss, grads)
        }
    }

    static func assertClose(_ a: [Float], _ b: [Float], relative: Float, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        let scale = max(a.map(abs).max() ?? 0, 1e-12)
        let diff = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(diff, relative * scale, "\(what): max difference \(diff) on values up to \(scale)", file: file, line: line)
    }

    static func compareLayouts(_ model: BertModel, sequences: [(ids: [Int32], typeIds: [Int32])], classes: Int, relative: Float) throws {
        let head = LinearHead(inFeatures: model.config.hiddenSize, outFeatures: classes, seed: 5)
        let labels = sequences.indices.map { $0 % classes }
        let padded = Batch(sequences: sequences, padId: 0)
        let packed = Batch(packing: sequences)
        XCTAssertLessThan(packed.rows, padded.rows)
        XCTAssertEqual(packed.realTokenCount, padded.realTokenCount)
        let a = try pass(model, head: head, batch: padded, labels: labels)
        let b = try pass(model, head: head, batch: packed, labels: labels)
        assertClose(b.states, a.states, relative: relative, "final hidden states")
        assertClose(b.pooled, a.pooled, relative: relative, "pooled states")
        XCTAssertEqual(b.loss, a.loss, accuracy: Double(relative) * max(1, abs(a.loss)), "loss")
        XCTAssertEqual(a.grads.count, b.grads.count)
        for (i, (ga, gb)) in zip(a.grads, b.grads).enumerated() {
            XCTAssertTrue(ga.contains { $0 != 0 }, "gradient \(i) is not trivially zero")
            assertClose(gb, ga, relative: 1e-4, "gradient \(i)")
        }
    }

    /// Tiny random model, every matrix adapted, B ≠ 0, no dropout.
    func testTinyModelPackedEqualsPadded() throws {
        try Self.compareLayouts(ModelGradientTests.adaptedModel(), sequences: Self.sequences, classes: 3, relative: 1e-5)
    }

    /// all-MiniLM-L6-v2 with q, v adapters (B ≠ 0) on real token ids of mixed lengths.
    func testMiniLMPackedEqualsPadded() throws {
        let model = try MiniLMParityTests.loadModel()
        let adapters = model.attachAdapters(targets: [.q, .v], parameters: LoRAParameters(rank: 4, alpha: 8), initSeed: 2)
        var rng = SeededGenerator(seed: 17)
        for a in adapters { for i in 0..<a.b.value.storage.count { a.b.value.storage[i] = Float(rng.nextGaussian() * 0.05) } }
        let lengths = [1, 30, 7, 7, 30, 12, 2]
        let sequences = lengths.map { len -> (ids: [Int32], typeIds: [Int32]) in
            let body = (0..<max(0, len - 2)).map { _ in Int32(2000 + rng.nextInt(below: 20000)) }
            let ids: [Int32] = len == 1 ? [101] : [101] + body + [102]
            return (ids, [Int32](repeating: 0, count: ids.count))
        }
        try Self.compareLayouts(model, sequences: sequences, classes: 5, relative: 1e-5)
    }

    /// An inference workspace (no gradient state, one layer's buffers reused) gives the training workspace's forward
    /// pass bit for bit, and holds less memory.
    func testInferenceWorkspaceEqualsTrainingForward() throws {
        let model = ModelGradientTests.adaptedModel()
        let batch = Batch(packing: Self.sequences)
        let train = EncoderWorkspace(config: model.config), infer = EncoderWorkspace(config: model.config, forInference: true)
        let a: [Float] = try withExtendedLifetime(train) { let h = try model.forward(batch, workspace: train); return Array(UnsafeBufferPointer(start: h.base, count: h.rows * h.cols)) }
        let b: [Float] = try withExtendedLifetime(infer) { let h = try model.forward(batch, workspace: infer); return Array(UnsafeBufferPointer(start: h.base, count: h.rows * h.cols)) }
        XCTAssertEqual(a, b)
        XCTAssertLessThan(infer.allocatedBytes, train.allocatedBytes / 2)
    }
}
