import Foundation
import Model
import Tokenization

/// What `LoadedModel` knows about BERT in particular: how a BERT checkpoint and the built-in tiny model load, their
/// shape without loading weights, and the model itself for the features only BERT supports so far (the planted-rank
/// task reads its attention-mixed input moments). Everything else reaches the model through `AdaptableModel`.
extension LoadedModel {
    /// A Hugging Face BERT checkpoint folder (config.json, model.safetensors, vocab.txt).
    static func loadBERT(checkpointDirectory dir: URL, name: String) throws -> LoadedModel {
        LoadedModel(model: try BertModel.load(checkpointDirectory: dir), tokenizer: try BertTokenizer(checkpointDirectory: dir),
                    name: name, directory: dir)
    }

    /// The built-in tiny BERT (tests and smoke specs).
    static func builtinTiny() throws -> LoadedModel {
        let (model, tokenizer) = try BuiltinTiny.make()
        return LoadedModel(model: model, tokenizer: tokenizer, name: "builtin:tiny")
    }

    /// The model as a BERT encoder, for `feature`, which only BERT supports so far.
    /// - Throws: `ModelError.unsupportedFamily` naming the feature when the model is of another family.
    public func bert(for feature: String) throws -> BertModel {
        guard let bert = model as? BertModel else { throw ModelError.unsupportedFamily(feature: feature, architecture: model.architectureSummary) }
        return bert
    }

    /// The tokenizer as BERT's WordPiece one (its [CLS]/[SEP] layout), for `feature`, which only BERT supports so far.
    /// - Throws: `ModelError.unsupportedFamily` naming the feature for another family's tokenizer.
    public func bertTokenizer(for feature: String) throws -> BertTokenizer {
        guard let t = tokenizer as? BertTokenizer else { throw ModelError.unsupportedFamily(feature: feature, architecture: model.architectureSummary) }
        return t
    }

    /// The model shape of a source without loading weights (config.json, the built-in tiny config, or a GGUF file's
    /// metadata through the Llama family's registry line, `llamaShape(gguf:)`).
    public static func shape(of source: ModelSource, repositoryRoot: URL) throws -> ModelShape {
        switch source {
        case .checkpoint(let path):
            if let gguf = ggufFile(SpecPaths.resolve(path, against: repositoryRoot)) { return try llamaShape(gguf: gguf) }
            let url = SpecPaths.resolve(path, against: repositoryRoot).appendingPathComponent("config.json")
            guard let data = FileManager.default.contents(atPath: url.path) else { throw ModelError.missingFile(path: url.path) }
            return try ModelShape(huggingFaceConfig: data, file: url.path)
        case .builtin(.tiny):
            let c = BuiltinTiny.config
            return ModelShape(layers: c.layers, hidden: c.hiddenSize, intermediate: c.intermediateSize, heads: c.heads,
                              vocabularySize: c.vocabularySize, maxPositions: c.maxPositions)
        }
    }
}
