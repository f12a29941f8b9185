import Foundation
import GGUF
import Model
import Tokenization

/// What the Llama family loads: a llama.cpp GGUF checkpoint (the model and its byte-level BPE tokenizer, both from the
/// one file). Specs, the runner and the reports do not plan Llama runs yet; `inspect` and the library do.
extension LoadedModel {
    /// The GGUF file a checkpoint argument names: the `.gguf` file itself, or a folder holding exactly one `.gguf` and
    /// no `config.json` (a Hugging Face folder is BERT's). nil when it is neither.
    static func ggufFile(_ url: URL) -> URL? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { return nil }
        guard isFolder.boolValue else { return url.pathExtension == "gguf" ? url : nil }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        let ggufs = names.filter { $0.hasSuffix(".gguf") }
        guard !names.contains("config.json"), ggufs.count == 1 else { return nil }
        return url.appendingPathComponent(ggufs[0])
    }

    /// Whether `url` names a GGUF checkpoint (see `ggufFile`).
    public static func isGGUF(_ url: URL) -> Bool { ggufFile(url) != nil }

    /// The Llama model and tokenizer of a GGUF file; errors name the file and the tensor or key.
    static func loadLlama(gguf url: URL, name: String) throws -> LoadedModel {
        let file = try GGUFFile(contentsOf: url)
        return LoadedModel(model: try LlamaModel.load(gguf: file), tokenizer: try BPETokenizer(gguf: file), name: name,
                           directory: url.deletingLastPathComponent())
    }
}
