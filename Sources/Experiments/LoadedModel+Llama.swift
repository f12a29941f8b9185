import Foundation
import GGUF
import Model
import Tokenization

/// What the Llama family loads: a llama.cpp GGUF checkpoint (the model and its byte-level BPE tokenizer, both from the
/// one file), its shape for planning (from the header and metadata alone), and the model and tokenizer as the family's
/// own types for what only decoders do (greedy generation, the generation task's tokenization).
extension LoadedModel {
    /// The GGUF file a checkpoint argument names (`SpecPaths.ggufFile`: the file, or a folder holding exactly one).
    static func ggufFile(_ url: URL) -> URL? { SpecPaths.ggufFile(url) }

    /// Whether `url` names a GGUF checkpoint (see `ggufFile`).
    public static func isGGUF(_ url: URL) -> Bool { ggufFile(url) != nil }

    /// The Llama model and tokenizer of a GGUF file; errors name the file and the tensor or key.
    static func loadLlama(gguf url: URL, name: String) throws -> LoadedModel {
        let file = try GGUFFile(contentsOf: url)
        return LoadedModel(model: try LlamaModel.load(gguf: file), tokenizer: try BPETokenizer(gguf: file), name: name,
                           directory: url.deletingLastPathComponent())
    }

    /// The shape planning needs, from the GGUF header and `llama.*` metadata (no tensor is dequantised).
    static func llamaShape(gguf url: URL) throws -> ModelShape {
        ModelShape(llama: try LlamaConfig(gguf: try GGUFFile(contentsOf: url)))
    }

    /// The model as a Llama decoder, for `feature`, which only decoders support.
    /// - Throws: `ModelError.unsupportedFamily` naming the feature when the model is of another family.
    public func llama(for feature: String) throws -> LlamaModel {
        guard let llama = model as? LlamaModel else { throw ModelError.unsupportedFamily(feature: feature, architecture: model.architectureSummary) }
        return llama
    }

    /// The tokenizer as the byte-level BPE one of a GGUF checkpoint, for `feature`.
    /// - Throws: `ModelError.unsupportedFamily` naming the feature for another family's tokenizer.
    public func bpeTokenizer(for feature: String) throws -> BPETokenizer {
        guard let t = tokenizer as? BPETokenizer else { throw ModelError.unsupportedFamily(feature: feature, architecture: model.architectureSummary) }
        return t
    }
}
