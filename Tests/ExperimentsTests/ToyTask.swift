import Foundation
import LinearAlgebra
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// A throwaway repository root with a small learnable JSONL task (the label is the animal named in the text) and a
/// runner factory for specs on the built-in tiny model. Removed when released.
final class ToyRepository {
    let root: URL

    init(train: Int = 128, validation: Int = 32) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("lora-toy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var rng = SeededGenerator(seed: 5)
        let animals = ["dog", "cat", "horse", "fish"]
        func file(_ name: String, _ n: Int) throws {
            let lines = (0..<n).map { _ -> String in
                let label = animals[rng.nextInt(below: animals.count)]
                return "{\"text\": \"a small \(label)\", \"label\": \"\(label)\"}"
            }
            try lines.joined(separator: "\n").write(to: root.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try file("train.jsonl", train)
        try file("validation.jsonl", validation)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// A spec on the tiny model and the toy task; `training` is spliced into the training section.
    static func spec(name: String = "t", ranks: String = "[2]", training: String = #""steps": 12, "learningRate": 0.01"#,
                     task: String = #""train": "train.jsonl", "validation": "validation.jsonl""#) -> String {
        """
        {"name": "\(name)", "model": {"builtin": "tiny"},
         "task": {"kind": "jsonl", \(task), "maxTokens": 16},
         "adapters": [{"targets": ["q", "v"], "ranks": \(ranks)}],
         "training": {"batchSize": 8, "evalEvery": 4, "checkpointEvery": 5, \(training)}}
        """
    }

    func plan(_ json: String) throws -> RunPlan {
        let spec = try ExperimentSpec.decode(data: Data(json.utf8), file: "test.json")
        return try RunPlan.resolve(spec, modelShape: try LoadedModel.shape(of: spec.model, repositoryRoot: root),
                                   baseDirectory: root, file: "test.json")
    }

    func runner(_ plan: RunPlan, results: String = "results", only: String? = nil,
                shouldStop: @escaping @Sendable () -> Bool = { false }) -> ExperimentRunner {
        var o = ExperimentRunner.Options(resultsRoot: root.appendingPathComponent(results))
        o.only = only
        o.shouldStop = shouldStop
        return ExperimentRunner(plan: plan, repositoryRoot: root, options: o)
    }

    /// Every file under `folder` (relative paths, sorted), with its bytes.
    func snapshot(_ folder: String) -> [String: Data] {
        let base = root.appendingPathComponent(folder)
        var out: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return out }
        for case let url as URL in walker {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue {
                out[String(url.standardizedFileURL.path.dropFirst(base.standardizedFileURL.path.count))] = try? Data(contentsOf: url)
            }
        }
        return out
    }
}
