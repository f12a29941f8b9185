import Foundation
import XCTest
@testable import GGUF

/// The pinned SmolLM2-135M-Instruct Q4_1 file installed by scripts/setup.sh: metadata, tensor shapes, and
/// dequantised values against gguf-py's (`Tests/Fixtures/smollm2-dequantized-samples.json`, written by
/// scripts/make-gguf-fixtures.py).
final class RealSmolLM2Tests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let path = root.appendingPathComponent("models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf")

    /// The file, opened once per test. Fails (naming scripts/setup.sh) when it is missing, or skips when
    /// `LORA_SKIP_CHECKPOINT_TESTS=1`.
    private func smolLM2() throws -> GGUFFile {
        if !FileManager.default.fileExists(atPath: Self.path.path) {
            if ProcessInfo.processInfo.environment["LORA_SKIP_CHECKPOINT_TESTS"] == "1" {
                throw XCTSkip("\(Self.path.path) not installed; skipped because LORA_SKIP_CHECKPOINT_TESTS=1")
            }
            XCTFail("\(Self.path.path) is missing: run scripts/setup.sh (or set LORA_SKIP_CHECKPOINT_TESTS=1)")
            throw XCTSkip("missing checkpoint")
        }
        return try GGUFFile(contentsOf: Self.path)
    }

    func testHeaderAndLayout() throws {
        let file = try smolLM2()
        XCTAssertEqual(file.version, 3)
        XCTAssertEqual(file.metadata.count, 33)
        XCTAssertEqual(file.tensors.count, 272)
        XCTAssertNil(file.metadata["general.alignment"])
        XCTAssertEqual(file.alignment, 32)
        XCTAssertEqual(file.dataOffset, 1_785_664)
        XCTAssertEqual(file.dataOffset + file.tensors.last!.byteRange.upperBound, 98_362_432, "the last tensor ends the file")
        let counts = Dictionary(grouping: file.tensors, by: \.type.name).mapValues(\.count)
        XCTAssertEqual(counts, ["Q4_1": 210, "F32": 61, "Q8_0": 1])
    }

    func testModelMetadata() throws {
        let m = try smolLM2().metadata
        XCTAssertEqual(try m.string("general.architecture"), "llama")
        XCTAssertEqual(try m.int("llama.block_count"), 30)
        XCTAssertEqual(try m.int("llama.embedding_length"), 576)
        XCTAssertEqual(try m.int("llama.attention.head_count"), 9)
        XCTAssertEqual(try m.int("llama.attention.head_count_kv"), 3)
        XCTAssertEqual(try m.int("llama.feed_forward_length"), 1536)
        XCTAssertEqual(try m.float("llama.rope.freq_base"), 100_000)
        XCTAssertEqual(try m.int("llama.rope.dimension_count"), 64)
        XCTAssertEqual(try m.int("llama.context_length"), 8192)
        XCTAssertEqual(try m.int("llama.vocab_size"), 49152)
        XCTAssertEqual(try m.float("llama.attention.layer_norm_rms_epsilon"), Double(Float(1e-5)))
        XCTAssertEqual(try m.int("general.file_type"), 3, "MOSTLY_Q4_1")
        XCTAssertEqual(try m.int("general.quantization_version"), 2)
        XCTAssertEqual(m["llama.block_count"]?.type, .uint32)
    }

    func testTokenizerMetadata() throws {
        let m = try smolLM2().metadata
        XCTAssertEqual(try m.string("tokenizer.ggml.model"), "gpt2")
        XCTAssertEqual(try m.string("tokenizer.ggml.pre"), "smollm")
        let tokens = try m.strings("tokenizer.ggml.tokens")
        XCTAssertEqual(tokens.count, 49152)
        XCTAssertEqual(Array(tokens.prefix(3)), ["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
        XCTAssertEqual(try m.strings("tokenizer.ggml.merges").count, 48900)
        XCTAssertEqual(try m.ints("tokenizer.ggml.token_type").filter { $0 == 3 }.count, 17)
        XCTAssertEqual(try m.int("tokenizer.ggml.bos_token_id"), 1)
        XCTAssertEqual(try m.int("tokenizer.ggml.eos_token_id"), 2)
        XCTAssertEqual(try m.bool("tokenizer.ggml.add_bos_token"), false)
    }

    /// Llama shapes (row-major, PyTorch's [out, in]); embeddings are tied: there is no `output.weight`.
    func testTensorShapes() throws {
        let file = try smolLM2()
        XCTAssertEqual(file.info("token_embd.weight")?.shape, [49152, 576])
        XCTAssertEqual(file.info("token_embd.weight")?.type, .q8_0)
        XCTAssertEqual(file.info("output_norm.weight")?.shape, [576])
        XCTAssertFalse(file.contains("output.weight"))
        let expected: [(String, [Int], GGMLType)] = [
            ("attn_norm", [576], .f32), ("ffn_norm", [576], .f32),
            ("attn_q", [576, 576], .q4_1), ("attn_k", [192, 576], .q4_1), ("attn_v", [192, 576], .q4_1),
            ("attn_output", [576, 576], .q4_1),
            ("ffn_gate", [1536, 576], .q4_1), ("ffn_up", [1536, 576], .q4_1), ("ffn_down", [576, 1536], .q4_1),
        ]
        for layer in 0..<30 {
            for (part, shape, type) in expected {
                let name = "blk.\(layer).\(part).weight"
                XCTAssertEqual(file.info(name)?.shape, shape, name)
                XCTAssertEqual(file.info(name)?.type, type, name)
            }
        }
        XCTAssertEqual(file.tensors.count, 2 + 30 * expected.count)
    }

    /// Our values equal gguf-py's exactly at the recorded indices, and their sums agree to double round-off.
    func testDequantisedValuesMatchGGUFPy() throws {
        struct Tensor: Decodable { var name: String; var type: String; var shape: [Int]; var sum: Double; var samples: [[Double]] }
        struct Fixture: Decodable { var tensors: [Tensor] }
        let url = Self.root.appendingPathComponent("Tests/Fixtures/smollm2-dequantized-samples.json")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        XCTAssertEqual(Set(fixture.tensors.map(\.type)), ["Q8_0", "Q4_1", "F32"])
        let file = try smolLM2()
        for t in fixture.tensors {
            XCTAssertEqual(file.info(t.name)?.type.name, t.type, t.name)
            let values = try file.floats(t.name, shape: t.shape)
            for sample in t.samples {
                XCTAssertEqual(Double(values[Int(sample[0])]), sample[1], "\(t.name)[\(Int(sample[0]))]")
            }
            let sum = values.reduce(0.0) { $0 + Double($1) }
            XCTAssertEqual(sum, t.sum, accuracy: 1e-9 * max(1, abs(t.sum)), t.name)
        }
    }

    /// The fast dequantiser equals the naive reference on whole tensors of each type in the file.
    func testFastEqualsReferenceOnRealTensors() throws {
        let file = try smolLM2()
        for name in ["blk.0.attn_q.weight", "blk.0.attn_norm.weight", "blk.29.ffn_down.weight"] {
            let info = try XCTUnwrap(file.info(name))
            let reference = file.withData(of: info) {
                GGMLReferenceDequantizer.dequantize(info.type, data: $0, count: info.elementCount)
            }
            XCTAssertEqual(try file.floats(name).map(\.bitPattern), reference.map(\.bitPattern), name)
        }
        // The Q8_0 embedding: its first 64 rows.
        let embedding = try XCTUnwrap(file.info("token_embd.weight"))
        let count = 64 * 576
        let reference = file.withData(of: embedding) { GGMLReferenceDequantizer.dequantize(.q8_0, data: $0, count: count) }
        let fast = try file.floats("token_embd.weight")
        XCTAssertEqual(fast.prefix(count).map(\.bitPattern), reference.map(\.bitPattern))
        XCTAssertTrue(fast.allSatisfy(\.isFinite))
    }

    /// The q rows are in llama.cpp's RoPE order, not Hugging Face's. llama.cpp's converter permutes each head's rows so
    /// that the pairs RoPE rotates together are adjacent rows (2i, 2i + 1) instead of HF's (i, i + 32) (`rotate_half`);
    /// transformers undoes it on load (`LlamaTensorProcessor._reverse_permute_weights`). Rotated pairs share a
    /// frequency, and their row norms correlate: in every layer the norms of rows 2i and 2i + 1 correlate more than
    /// those of rows i and i + 32 of the same head. A Llama model reading these weights must either rotate adjacent
    /// pairs or un-permute q and k (the k rows are permuted the same way, per KV head).
    func testQueryRowsAreInLlamaCppRopeOrder() throws {
        let file = try smolLM2()
        for layer in 0..<30 {
            let w = try file.floats("blk.\(layer).attn_q.weight", shape: [576, 576])
            let norms = (0..<576).map { r in w[(r * 576)..<((r + 1) * 576)].reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }
            var adjacent: ([Double], [Double]) = ([], []), halves: ([Double], [Double]) = ([], [])
            for head in 0..<9 {
                let h = Array(norms[(head * 64)..<((head + 1) * 64)])
                for i in 0..<32 {
                    adjacent.0.append(h[2 * i]); adjacent.1.append(h[2 * i + 1])
                    halves.0.append(h[i]); halves.1.append(h[i + 32])
                }
            }
            XCTAssertGreaterThan(pearson(adjacent.0, adjacent.1), pearson(halves.0, halves.1), "layer \(layer)")
        }
    }

    private func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        return sxy / (sxx * syy).squareRoot()
    }
}
