import Foundation
import GGUF
import LinearAlgebra
import LoRA

extension LlamaConfig {
    /// The architecture from a llama.cpp GGUF file's `llama.*` metadata (`general.architecture` must be "llama").
    /// Every missing or ill-typed key is a `GGUFError` naming the file and key; an unsupported or inconsistent value is
    /// `ModelError.invalidConfig` naming the file and the key.
    public init(gguf file: GGUFFile) throws {
        let m = file.metadata
        let architecture = try m.string("general.architecture")
        guard architecture == "llama" else {
            throw ModelError.invalidConfig(file: file.label, field: "general.architecture", reason: "'\(architecture)' is not a Llama decoder")
        }
        func key(_ name: String) -> String { "llama." + name }
        func invalid(_ name: String, _ reason: String) -> ModelError {
            ModelError.invalidConfig(file: file.label, field: key(name), reason: reason)
        }
        // Neither mixture-of-experts nor scaled RoPE variants are implemented: refuse them rather than misread them.
        if m.contains(key("expert_count")), try m.int(key("expert_count")) > 0 {
            throw invalid("expert_count", "mixture-of-experts models are not supported")
        }
        if m.contains(key("rope.scaling.type")), try m.string(key("rope.scaling.type")) != "none" {
            throw invalid("rope.scaling.type", "'\(try m.string(key("rope.scaling.type")))' RoPE scaling is not supported")
        }
        let embedding = try file.info("token_embd.weight").map { $0.shape } ?? []
        let vocabulary: Int
        if m.contains(key("vocab_size")) {
            vocabulary = try m.int(key("vocab_size"))
        } else if embedding.count == 2 {
            vocabulary = embedding[0]
        } else {
            throw ModelError.missingTensor(file: file.label, tensor: "token_embd.weight")
        }
        let heads = try m.int(key("attention.head_count"))
        self.init(vocabularySize: vocabulary, hiddenSize: try m.int(key("embedding_length")), layers: try m.int(key("block_count")),
                  heads: heads,
                  kvHeads: m.contains(key("attention.head_count_kv")) ? try m.int(key("attention.head_count_kv")) : heads,
                  intermediateSize: try m.int(key("feed_forward_length")), maxPositions: try m.int(key("context_length")),
                  rmsNormEps: try m.float(key("attention.layer_norm_rms_epsilon")),
                  ropeBase: m.contains(key("rope.freq_base")) ? try m.float(key("rope.freq_base")) : 10_000)
        if let (field, reason) = violation() { throw invalid(field, reason) }
        // Partial rotary embeddings and head sizes other than d/H are other architectures.
        for name in ["rope.dimension_count", "attention.key_length", "attention.value_length"] where m.contains(key(name)) {
            let value = try m.int(key(name))
            guard value == headSize else { throw invalid(name, "\(value) differs from the head size \(headSize) (d / H); not supported") }
        }
    }
}

extension LlamaModel {
    /// Loads a llama.cpp GGUF checkpoint: `url` is the `.gguf` file, or a folder holding exactly one.
    public static func load(gguf url: URL) throws -> LlamaModel {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { throw ModelError.missingFile(path: url.path) }
        var file = url
        if isFolder.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            let ggufs = names.filter { $0.hasSuffix(".gguf") }.sorted()
            guard ggufs.count == 1 else {
                throw ModelError.unreadable(path: url.path, reason: ggufs.isEmpty ? "the folder holds no .gguf file"
                                            : "the folder holds \(ggufs.count) .gguf files (\(ggufs.joined(separator: ", "))); name one")
            }
            file = url.appendingPathComponent(ggufs[0])
        }
        return try load(gguf: GGUFFile(contentsOf: file))
    }

    /// Builds the model from a parsed GGUF file, every tensor dequantised to Float32 (F32, F16, Q8_0, Q4_1; the frozen W
    /// of QLoRA's setting). Tensor names map as llama.cpp writes them:
    ///   token_embd → embed_tokens, output_norm → norm, output → lm_head (absent: tied to token_embd),
    ///   blk.N.attn_norm / ffn_norm → input_layernorm / post_attention_layernorm,
    ///   blk.N.attn_q, attn_k, attn_v, attn_output → self_attn.q_proj, k_proj, v_proj, o_proj,
    ///   blk.N.ffn_gate, ffn_up, ffn_down → mlp.gate_proj, up_proj, down_proj.
    /// q and k rows are un-permuted from llama.cpp's RoPE order to Hugging Face's (`unpermuteRoPERows`). A missing tensor
    /// or a wrong shape is a `ModelError` naming the file and the tensor.
    public static func load(gguf file: GGUFFile) throws -> LlamaModel {
        let config = try LlamaConfig(gguf: file)
        let (v, d, dkv, f) = (config.vocabularySize, config.hiddenSize, config.kvWidth, config.intermediateSize)

        func tensor(_ name: String, _ shape: [Int]) throws -> [Float] {
            guard let info = file.info(name) else { throw ModelError.missingTensor(file: file.label, tensor: name) }
            guard info.shape == shape else { throw ModelError.tensorShape(file: file.label, tensor: name, shape: info.shape, expected: shape) }
            return try file.floats(name)
        }
        func linear(_ target: LlamaTarget, layer l: Int) throws -> Linear {
            let (inF, outF) = target.dimensions(hidden: d, keyValue: dkv, intermediate: f)
            var w = try tensor(target.ggufWeightName(layer: l), [outF, inF])
            switch target {
            case .q: w = unpermuteRoPERows(w, heads: config.heads, rows: outF, cols: inF)
            case .k: w = unpermuteRoPERows(w, heads: config.kvHeads, rows: outF, cols: inF)
            default: break
            }
            return Linear(name: target.weightName(layer: l), weight: Matrix(rows: outF, cols: inF, storage: w),
                          bias: [Float](repeating: 0, count: outF))
        }
        let layers = try (0..<config.layers).map { l -> LlamaLayer in
            LlamaLayer(query: try linear(.q, layer: l), key: try linear(.k, layer: l), value: try linear(.v, layer: l),
                       attentionOutput: try linear(.o, layer: l), gate: try linear(.ffnGate, layer: l),
                       up: try linear(.ffnUp, layer: l), down: try linear(.ffnDown, layer: l),
                       attentionNorm: try tensor("blk.\(l).attn_norm.weight", [d]),
                       ffnNorm: try tensor("blk.\(l).ffn_norm.weight", [d]))
        }
        let embeddings = Matrix(rows: v, cols: d, storage: try tensor("token_embd.weight", [v, d]))
        let output = file.contains("output.weight") ? Matrix(rows: v, cols: d, storage: try tensor("output.weight", [v, d])) : nil
        return LlamaModel(config: config, tokenEmbeddings: embeddings, outputWeight: output,
                          finalNorm: try tensor("output_norm.weight", [d]), layers: layers)
    }

    /// Hugging Face's row order of a q or k projection from llama.cpp's.
    ///
    /// Why: Hugging Face's Llama rotates each head's pairs (i, i + dₕ/2) (`rotate_half`), llama.cpp's rotates adjacent
    /// pairs (2i, 2i + 1). llama.cpp's converter (`convert_hf_to_gguf.py`, `LlamaModel.permute`) therefore reorders the
    /// rows of each head of W_q and W_k so that HF's row h·dₕ + s·dₕ/2 + i (s ∈ {0, 1}, i < dₕ/2) is stored at row
    /// h·dₕ + 2i + s; with it, llama.cpp's adjacent-pair rotation of the stored rows computes exactly HF's attention.
    /// This model rotates as HF does, so it puts the rows back (what transformers' `_reverse_permute_weights` does on
    /// load). It matters beyond the forward pass: a LoRA adapter on q or k is a (out × r) B whose rows must mean what
    /// PEFT's rows of `q_proj`/`k_proj` mean, or an adapter trained here would be wrong in PEFT and vice versa.
    /// `heads` is H for q and H_kv for k; each head's dₕ = rows / heads rows are reordered independently.
    public static func unpermuteRoPERows(_ w: [Float], heads: Int, rows: Int, cols: Int) -> [Float] {
        precondition(w.count == rows * cols && rows % heads == 0 && (rows / heads) % 2 == 0, "cannot un-permute a \(rows)×\(cols) matrix over \(heads) heads")
        let dh = rows / heads, half = dh / 2
        var out = [Float](repeating: 0, count: w.count)
        w.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for h in 0..<heads {
                    for s in 0..<2 {
                        for i in 0..<half {
                            let hf = h * dh + s * half + i, gguf = h * dh + 2 * i + s
                            (dst.baseAddress! + hf * cols).update(from: src.baseAddress! + gguf * cols, count: cols)
                        }
                    }
                }
            }
        }
        return out
    }
}
