import Foundation
import LinearAlgebra
import LoRA
import Model
import SafeTensors
import Support
import Tasks
import Training

/// Resumable training state, saved every `checkpointEvery` steps into `<run>/checkpoint/state.safetensors`: every
/// trainable tensor, AdamW's moments, and (in the safetensors metadata, as JSON) the step, the data cursor, the
/// dropout generators' states and the metric lines so far. One file, written to a temporary name and renamed, so a kill
/// at any moment leaves either the previous checkpoint or the new one — never a mixture.
struct RunCheckpoint {
    struct State: Codable {
        var runId: String
        var step: Int
        var cursor: BatchSampler.Cursor
        var adamSteps: Int
        var adapterRNGs: [SeededGenerator]
        var modelRNG: SeededGenerator
        var metricLines: [String]
        var evalLines: [String]
        var trainSeconds: Double
        /// Seconds spent in validation passes so far (absent in checkpoints written before it was recorded).
        var evalSeconds: Double? = nil
    }

    var state: State
    /// name → values for parameters ("param/<name>") and moments ("m/<name>", "v/<name>").
    var tensors: [String: [Float]]

    static func url(in runDirectory: URL) -> URL { runDirectory.appendingPathComponent("checkpoint/state.safetensors") }

    func write(to url: URL, shapes: [String: [Int]]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(state), as: UTF8.self)
        var writer = SafeTensorsWriter(metadata: ["state": json])
        for name in tensors.keys.sorted() {
            try writer.add(name, shape: shapes[name] ?? [tensors[name]!.count], floats: tensors[name]!)
        }
        try writer.write(to: url)
    }

    static func read(_ url: URL) throws -> RunCheckpoint {
        let file = try SafeTensorsFile(contentsOf: url)
        guard let json = file.metadata["state"] else { throw RunnerError.corruptRun(path: url.path, reason: "checkpoint has no state metadata") }
        let state = try JSONFile.decode(State.self, from: Data(json.utf8), file: url.path + " (metadata \"state\")")
        var tensors: [String: [Float]] = [:]
        for info in file.tensors { tensors[info.name] = try file.floats(info.name) }
        return RunCheckpoint(state: state, tensors: tensors)
    }
}

extension RunCheckpoint {
    /// Writes the checkpoint after step `state.step` to `url`: every trainable tensor of `optimizer` with its two AdamW
    /// moments, each in its parameter's shape.
    static func write(_ state: State, optimizer: AdamW, to url: URL) throws {
        var tensors: [String: [Float]] = [:], shapes: [String: [Int]] = [:]
        for (i, p) in optimizer.parameters.enumerated() {
            for (prefix, values) in [("param/", p.value.storage), ("m/", optimizer.m[i]), ("v/", optimizer.v[i])] {
                tensors[prefix + p.name] = values
                shapes[prefix + p.name] = [p.value.rows, p.value.cols]
            }
        }
        try RunCheckpoint(state: state, tensors: tensors).write(to: url, shapes: shapes)
    }

    /// Puts the saved parameters, AdamW moments and step count into `optimizer` and the dropout generators into
    /// `adapters` and `model`, so training continues exactly from `state.step`.
    /// - Throws: `RunnerError.corruptRun` when the checkpoint belongs to another run or adapter layout, or a tensor is
    ///   missing or of the wrong size (nothing is changed then).
    func restore(run id: String, optimizer: AdamW, adapters: [LoRAAdapter], model: any AdaptableModel, path: String) throws {
        guard state.runId == id, state.adapterRNGs.count == adapters.count else {
            throw RunnerError.corruptRun(path: path, reason: "checkpoint belongs to another configuration; delete it or use --force")
        }
        for p in optimizer.parameters {
            guard tensors["param/" + p.name]?.count == p.count, tensors["m/" + p.name]?.count == p.count,
                  tensors["v/" + p.name]?.count == p.count else {
                throw RunnerError.corruptRun(path: path, reason: "tensor for '\(p.name)' missing or of the wrong size")
            }
        }
        for (i, p) in optimizer.parameters.enumerated() {
            p.value.storage = tensors["param/" + p.name]!
            optimizer.m[i] = tensors["m/" + p.name]!
            optimizer.v[i] = tensors["v/" + p.name]!
        }
        optimizer.stepCount = state.adamSteps
        for (a, r) in zip(adapters, state.adapterRNGs) { a.dropoutRNG = r }
        model.dropoutRNG = state.modelRNG
    }
}
