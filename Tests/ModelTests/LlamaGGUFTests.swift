import Foundation
import XCTest
import GGUF
import LinearAlgebra
import LoRA
@testable import Model

/// A minimal GGUF writer for these tests: string, uint32 and float32 metadata, F32 tensors laid out at 32-byte alignment.
struct LlamaGGUFWriter {
    var metadata: [(String, GGUFValue)] = []
    /// (name, shape outermost first, values row-major).
    var tensors: [(String, [Int], [Float])] = []

    private static func int<T: FixedWidthInteger>(_ v: T, _ out: inout [UInt8]) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
    private static func string(_ s: String, _ out: inout [UInt8]) { int(UInt64(s.utf8.count), &out); out += Array(s.utf8) }

    var data: Data {
        var out: [UInt8] = Array("GGUF".utf8)
        Self.int(UInt32(3), &out)
        Self.int(UInt64(tensors.count), &out)
        Self.int(UInt64(metadata.count), &out)
        for (key, value) in metadata {
            Self.string(key, &out)
            Self.int(value.type.rawValue, &out)
            switch value {
            case let .uint32(x): Self.int(x, &out)
            case let .float32(x): Self.int(x.bitPattern, &out)
            case let .string(s): Self.string(s, &out)
            default: fatalError("not needed by these tests")
            }
        }
        func padded(_ n: Int) -> Int { (n + 31) / 32 * 32 }
        var offset = 0
        for (name, shape, values) in tensors {
            Self.string(name, &out)
            Self.int(UInt32(shape.count), &out)
            for d in shape.reversed() { Self.int(UInt64(d), &out) }        // ne[0] (fastest) first
            Self.int(UInt32(0), &out)                                     // F32
            Self.int(UInt64(offset), &out)
            offset += padded(values.count * 4)
        }
        out += [UInt8](repeating: 0, count: padded(out.count) - out.count)
        for (_, _, values) in tensors {
            for v in values { Self.int(v.bitPattern, &out) }
            out += [UInt8](repeating: 0, count: padded(values.count * 4) - values.count * 4)
        }
        return Data(out)
    }
}

/// Loading a Llama from GGUF: tensor-name mapping, the q/k row un-permutation and why it is needed, and typed errors.
final class LlamaGGUFTests: XCTestCase {
    static let config = LlamaModelGradientTests.config

    /// llama.cpp's converter (`convert_hf_to_gguf.py`, `LlamaModel.permute`), transcribed literally:
    /// `w.reshape(n_head, 2, rows // n_head // 2, cols).swapaxes(1, 2).reshape(rows, cols)`.
    static func llamaCppPermute(_ w: [Float], heads: Int, rows: Int, cols: Int) -> [Float] {
        let half = rows / heads / 2
        var out = [Float](repeating: 0, count: w.count)
        for h in 0..<heads {
            for s in 0..<2 {
                for i in 0..<half {
                    // reshaped index (h, s, i) → after swapaxes (h, i, s)
                    let from = ((h * 2 + s) * half + i) * cols, to = ((h * half + i) * 2 + s) * cols
                    for c in 0..<cols { out[to + c] = w[from + c] }
                }
            }
        }
        return out
    }

    /// The GGUF file llama.cpp's converter would write for `model` (Hugging Face order): q and k rows permuted.
    static func gguf(of model: LlamaModel, architecture: String = "llama", extra: [(String, GGUFValue)] = [],
                     dropping dropped: String? = nil, reshaping reshaped: String? = nil) -> LlamaGGUFWriter {
        let c = model.config
        var w = LlamaGGUFWriter()
        w.metadata = [("general.architecture", .string(architecture)), ("llama.block_count", .uint32(UInt32(c.layers))),
                      ("llama.embedding_length", .uint32(UInt32(c.hiddenSize))), ("llama.feed_forward_length", .uint32(UInt32(c.intermediateSize))),
                      ("llama.attention.head_count", .uint32(UInt32(c.heads))), ("llama.attention.head_count_kv", .uint32(UInt32(c.kvHeads))),
                      ("llama.context_length", .uint32(UInt32(c.maxPositions))), ("llama.rope.freq_base", .float32(Float(c.ropeBase))),
                      ("llama.rope.dimension_count", .uint32(UInt32(c.headSize))),
                      ("llama.attention.layer_norm_rms_epsilon", .float32(Float(c.rmsNormEps))),
                      ("llama.vocab_size", .uint32(UInt32(c.vocabularySize)))] + extra
        var tensors: [(String, [Int], [Float])] = [("token_embd.weight", [c.vocabularySize, c.hiddenSize], model.tokenEmbeddings.storage)]
        if !model.tiedEmbeddings { tensors.append(("output.weight", [c.vocabularySize, c.hiddenSize], model.outputWeight.storage)) }
        tensors.append(("output_norm.weight", [c.hiddenSize], model.finalNorm))
        for (l, layer) in model.layers.enumerated() {
            tensors.append(("blk.\(l).attn_norm.weight", [c.hiddenSize], layer.attentionNorm))
            tensors.append(("blk.\(l).ffn_norm.weight", [c.hiddenSize], layer.ffnNorm))
            for t in LlamaTarget.allCases {
                let lin = layer.linear(t)
                var values = lin.weight.storage
                if t == .q { values = llamaCppPermute(values, heads: c.heads, rows: lin.outFeatures, cols: lin.inFeatures) }
                if t == .k { values = llamaCppPermute(values, heads: c.kvHeads, rows: lin.outFeatures, cols: lin.inFeatures) }
                tensors.append((t.ggufWeightName(layer: l), [lin.outFeatures, lin.inFeatures], values))
            }
        }
        tensors.removeAll { $0.0 == dropped }
        if let reshaped, let i = tensors.firstIndex(where: { $0.0 == reshaped }) {
            tensors[i].1 = [tensors[i].1.reduce(1, *)]
        }
        w.tensors = tensors
        return w
    }

    /// A model written as llama.cpp writes it and read back is the same model: every weight in place (q, k un-permuted),
    /// Hugging Face names on the linears, the same logits bit for bit; tied and untied output matrices.
    func testRoundTripThroughLlamaCppLayout() throws {
        for tied in [true, false] {
            let original = LlamaModelGradientTests.model(tied: tied)
            let loaded = try LlamaModel.load(gguf: GGUFFile(data: Self.gguf(of: original).data, label: "tiny.gguf"))
            var expected = original.config
            expected.rmsNormEps = Double(Float(expected.rmsNormEps))   // GGUF stores ε as float32; the model uses Float(ε) anyway
            XCTAssertEqual(loaded.config, expected)
            XCTAssertEqual(loaded.tiedEmbeddings, tied)
            XCTAssertEqual(loaded.tokenEmbeddings, original.tokenEmbeddings)
            XCTAssertEqual(loaded.outputWeight, original.outputWeight)
            XCTAssertEqual(loaded.finalNorm, original.finalNorm)
            for (a, b) in zip(loaded.layers, original.layers) {
                XCTAssertEqual(a.attentionNorm, b.attentionNorm)
                XCTAssertEqual(a.ffnNorm, b.ffnNorm)
                for t in LlamaTarget.allCases { XCTAssertEqual(a.linear(t).weight, b.linear(t).weight, "\(t)") }
            }
            XCTAssertEqual(loaded.layers[1].key.name, "model.layers.1.self_attn.k_proj.weight")
            XCTAssertEqual(loaded.layers[0].down.name, "model.layers.0.mlp.down_proj.weight")
            let (batch, _) = LlamaModelGradientTests.packed()
            let ws1 = LlamaWorkspace(config: original.config), ws2 = LlamaWorkspace(config: loaded.config)
            try original.forward(batch, workspace: ws1)
            try loaded.forward(batch, workspace: ws2)
            XCTAssertEqual(loaded.logits(rows: [0, 5, 9], workspace: ws2), original.logits(rows: [0, 5, 9], workspace: ws1))
        }
    }

    /// Why q and k are un-permuted (the weights' meaning, not just a convention to match): llama.cpp rotates adjacent
    /// pairs (2i, 2i + 1) of the rows as stored in GGUF; Hugging Face, and this model, rotate pairs (i, i + dₕ/2) of its
    /// own row order. For a real checkpoint both must give the same attention scores q·k, which holds exactly when the
    /// Hugging Face rows are the GGUF rows un-permuted. Rotating the GGUF rows as they are with `rotate_half` gives other
    /// scores, i.e. another model, and LoRA's B on q or k would not mean PEFT's rows of q_proj / k_proj.
    func testUnpermutedRowsGiveLlamaCppAttentionScores() throws {
        let (heads, dh, cols) = (3, 8, 5)
        let rows = heads * dh, half = dh / 2, base = 10_000.0
        let ggufQ = GradientCheck.values(rows * cols, seed: 91), ggufK = GradientCheck.values(rows * cols, seed: 92)
        let x = GradientCheck.values(cols, seed: 93), y = GradientCheck.values(cols, seed: 94)
        func project(_ w: [Float], _ v: [Float]) -> [Double] {
            (0..<rows).map { r in (0..<cols).reduce(0.0) { $0 + Double(w[r * cols + $1]) * Double(v[$1]) } }
        }
        func angle(_ p: Int, _ i: Int) -> Double { Double(p) * Foundation.pow(base, -Double(2 * i) / Double(dh)) }
        /// llama.cpp's RoPE (`GGML_ROPE_TYPE_NORM`, Llama's): adjacent pairs, in the stored row order.
        func ropeAdjacent(_ v: [Double], _ p: Int) -> [Double] {
            var out = v
            for h in 0..<heads { for i in 0..<half {
                let (a, b) = (v[h * dh + 2 * i], v[h * dh + 2 * i + 1]), t = angle(p, i)
                out[h * dh + 2 * i] = a * Foundation.cos(t) - b * Foundation.sin(t)
                out[h * dh + 2 * i + 1] = a * Foundation.sin(t) + b * Foundation.cos(t)
            } }
            return out
        }
        /// Hugging Face's `rotate_half` RoPE, which `RotaryEmbedding` implements.
        func ropeHalf(_ v: [Double], _ p: Int) -> [Double] {
            var out = v
            for h in 0..<heads { for i in 0..<half {
                let (a, b) = (v[h * dh + i], v[h * dh + i + half]), t = angle(p, i)
                out[h * dh + i] = a * Foundation.cos(t) - b * Foundation.sin(t)
                out[h * dh + i + half] = b * Foundation.cos(t) + a * Foundation.sin(t)
            } }
            return out
        }
        func scores(_ q: [Double], _ k: [Double]) -> [Double] {
            (0..<heads).map { h in (0..<dh).reduce(0.0) { $0 + q[h * dh + $1] * k[h * dh + $1] } }
        }
        let hfQ = LlamaModel.unpermuteRoPERows(ggufQ, heads: heads, rows: rows, cols: cols)
        let hfK = LlamaModel.unpermuteRoPERows(ggufK, heads: heads, rows: rows, cols: cols)
        XCTAssertEqual(Self.llamaCppPermute(hfQ, heads: heads, rows: rows, cols: cols), ggufQ, "un-permute inverts llama.cpp's permute")
        var unpermutedDiffers = false
        for (pq, pk) in [(0, 0), (3, 1), (7, 7), (12, 5)] {
            let reference = scores(ropeAdjacent(project(ggufQ, x), pq), ropeAdjacent(project(ggufK, y), pk))
            let ours = scores(ropeHalf(project(hfQ, x), pq), ropeHalf(project(hfK, y), pk))
            for h in 0..<heads { XCTAssertEqual(ours[h], reference[h], accuracy: 1e-9, "head \(h) at positions \(pq), \(pk)") }
            let raw = scores(ropeHalf(project(ggufQ, x), pq), ropeHalf(project(ggufK, y), pk))
            if zip(raw, reference).contains(where: { abs($0 - $1) > 1e-3 }) { unpermutedDiffers = true }
        }
        XCTAssertTrue(unpermutedDiffers, "rotate_half on the rows as stored is a different model")
    }

    func testMalformedFilesGiveTypedErrors() throws {
        let model = LlamaModelGradientTests.model()
        func load(_ w: LlamaGGUFWriter) throws -> LlamaModel { try LlamaModel.load(gguf: GGUFFile(data: w.data, label: "bad.gguf")) }
        XCTAssertThrowsError(try load(Self.gguf(of: model, dropping: "blk.1.ffn_gate.weight"))) { error in
            XCTAssertEqual(error as? ModelError, .missingTensor(file: "bad.gguf", tensor: "blk.1.ffn_gate.weight"))
        }
        XCTAssertThrowsError(try load(Self.gguf(of: model, reshaping: "blk.0.attn_k.weight"))) { error in
            XCTAssertEqual(error as? ModelError, .tensorShape(file: "bad.gguf", tensor: "blk.0.attn_k.weight", shape: [128], expected: [8, 16]))
        }
        XCTAssertThrowsError(try load(Self.gguf(of: model, architecture: "gpt2"))) { error in
            XCTAssertEqual(error as? ModelError, .invalidConfig(file: "bad.gguf", field: "general.architecture", reason: "'gpt2' is not a Llama decoder"))
        }
        XCTAssertThrowsError(try load(Self.gguf(of: model, extra: [("llama.rope.scaling.type", .string("linear"))]))) { error in
            XCTAssertTrue("\(error)".contains("llama.rope.scaling.type"), "\(error)")
        }
        XCTAssertThrowsError(try load(Self.gguf(of: model, extra: [("llama.expert_count", .uint32(8))]))) { error in
            XCTAssertTrue("\(error)".contains("mixture-of-experts"), "\(error)")
        }
        var w = Self.gguf(of: model)
        w.metadata = w.metadata.map { $0.0 == "llama.attention.head_count_kv" ? ($0.0, .uint32(3)) : $0 }
        XCTAssertThrowsError(try load(w)) { error in
            XCTAssertEqual(error as? ModelError, .invalidConfig(file: "bad.gguf", field: "llama.attention.head_count_kv",
                                                                reason: "4 query heads cannot be shared by 3 key/value heads"))
        }
        w = Self.gguf(of: model)
        w.metadata.removeAll { $0.0 == "llama.feed_forward_length" }
        XCTAssertThrowsError(try load(w)) { error in
            XCTAssertEqual(error as? GGUFError, .missingKey(file: "bad.gguf", key: "llama.feed_forward_length"))
        }
        // A folder: exactly one .gguf inside, or an error naming the folder.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("llama-gguf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertThrowsError(try LlamaModel.load(gguf: dir)) { error in XCTAssertTrue("\(error)".contains("no .gguf file"), "\(error)") }
        try Self.gguf(of: model).data.write(to: dir.appendingPathComponent("tiny.gguf"))
        XCTAssertEqual(try LlamaModel.load(gguf: dir).tokenEmbeddings, model.tokenEmbeddings)
        XCTAssertThrowsError(try LlamaModel.load(gguf: dir.appendingPathComponent("absent.gguf"))) { error in
            XCTAssertEqual(error as? ModelError, .missingFile(path: dir.appendingPathComponent("absent.gguf").path))
        }
    }
}
