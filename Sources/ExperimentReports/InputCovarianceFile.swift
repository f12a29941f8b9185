import Foundation
import LinearAlgebra
import SafeTensors
import Support

/// `input_covariance.safetensors` beside a planted adapter: per adapted matrix, the centred covariance C (d × d, F32) of
/// the inputs it acts on as the outputs see them (the planted-rank task's `InputCovariance`), under the tensor
/// name `layer.<L>.<target>`. The planted control's data-metric recovery (`PlantedRecovery.dataMetric`) reads it; a
/// results folder without the file has no data-metric rows.
public enum InputCovarianceFile {
    public static let name = "input_covariance.safetensors"

    static func tensorName(layer: Int, target: String) -> String { "layer.\(layer).\(target)" }

    /// Writes the covariances (tensors in name order, byte-deterministic) to `directory/input_covariance.safetensors`.
    public static func write(_ entries: [(layer: Int, target: String, covariance: Matrix<Double>)], to directory: URL) throws {
        var writer = SafeTensorsWriter(metadata: ["format": "pt", "content": "centred input covariance per adapted matrix"])
        for e in entries.sorted(by: { ($0.layer, $0.target) < ($1.layer, $1.target) }) {
            let c = e.covariance.converted(to: Float.self)
            try writer.add(tensorName(layer: e.layer, target: e.target), shape: [c.rows, c.cols], floats: c.storage)
        }
        try Folder.create(directory)
        try writer.write(to: directory.appendingPathComponent(name))
    }

    /// The covariance of (layer, target) in `directory`'s file, as f64; nil when the folder has no file or the file no
    /// such tensor.
    /// - Throws: `SafeTensorsError` for a malformed file; `ReportError.invalidInput` for a tensor that is not square.
    static func read(directory: URL) throws -> [String: Matrix<Double>] {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { return [:] }
        let file = try SafeTensorsFile(contentsOf: url)
        var out: [String: Matrix<Double>] = [:]
        for info in file.tensors {
            guard info.shape.count == 2, info.shape[0] == info.shape[1] else {
                throw ReportError.invalidInput(file: url.path, reason: "tensor '\(info.name)' has shape \(info.shape), expected a square matrix")
            }
            let values = try file.floats(info.name, shape: info.shape)
            out[info.name] = Matrix<Float>(rows: info.shape[0], cols: info.shape[1], storage: values).converted(to: Double.self)
        }
        return out
    }
}
