import Foundation
import XCTest
import GGUF
import LinearAlgebra
import LoRA
import Tokenization
@testable import Model

/// The golden test of the Llama family: SmolLM2-135M-Instruct (the Q4_1 GGUF of scripts/setup.sh) against Hugging Face
/// transformers loading the same file (`Tests/Fixtures/smollm2-logits.json`, written by scripts/make-llama-fixtures.py):
/// logits at every position of three texts, the masked causal-LM loss, the un-permuted q/k weights, and the loss and
/// LoRA gradients with PEFT adapters on all seven projections of all 30 layers.
///
/// Skipped only when the GGUF file is absent (run scripts/setup.sh), or, as every checkpoint test, with
/// `LORA_SKIP_CHECKPOINT_TESTS=1`.
///
/// Tolerances. Both sides run float32 on identical weights: gguf-py's dequantised values, which the Swift reader gives
/// bit for bit (`RealSmolLM2Tests`), in the same q/k row order (checked exactly here). What differs is rounding only:
/// BLAS kernels sum the k = 576 or 1536 products of every dot product in other orders (relative error ~√k·u ≈ 1.5e-6,
/// u = 6e-8, when the rounding errors behave as a random walk), and exp, SiLU, rsqrt and cos/sin differ in the last bit.
/// The 30 layers' ~7 products each add such independent errors to the residual stream, √210 × 1.5e-6 ≈ 2e-5 of its
/// scale, and logits up to |z| ≈ 20 inherit that relative error: ~4e-4 at worst. Measured (transformers 5.24, torch 2.15,
/// OpenBLAS, this machine): max |Δlogit| 6.7e-5 for each text alone and 8.2e-5 packed, |Δlogsumexp| 3.9e-5, |Δloss|
/// 8.3e-6; with LoRA on all 210 projections |Δloss| 8.4e-6, |Δlogit| 2.3e-5 and gradient entries within 1.1e-4 of their
/// factor's gradient norm. The bounds are about 10× the measurements and above the estimate: 1e-3 on logits (and on
/// log-sum-exp and mean), 1e-4 on losses, 1e-3 × ‖gradient‖ on gradients. A real bug is far outside them: rotating q
/// and k as stored in the GGUF, without the un-permutation, moves the logits by more than 1
/// (measured 12, `testSkippingTheUnpermutationChangesTheLogits`); other bugs (a wrong ε or RoPE base, an untied head, a
/// wrong LoRA transpose, scaling or missing gradient path) were not injected here, but each changes a term of the
/// computation itself rather than its rounding, and the finite-difference tests catch the gradient ones on a tiny model.
final class SmolLM2ParityTests: XCTestCase {
    struct Position: Decodable { let top: [[Double]]; let logsumexp: Double; let mean: Double; let sample: [Float] }
    struct Text: Decodable { let text: String; let ids: [Int32]; let prompt_tokens: Int; let loss: Double; let positions: [Position] }
    struct WeightSamples: Decodable { let name: String; let samples: [[Double]] }
    struct FactorGradient: Decodable { let norm: Double; let samples: [[Double]] }
    struct AdapterGradient: Decodable { let layer: Int; let module: String; let A: FactorGradient; let B: FactorGradient }
    struct LoRACase: Decodable {
        let rank: Int; let alpha: Double; let targets: [String]; let text_index: Int; let loss: Double
        let last_position: Position; let gradients: [AdapterGradient]
    }
    struct Fixture: Decodable { let vocab_sample: [Int]; let texts: [Text]; let weights: [WeightSamples]; let lora: LoRACase }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let path = root.appendingPathComponent("models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf")

    static let logitTolerance: Float = 1e-3
    static let lossTolerance = 1e-4
    static let gradientTolerance = 1e-3

    /// Loaded once for all tests of this class (about 0.5 GB of float32 weights).
    nonisolated(unsafe) private static var cached: (GGUFFile, LlamaModel)?

    static func load() throws -> (GGUFFile, LlamaModel) {
        if let cached { return cached }
        if ProcessInfo.processInfo.environment["LORA_SKIP_CHECKPOINT_TESTS"] == "1" {
            throw XCTSkip("checkpoint tests skipped by LORA_SKIP_CHECKPOINT_TESTS=1")
        }
        guard FileManager.default.fileExists(atPath: path.path) else {
            throw XCTSkip("\(path.path) is not installed (run scripts/setup.sh)")
        }
        let file = try GGUFFile(contentsOf: path)
        let loaded = (file, try LlamaModel.load(gguf: file))
        cached = loaded
        return loaded
    }

    static func fixture() throws -> Fixture {
        try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: root.appendingPathComponent("Tests/Fixtures/smollm2-logits.json")))
    }

    /// Largest differences between our logits rows and the fixture's positions.
    struct Differences {
        var logit: Float = 0, logsumexp = 0.0, mean = 0.0
        mutating func add(_ z: [Float], _ p: Position, sample: [Int], label: String) {
            for (k, index) in sample.enumerated() { logit = max(logit, abs(z[index] - p.sample[k])) }
            for pair in p.top { logit = max(logit, abs(z[Int(pair[0])] - Float(pair[1]))) }
            let mx = Double(z.max()!)
            let lse = mx + Foundation.log(z.reduce(0.0) { $0 + Foundation.exp(Double($1) - mx) })
            logsumexp = max(logsumexp, abs(lse - p.logsumexp))
            mean = max(mean, abs(z.reduce(0.0) { $0 + Double($1) } / Double(z.count) - p.mean))
            // The arg max agrees unless transformers' top two are within the tolerance of each other.
            if p.top[0][1] - p.top[1][1] > Double(SmolLM2ParityTests.logitTolerance) {
                XCTAssertEqual(z.indices.max { z[$0] < z[$1] }, Int(p.top[0][0]), "arg max at \(label)")
            }
        }
    }

    func testConfigAndTokensMatchTransformers() throws {
        let (file, model) = try Self.load()
        let c = model.config
        XCTAssertEqual([c.vocabularySize, c.hiddenSize, c.layers, c.heads, c.kvHeads, c.intermediateSize, c.headSize],
                       [49152, 576, 30, 9, 3, 1536, 64])
        XCTAssertEqual(c.ropeBase, 100_000)
        XCTAssertEqual(c.rmsNormEps, 9.999999747378752e-06)
        XCTAssertTrue(model.tiedEmbeddings)
        let tokenizer = try BPETokenizer(gguf: file)
        for t in try Self.fixture().texts { XCTAssertEqual(tokenizer.encode(t.text), t.ids, t.text) }
    }

    /// transformers' q_proj and k_proj (after its reverse permutation) equal ours exactly at the recorded entries.
    func testUnpermutedQueryAndKeyWeightsEqualTransformers() throws {
        let (_, model) = try Self.load()
        for w in try Self.fixture().weights {
            let parts = w.name.split(separator: ".")
            let layer = model.layers[Int(parts[2])!]
            let linear = parts[4] == "q_proj" ? layer.query : layer.key
            XCTAssertEqual(linear.name, w.name)
            for s in w.samples { XCTAssertEqual(linear.weight[Int(s[0]), Int(s[1])], Float(s[2]), "\(w.name)[\(Int(s[0])), \(Int(s[1]))]") }
        }
    }

    /// Every position of each text alone, then all three packed in one batch.
    func testLogitsMatchTransformers() throws {
        let (_, model) = try Self.load()
        let fixture = try Self.fixture()
        let ws = LlamaWorkspace(config: model.config, forInference: true)
        var alone = Differences()
        var perText: [[[Float]]] = []
        for t in fixture.texts {
            try model.forward(Batch(packing: [(ids: t.ids, typeIds: t.ids.map { _ in 0 })]), workspace: ws)
            let z = model.logits(rows: Array(t.ids.indices), workspace: ws)
            perText.append(t.ids.indices.map { z.row($0) })
            for (i, p) in t.positions.enumerated() { alone.add(z.row(i), p, sample: fixture.vocab_sample, label: "\(t.text.prefix(12))… @\(i)") }
        }
        print("SmolLM2 parity, texts alone: max |Δlogit| \(alone.logit), |Δlogsumexp| \(alone.logsumexp), |Δmean| \(alone.mean)")
        XCTAssertLessThan(alone.logit, Self.logitTolerance)
        XCTAssertLessThan(alone.logsumexp, Double(Self.logitTolerance))
        XCTAssertLessThan(alone.mean, Double(Self.logitTolerance))

        let batch = Batch(packing: fixture.texts.map { (ids: $0.ids, typeIds: $0.ids.map { _ in 0 }) })
        try model.forward(batch, workspace: ws)
        let z = model.logits(rows: Array(0..<batch.rows), workspace: ws)
        var packed = Differences()
        var packedVsAlone: Float = 0
        for (b, t) in fixture.texts.enumerated() {
            for (i, p) in t.positions.enumerated() {
                let row = z.row(batch.offsets[b] + i)
                packed.add(row, p, sample: fixture.vocab_sample, label: "packed \(b) @\(i)")
                packedVsAlone = max(packedVsAlone, zip(row, perText[b][i]).map { abs($0 - $1) }.max()!)
            }
        }
        print("SmolLM2 parity, packed batch: max |Δlogit| \(packed.logit); packed vs alone \(packedVsAlone)")
        XCTAssertLessThan(packed.logit, Self.logitTolerance)
        // Packing changes only the attention blocks' sizes: rounding-level differences.
        XCTAssertLessThan(packedVsAlone, 1e-3)
    }

    /// The causal-LM loss with the prompt tokens masked (labels −100) equals transformers' `outputs.loss`.
    func testMaskedLossMatchesTransformers() throws {
        let (_, model) = try Self.load()
        let ws = LlamaWorkspace(config: model.config, forInference: true)
        var worst = 0.0
        for t in try Self.fixture().texts {
            let mask = t.ids.indices.map { Float($0 >= t.prompt_tokens ? 1 : 0) }
            let (loss, tokens) = try model.causalLMLoss(Batch(packing: [(ids: t.ids, typeIds: t.ids.map { _ in 0 })]),
                                                        targetMask: mask, workspace: ws, backward: false)
            XCTAssertEqual(tokens, t.ids.count - t.prompt_tokens)
            worst = max(worst, abs(loss - t.loss))
            XCTAssertEqual(loss, t.loss, accuracy: Self.lossTolerance, t.text)
        }
        print("SmolLM2 parity, masked loss: max |Δloss| \(worst)")
    }

    /// Why the q/k rows are un-permuted, on the real checkpoint: with the rows in llama.cpp's order (as stored in the
    /// GGUF) and Hugging Face's rotate_half RoPE, the model is another model — its logits move by more than 1, a thousand
    /// times the parity tolerance. (`LlamaGGUFTests.testUnpermutedRowsGiveLlamaCppAttentionScores` shows on small
    /// matrices that un-permuted rows with rotate_half give exactly llama.cpp's attention scores.)
    func testSkippingTheUnpermutationChangesTheLogits() throws {
        let (_, model) = try Self.load()
        let t = try Self.fixture().texts[0]
        let c = model.config
        let original = model.layers.map { ($0.query.weight, $0.key.weight) }
        defer { for (layer, w) in zip(model.layers, original) { layer.query.weight = w.0; layer.key.weight = w.1 } }
        for layer in model.layers {
            layer.query.weight = Matrix(rows: c.hiddenSize, cols: c.hiddenSize, storage: LlamaGGUFTests.llamaCppPermute(
                layer.query.weight.storage, heads: c.heads, rows: c.hiddenSize, cols: c.hiddenSize))
            layer.key.weight = Matrix(rows: c.kvWidth, cols: c.hiddenSize, storage: LlamaGGUFTests.llamaCppPermute(
                layer.key.weight.storage, heads: c.kvHeads, rows: c.kvWidth, cols: c.hiddenSize))
        }
        let ws = LlamaWorkspace(config: c, forInference: true)
        try model.forward(Batch(packing: [(ids: t.ids, typeIds: t.ids.map { _ in 0 })]), workspace: ws)
        let z = model.logits(rows: Array(t.ids.indices), workspace: ws)
        var worst: Float = 0
        for (i, p) in t.positions.enumerated() { for pair in p.top { worst = max(worst, abs(z[i, Int(pair[0])] - Float(pair[1]))) } }
        print("SmolLM2 without the q/k un-permutation: max |Δlogit| over transformers' top 20 = \(worst)")
        XCTAssertGreaterThan(worst, 1000 * Self.logitTolerance)
    }

    /// PEFT's A and B on every projection of every layer (the formula of make-llama-fixtures.py): the loss, the last
    /// position's logits, and the gradients of the recorded adapters' factors.
    func testLoRALossAndGradientsMatchPEFT() throws {
        let (_, model) = try Self.load()
        let fixture = try Self.fixture()
        let lora = fixture.lora
        let modules: [String: LlamaTarget] = ["q_proj": .q, "k_proj": .k, "v_proj": .v, "o_proj": .o,
                                              "gate_proj": .ffnGate, "up_proj": .ffnUp, "down_proj": .ffnDown]
        XCTAssertEqual(Set(lora.targets), Set(modules.keys))
        defer { model.detachAdapters() }
        let adapters = model.attachAdapters(targets: LlamaTarget.allCases, parameters: LoRAParameters(rank: lora.rank, alpha: lora.alpha),
                                            initSeed: 0)
        func value(_ layer: Int, _ module: String, _ isB: Bool, _ i: Int, _ j: Int) -> Float {
            let m = Double(lora.targets.firstIndex(of: module)!)
            return Float(0.05 * Foundation.sin(0.37 * Double(i) + 0.11 * Double(j) + 0.5 * Double(layer) + m + (isB ? 1.7 : 0.0)))
        }
        for a in adapters {
            let module = modules.first { $0.value == a.site as? LlamaTarget }!.key
            for i in 0..<a.a.value.rows { for j in 0..<a.a.value.cols { a.a.value[i, j] = value(a.layer, module, false, i, j) } }
            for i in 0..<a.b.value.rows { for j in 0..<a.b.value.cols { a.b.value[i, j] = value(a.layer, module, true, i, j) } }
        }
        let t = fixture.texts[lora.text_index]
        let batch = Batch(packing: [(ids: t.ids, typeIds: t.ids.map { _ in 0 })])
        let mask = t.ids.indices.map { Float($0 >= t.prompt_tokens ? 1 : 0) }
        let ws = LlamaWorkspace(config: model.config)
        let (loss, _) = try model.causalLMLoss(batch, targetMask: mask, workspace: ws, backward: true)
        var last = Differences()
        last.add(model.logits(rows: [t.ids.count - 1], workspace: ws).row(0), lora.last_position, sample: fixture.vocab_sample, label: "LoRA last")
        var worstGradient = 0.0
        for g in lora.gradients {
            let adapter = adapters.first { $0.layer == g.layer && ($0.site as? LlamaTarget) == modules[g.module] }!
            for (factor, parameter) in [(g.A, adapter.a), (g.B, adapter.b)] {
                let norm = parameter.grad.storage.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                worstGradient = max(worstGradient, abs(norm - factor.norm) / factor.norm)
                XCTAssertEqual(norm, factor.norm, accuracy: Self.gradientTolerance * factor.norm, parameter.name)
                for s in factor.samples {
                    let diff = abs(Double(parameter.grad[Int(s[0]), Int(s[1])]) - s[2])
                    worstGradient = max(worstGradient, diff / factor.norm)
                    XCTAssertLessThan(diff, Self.gradientTolerance * factor.norm, "\(parameter.name)[\(Int(s[0])), \(Int(s[1]))]")
                }
            }
        }
        print("SmolLM2 + LoRA parity: |Δloss| \(abs(loss - lora.loss)), last-position max |Δlogit| \(last.logit), "
              + "gradient error / ‖grad‖ ≤ \(worstGradient)")
        XCTAssertEqual(loss, lora.loss, accuracy: Self.lossTolerance)
        XCTAssertLessThan(last.logit, Self.logitTolerance)
        XCTAssertNotEqual(lora.loss, fixture.texts[lora.text_index].loss, "the adapters change the model")
    }
}
