import Foundation
import LinearAlgebra
import SafeTensors
import Support
import Tasks

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
