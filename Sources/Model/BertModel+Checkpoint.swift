import Foundation
import LinearAlgebra
import SafeTensors

extension BertModel {
    /// Loads a Hugging Face BERT checkpoint directory: `config.json` and `model.safetensors`
    /// (tensor names as `BertModel` saves them, optionally under a `bert.` prefix as task models save them).
    /// Every missing tensor or wrong shape is a `ModelError` naming the file and tensor.
    public static func load(checkpointDirectory dir: URL) throws -> BertModel {
        let config = try BertConfig.load(from: dir.appendingPathComponent("config.json"))
        let weightsURL = dir.appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: weightsURL.path) else { throw ModelError.missingFile(path: weightsURL.path) }
        let file = try SafeTensorsFile(contentsOf: weightsURL)
        let prefix = file.contains("embeddings.word_embeddings.weight") ? "" : (file.contains("bert.embeddings.word_embeddings.weight") ? "bert." : "")
        let d = config.hiddenSize, f = config.intermediateSize

        func tensor(_ name: String, _ shape: [Int]) throws -> [Float] {
            let full = prefix + name
            guard let info = file.info(full) else { throw ModelError.missingTensor(file: weightsURL.path, tensor: full) }
            guard info.shape == shape else { throw ModelError.tensorShape(file: weightsURL.path, tensor: full, shape: info.shape, expected: shape) }
            return try file.floats(full)
        }
        func matrix(_ name: String, _ rows: Int, _ cols: Int) throws -> Matrix<Float> {
            Matrix(rows: rows, cols: cols, storage: try tensor(name, [rows, cols]))
        }
        func norm(_ name: String) throws -> LayerNormWeights {
            LayerNormWeights(gamma: try tensor(name + ".weight", [d]), beta: try tensor(name + ".bias", [d]))
        }
        func linear(_ name: String, out: Int, in inF: Int) throws -> Linear {
            Linear(name: name + ".weight", weight: try matrix(name + ".weight", out, inF), bias: try tensor(name + ".bias", [out]))
        }
        let layers = try (0..<config.layers).map { l -> BertLayer in
            let p = "encoder.layer.\(l)."
            return BertLayer(
                query: try linear(p + "attention.self.query", out: d, in: d),
                key: try linear(p + "attention.self.key", out: d, in: d),
                value: try linear(p + "attention.self.value", out: d, in: d),
                attentionOutput: try linear(p + "attention.output.dense", out: d, in: d),
                attentionNorm: try norm(p + "attention.output.LayerNorm"),
                ffnUp: try linear(p + "intermediate.dense", out: f, in: d),
                ffnDown: try linear(p + "output.dense", out: d, in: f),
                outputNorm: try norm(p + "output.LayerNorm"))
        }
        return BertModel(config: config,
                         wordEmbeddings: try matrix("embeddings.word_embeddings.weight", config.vocabularySize, d),
                         positionEmbeddings: try matrix("embeddings.position_embeddings.weight", config.maxPositions, d),
                         tokenTypeEmbeddings: try matrix("embeddings.token_type_embeddings.weight", config.typeVocabularySize, d),
                         embeddingNorm: try norm("embeddings.LayerNorm"), layers: layers)
    }
}
