import Foundation
import LoRA
import Model
import SafeTensors
import XCTest

/// Runs the `experiment` binary built beside the test bundle, in a throwaway working folder.
final class CLISandbox {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("lora-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// `.build/<config>/experiment`: the products folder holds both the test bundle and the binary.
    static var binary: URL {
        var dir = Bundle(for: CLISandbox.self).bundleURL
        while dir.pathExtension == "xctest" || dir.lastPathComponent == "Contents" { dir.deleteLastPathComponent() }
        return dir.appendingPathComponent("experiment")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func process(_ arguments: [String]) -> Process {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = arguments
        p.currentDirectoryURL = root
        var env = ProcessInfo.processInfo.environment
        env["OPENBLAS_NUM_THREADS"] = "1"
        p.environment = env
        return p
    }

    /// Runs the binary to completion.
    func run(_ arguments: String...) throws -> Result { try run(arguments) }

    func run(_ arguments: [String]) throws -> Result {
        let p = process(arguments)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        return finish(p, out: out, err: err)
    }

    /// Reads both pipes to their ends (stdout on another thread, so neither can fill up and block the child), then
    /// waits for the exit.
    func finish(_ p: Process, out: Pipe, err: Pipe, stderrSoFar: Data = Data()) -> Result {
        final class Box: @unchecked Sendable { var data = Data() }
        let box = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            box.data = out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let errData = stderrSoFar + err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: box.data, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Starts the binary, waits until its stderr contains `marker` (an event, not a delay), sends `signal`, and
    /// returns the finished process's result.
    func run(_ arguments: [String], signal: Int32, after marker: String) throws -> Result {
        let p = process(arguments)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        var errData = Data()
        while !String(decoding: errData, as: UTF8.self).contains(marker) {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            errData += chunk
        }
        kill(p.processIdentifier, signal)
        return finish(p, out: out, err: err, stderrSoFar: errData)
    }

    @discardableResult
    func write(_ relativePath: String, _ text: String) throws -> URL {
        let url = root.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url
    }

    func exists(_ relativePath: String) -> Bool { FileManager.default.fileExists(atPath: root.appendingPathComponent(relativePath).path) }

    func read(_ relativePath: String) throws -> String { try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8) }

    /// Every file under `folder` with its bytes (to assert that nothing changed).
    func snapshot(_ folder: String = "") -> [String: Data] {
        var out: [String: Data] = [:]
        let base = root.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return out }
        for case let url as URL in walker {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue {
                out[url.standardizedFileURL.path] = try? Data(contentsOf: url)
            }
        }
        return out
    }

    /// A small learnable JSONL task (train.jsonl, validation.jsonl) and a spec `<name>.json` on the built-in tiny model.
    @discardableResult
    func toySpec(name: String = "toy", ranks: String = "[1, 2]", training: String = #""steps": 6, "learningRate": 0.01"#) throws -> String {
        let animals = ["dog", "cat", "horse", "fish"]
        let lines = (0..<64).map { "{\"text\": \"a small \(animals[$0 % 4])\", \"label\": \"\(animals[$0 % 4])\"}" }.joined(separator: "\n")
        try write("train.jsonl", lines)
        try write("validation.jsonl", lines)
        try write("\(name).json", """
            {"name": "\(name)", "model": {"builtin": "tiny"},
             "task": {"kind": "jsonl", "train": "train.jsonl", "validation": "validation.jsonl", "maxTokens": 16},
             "adapters": [{"targets": ["q", "v"], "ranks": \(ranks)}],
             "training": {"batchSize": 8, "checkpointEvery": 50, \(training)},
             "analyses": {"accuracy": true}}
            """)
        return "\(name).json"
    }

    /// Writes the built-in tiny model as a Hugging Face checkpoint folder (config.json, model.safetensors, vocab.txt);
    /// `poison` names a tensor whose first value becomes NaN.
    func tinyCheckpoint(_ relativePath: String, poison: String? = nil) throws -> URL {
        let dir = root.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let (model, _) = try BuiltinTiny.make()
        let c = model.config
        try Data("""
            {"model_type": "bert", "vocab_size": \(c.vocabularySize), "hidden_size": \(c.hiddenSize), "num_hidden_layers": \(c.layers),
             "num_attention_heads": \(c.heads), "intermediate_size": \(c.intermediateSize), "max_position_embeddings": \(c.maxPositions),
             "type_vocab_size": \(c.typeVocabularySize), "layer_norm_eps": \(c.layerNormEps)}
            """.utf8).write(to: dir.appendingPathComponent("config.json"))
        try Data((BuiltinTiny.vocabulary.joined(separator: "\n") + "\n").utf8).write(to: dir.appendingPathComponent("vocab.txt"))
        var tensors: [(String, [Int], [Float])] = [
            ("embeddings.word_embeddings.weight", [c.vocabularySize, c.hiddenSize], model.wordEmbeddings.storage),
            ("embeddings.position_embeddings.weight", [c.maxPositions, c.hiddenSize], model.positionEmbeddings.storage),
            ("embeddings.token_type_embeddings.weight", [c.typeVocabularySize, c.hiddenSize], model.tokenTypeEmbeddings.storage),
            ("embeddings.LayerNorm.weight", [c.hiddenSize], model.embeddingNorm.gamma), ("embeddings.LayerNorm.bias", [c.hiddenSize], model.embeddingNorm.beta),
        ]
        for (l, layer) in model.layers.enumerated() {
            for t in LoRATarget.encoderTargets {
                let lin = layer.linear(t)
                tensors.append((t.weightName(layer: l), [lin.outFeatures, lin.inFeatures], lin.weight.storage))
                tensors.append(("encoder.layer.\(l).\(t.moduleSuffix).bias", [lin.outFeatures], lin.bias))
            }
            for (name, norm) in [("attention.output.LayerNorm", layer.attentionNorm), ("output.LayerNorm", layer.outputNorm)] {
                tensors.append(("encoder.layer.\(l).\(name).weight", [c.hiddenSize], norm.gamma))
                tensors.append(("encoder.layer.\(l).\(name).bias", [c.hiddenSize], norm.beta))
            }
        }
        var writer = SafeTensorsWriter(metadata: ["format": "pt"])
        for (name, shape, values) in tensors {
            var v = values
            if name == poison { v[0] = .nan }
            try writer.add(name, shape: shape, floats: v)
        }
        try writer.write(to: dir.appendingPathComponent("model.safetensors"))
        return dir
    }
}
