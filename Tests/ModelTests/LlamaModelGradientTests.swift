import Foundation
import XCTest
import LinearAlgebra
import LoRA
@testable import Model

/// The whole decoder + LoRA on all seven targets + the masked causal-LM loss against finite differences on a tiny random
/// Llama (grouped-query: 4 query heads over 2 key/value heads), and LoRA's exactness properties on it.
final class LlamaModelGradientTests: XCTestCase {
    /// d = 16, 4 heads of 4 over 2 KV heads, d_ff = 24, 40 tokens. RoPE base 100 so both frequency pairs (1 and 0.1 rad
    /// per position) turn noticeably over a few positions.
    static let config = LlamaConfig(vocabularySize: 40, hiddenSize: 16, layers: 2, heads: 4, kvHeads: 2, intermediateSize: 24,
                                    maxPositions: 32, rmsNormEps: 1e-5, ropeBase: 100)

    /// Weights N(0, 0.3²): q·k/√dₕ and the logits are O(1), so softmax, SiLU and RMSNorm all run in their curved range.
    static func model(tied: Bool = true) -> LlamaModel {
        LlamaModel.random(config: config, seed: 7, std: 0.3, perturbNorms: true, tied: tied)
    }

    /// Two sequences of 6 and 4 tokens; the targets are each sequence's last 3 and 2 tokens (the rest is prompt).
    static let sequences: [[Int32]] = [[3, 17, 5, 22, 9, 31], [8, 1, 39, 12]]
    static let targets: [[Float]] = [[0, 0, 0, 1, 1, 1], [0, 0, 1, 1]]

    static func packed() -> (Batch, [Float]) {
        (Batch(packing: sequences.map { (ids: $0, typeIds: [Int32](repeating: 0, count: $0.count)) }), targets.flatMap { $0 })
    }

    /// The same sequences right-padded to 6 rows (the second one's 2 padding rows hold id 0 and are never targets).
    static func padded() -> (Batch, [Float]) {
        let batch = Batch(sequences: sequences.map { (ids: $0, typeIds: [Int32](repeating: 0, count: $0.count)) }, padId: 0)
        return (batch, targets[0] + targets[1] + [0, 0])
    }

    /// Adapters on every target of every layer with B ≠ 0, so every path carries gradient.
    static func adapt(_ model: LlamaModel, targets: [LlamaTarget] = LlamaTarget.allCases, layers: [Int]? = nil) -> [LoRAAdapter] {
        let adapters = model.attachAdapters(targets: targets, layers: layers, parameters: LoRAParameters(rank: 2, alpha: 4), initSeed: 3)
        var rng = SeededGenerator(seed: 99)
        for a in adapters { for i in 0..<a.b.value.storage.count { a.b.value.storage[i] = Float(rng.nextGaussian() * 0.3) } }
        return adapters
    }

    private func checkGradients(_ model: LlamaModel, _ adapters: [LoRAAdapter], batch: Batch, targetMask: [Float],
                                minimumChecked: Int = 100, file: StaticString = #filePath, line: UInt = #line) throws {
        let ws = LlamaWorkspace(config: model.config)
        for a in adapters { a.a.zeroGrad(); a.b.zeroGrad() }
        let (loss, tokens) = try model.causalLMLoss(batch, targetMask: targetMask, workspace: ws, backward: true)
        XCTAssertEqual(tokens, Int(targetMask.reduce(0, +)), file: file, line: line)
        XCTAssertTrue(loss > 1 && loss < 10, "loss \(loss)", file: file, line: line)
        func lossOnly() -> Double { try! model.causalLMLoss(batch, targetMask: targetMask, workspace: ws, backward: false).loss }
        var checked = 0
        for p in adapters.flatMap({ [$0.a, $0.b] }) {
            let analytic = p.grad.storage
            XCTAssertTrue(analytic.contains { $0 != 0 }, "\(p.name) got no gradient", file: file, line: line)
            let stride = max(1, p.count / 12)
            for i in Swift.stride(from: 0, to: p.count, by: stride) {
                let num = GradientCheck.numeric(p, i) { lossOnly() }
                XCTAssertTrue(GradientCheck.close(Double(analytic[i]), num), "\(p.name)[\(i)] analytic \(analytic[i]) numeric \(num)",
                              file: file, line: line)
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, minimumChecked, file: file, line: line)
    }

    func testLoRAGradientsOfMaskedCausalLMLossMatchFiniteDifferences() throws {
        let model = Self.model()
        let adapters = Self.adapt(model)
        XCTAssertEqual(adapters.count, 14)
        let (batch, mask) = Self.packed()
        try checkGradients(model, adapters, batch: batch, targetMask: mask)
    }

    func testPaddedBatchGradientsMatchFiniteDifferences() throws {
        let model = Self.model(tied: false)
        let adapters = Self.adapt(model)
        let (batch, mask) = Self.padded()
        try checkGradients(model, adapters, batch: batch, targetMask: mask)
    }

    /// Adapters on layer 1 only (q and ffn_gate): layer 0 is not traversed backward, and the gradients still match.
    func testBackwardStopsAtLowestAdaptedLayer() throws {
        let model = Self.model()
        let adapters = Self.adapt(model, targets: [.q, .ffnGate], layers: [1])
        let (batch, mask) = Self.packed()
        try checkGradients(model, adapters, batch: batch, targetMask: mask, minimumChecked: 50)
    }

    /// Packed and right-padded layouts give the same loss and the same adapter gradients (the padding rows are causal
    /// dead ends and never targets).
    func testPackedAndPaddedAgree() throws {
        let model = Self.model()
        let adapters = Self.adapt(model)
        func run(_ input: (Batch, [Float])) throws -> (Double, [Float]) {
            for a in adapters { a.a.zeroGrad(); a.b.zeroGrad() }
            let ws = LlamaWorkspace(config: model.config)
            let loss = try model.causalLMLoss(input.0, targetMask: input.1, workspace: ws, backward: true).loss
            return (loss, adapters.flatMap { $0.a.grad.storage + $0.b.grad.storage })
        }
        let (lossP, gradP) = try run(Self.packed())
        let (lossD, gradD) = try run(Self.padded())
        XCTAssertEqual(lossP, lossD, accuracy: 1e-6)
        for (p, d) in zip(gradP, gradD) { XCTAssertEqual(p, d, accuracy: 1e-5) }
    }

    /// The loss equals its definition computed naively: logits of every row from `logits(rows:)`, log-softmax in Double,
    /// the mean over target tokens; with chunks of 3 rows (several chunks) and an untied output matrix.
    func testLossEqualsNaiveDefinition() throws {
        for tied in [true, false] {
            let model = Self.model(tied: tied)
            let (batch, mask) = Self.packed()
            let ws = LlamaWorkspace(config: model.config)
            let rows = LlamaModel.predictingRows(batch, targetMask: mask)
            XCTAssertEqual(rows, [2, 3, 4, 7, 8])
            let loss = try model.causalLMLoss(batch, targetMask: mask, workspace: ws, backward: false, chunkRows: 3).loss
            try model.forward(batch, workspace: ws)
            let z = model.logits(rows: Array(0..<batch.rows), workspace: ws)
            var expected = 0.0
            for r in rows {
                let row = (0..<z.cols).map { Double(z[r, $0]) }
                let mx = row.max()!
                expected += mx + Foundation.log(row.map { Foundation.exp($0 - mx) }.reduce(0, +)) - row[Int(batch.ids[r + 1])]
            }
            XCTAssertEqual(loss, expected / Double(rows.count), accuracy: 1e-6, "tied \(tied)")
            // No targets: loss 0 from 0 tokens.
            let none = try model.causalLMLoss(batch, targetMask: [Float](repeating: 0, count: batch.rows), workspace: ws, backward: true)
            XCTAssertEqual(none.loss, 0)
            XCTAssertEqual(none.tokens, 0)
        }
    }

    /// With B = 0 every adapter contributes exactly zero: the logits equal the base model's bit for bit.
    func testZeroBGivesExactlyTheBaseModel() throws {
        let model = Self.model()
        let (batch, _) = Self.packed()
        let ws = LlamaWorkspace(config: model.config)
        try model.forward(batch, workspace: ws)
        let base = model.logits(rows: Array(0..<batch.rows), workspace: ws)
        let adapters = model.attachAdapters(targets: LlamaTarget.allCases, parameters: LoRAParameters(rank: 3, alpha: 8), initSeed: 1)
        XCTAssertEqual(adapters.map(\.a.name).first, "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight")
        XCTAssertEqual(adapters.map(\.b.name).last, "base_model.model.model.layers.1.mlp.down_proj.lora_B.weight")
        try model.forward(batch, workspace: ws)
        XCTAssertEqual(model.logits(rows: Array(0..<batch.rows), workspace: ws), base)
    }

    /// Merging every adapter into its W gives the unmerged outputs (to Float32 rounding of W + ΔW, < 1e-5 on O(1) logits;
    /// a wrong scaling or transpose would move them by O(‖ΔW‖) ≈ 0.1).
    func testMergeMatchesUnmerged() throws {
        let model = Self.model()
        _ = Self.adapt(model)
        let (batch, _) = Self.packed()
        let ws = LlamaWorkspace(config: model.config, forInference: true)
        try model.forward(batch, workspace: ws)
        let unmerged = model.logits(rows: Array(0..<batch.rows), workspace: ws)
        for layer in model.layers { for t in LlamaTarget.allCases { try layer.linear(t).merge() } }
        try model.forward(batch, workspace: ws)
        XCTAssertLessThan(model.logits(rows: Array(0..<batch.rows), workspace: ws).maxAbsDifference(unmerged), 1e-5)
        let base = Self.model()
        let baseWS = LlamaWorkspace(config: base.config)
        try base.forward(batch, workspace: baseWS)
        XCTAssertGreaterThan(base.logits(rows: Array(0..<batch.rows), workspace: baseWS).maxAbsDifference(unmerged), 1e-2)
    }

    /// An inference workspace (one layer's activations reused) gives a training workspace's outputs bit for bit.
    func testInferenceWorkspaceMatchesTrainingWorkspace() throws {
        let model = Self.model()
        _ = Self.adapt(model)
        let (batch, _) = Self.packed()
        let train = LlamaWorkspace(config: model.config), infer = LlamaWorkspace(config: model.config, forInference: true)
        try model.forward(batch, workspace: train)
        try model.forward(batch, workspace: infer)
        XCTAssertEqual(model.logits(rows: Array(0..<batch.rows), workspace: infer), model.logits(rows: Array(0..<batch.rows), workspace: train))
        XCTAssertLessThan(infer.allocatedBytes, train.allocatedBytes)
    }

    func testInvalidInputsThrow() throws {
        let model = Self.model()
        let ws = LlamaWorkspace(config: model.config)
        XCTAssertThrowsError(try model.forward(Batch(packing: [(ids: [1, 40], typeIds: [0, 0])]), workspace: ws)) { error in
            XCTAssertEqual(error as? ModelError, .tokenOutOfRange(position: 1, id: 40, vocabularySize: 40))
        }
        let long = [Int32](repeating: 1, count: 33)
        XCTAssertThrowsError(try model.forward(Batch(packing: [(ids: long, typeIds: long.map { _ in 0 })]), workspace: ws)) { error in
            XCTAssertEqual(error as? ModelError, .sequenceTooLong(length: 33, maxPositions: 32))
        }
        // A BERT adapter does not attach to a Llama model.
        let bert = LoRAAdapter(target: .q, layer: 0, inFeatures: 16, outFeatures: 16, parameters: LoRAParameters(rank: 2, alpha: 2), initSeed: 1)
        XCTAssertThrowsError(try model.attach([bert]))
        let wrongShape = LoRAAdapter(site: LlamaTarget.k, layer: 0, inFeatures: 16, outFeatures: 16, parameters: LoRAParameters(rank: 2, alpha: 2), initSeed: 1)
        XCTAssertThrowsError(try model.attach([wrongShape])) { error in XCTAssertTrue("\(error)".contains("k_proj is 16×16, the model's matrix is 8×16"), "\(error)") }
    }
}
