import Foundation
import LinearAlgebra
import SafeTensors
import Support

/// `input_covariance.safetensors` beside a planted adapter or in a spec's results folder: per adapted matrix, the
/// centred covariance C (d × d) of the inputs it acts on as the outputs see them (the planted-rank task's
/// `InputCovariance`), under the tensor name `layer.<L>.<target>`. The planted control's data-metric recovery
/// (`PlantedRecovery.dataMetric`) and the data-metric analyses read it; a results folder without the file has no
/// data-metric rows.
///
/// C is symmetric, so only its upper triangle is stored: a 1-D F32 tensor of d(d + 1)/2 values, row by row
/// (C₀₀ … C₀,d−1, C₁₁ … C₁,d−1, …, C_{d−1,d−1}), about half the bytes of the full matrix (3.5 MB instead of 7 MB for
/// MiniLM's q and v in six layers: the files are committed with the results). The writer stores (C + Cᵀ)/2, so a
/// covariance accumulated by a BLAS product that is symmetric only up to rounding loses nothing but that rounding.
/// The reader also accepts the earlier layout, a square d × d tensor.
public enum InputCovarianceFile {
    public static let name = "input_covariance.safetensors"

    static func tensorName(layer: Int, target: String) -> String { "layer.\(layer).\(target)" }

    /// Writes the covariances (tensors in name order, packed upper triangles, byte-deterministic) to
    /// `directory/input_covariance.safetensors`.
    public static func write(_ entries: [(layer: Int, target: String, covariance: Matrix<Double>)], to directory: URL) throws {
        var writer = SafeTensorsWriter(metadata: ["format": "pt", "content": "centred input covariance per adapted matrix",
                                                  "layout": "packed upper triangle, row-major"])
        for e in entries.sorted(by: { ($0.layer, $0.target) < ($1.layer, $1.target) }) {
            let packed = packUpperTriangle(e.covariance)
            try writer.add(tensorName(layer: e.layer, target: e.target), shape: [packed.count], floats: packed)
        }
        try Folder.create(directory)
        try writer.write(to: directory.appendingPathComponent(name))
    }

    /// The covariances in `directory`'s file by tensor name, as f64; empty when the folder has no file.
    /// - Throws: `SafeTensorsError` for a malformed file; `ReportError.invalidInput` for a tensor that is neither a packed
    ///   upper triangle (length d(d + 1)/2) nor a square matrix.
    static func read(directory: URL) throws -> [String: Matrix<Double>] {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { return [:] }
        let file = try SafeTensorsFile(contentsOf: url)
        var out: [String: Matrix<Double>] = [:]
        for info in file.tensors {
            let values = try file.floats(info.name, shape: info.shape)
            if info.shape.count == 2, info.shape[0] == info.shape[1] {
                out[info.name] = Matrix<Float>(rows: info.shape[0], cols: info.shape[1], storage: values).converted(to: Double.self)
            } else if info.shape.count == 1, let d = triangleSide(info.shape[0]) {
                out[info.name] = unpackUpperTriangle(values, side: d)
            } else {
                throw ReportError.invalidInput(file: url.path, reason: "tensor '\(info.name)' has shape \(info.shape), expected a "
                                               + "packed upper triangle of d(d + 1)/2 values or a square matrix")
            }
        }
        return out
    }

    /// The upper triangle of (C + Cᵀ)/2, row by row, as F32.
    static func packUpperTriangle(_ c: Matrix<Double>) -> [Float] {
        precondition(c.rows == c.cols, "a covariance is square")
        var packed: [Float] = []
        packed.reserveCapacity(c.rows * (c.rows + 1) / 2)
        for i in 0..<c.rows { for j in i..<c.cols { packed.append(Float((c[i, j] + c[j, i]) / 2)) } }
        return packed
    }

    /// The symmetric d × d matrix whose upper triangle `packed` holds row by row.
    static func unpackUpperTriangle(_ packed: [Float], side d: Int) -> Matrix<Double> {
        var c = Matrix<Double>(rows: d, cols: d)
        var k = 0
        for i in 0..<d {
            for j in i..<d {
                c[i, j] = Double(packed[k]); c[j, i] = Double(packed[k]); k += 1
            }
        }
        return c
    }

    /// d with d(d + 1)/2 = n, or nil when n is not a triangular number.
    static func triangleSide(_ n: Int) -> Int? {
        guard n > 0 else { return nil }
        let d = Int((Double(8 * n + 1).squareRoot() - 1) / 2)
        return (d - 1...d + 1).first { $0 > 0 && $0 * ($0 + 1) / 2 == n }
    }
}
