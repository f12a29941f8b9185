import Foundation
import LinearAlgebra
import SafeTensors
import XCTest
@testable import ExperimentReports

/// `InputCovarianceFile`: the packed upper-triangle layout round-trips a symmetric matrix exactly (at F32), stores the
/// symmetric part of one that is symmetric only up to rounding, still reads the earlier square layout, and rejects a
/// tensor of any other shape with the file and tensor named.
final class InputCovarianceFileTests: XCTestCase {
    private func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cov-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func testPackedRoundTripKeepsASymmetricMatrixAndHalvesTheValues() throws {
        let dir = try folder()
        var c = Matrix<Double>(rows: 5, cols: 5)
        for i in 0..<5 { for j in i..<5 { let v = Double(Float(Double(i * 7 + j * j) * 0.37 - 1)); c[i, j] = v; c[j, i] = v } }
        var skewed = c
        skewed[0, 3] += 2; skewed[3, 0] -= 2                               // symmetric part = c
        try InputCovarianceFile.write([(layer: 1, target: "v", covariance: skewed), (layer: 0, target: "q", covariance: c)], to: dir)
        let back = try InputCovarianceFile.read(directory: dir)
        XCTAssertEqual(back.keys.sorted(), ["layer.0.q", "layer.1.v"])
        XCTAssertEqual(back["layer.0.q"]?.storage, c.storage)
        XCTAssertEqual(back["layer.1.v"]?.storage, c.storage)
        let file = try SafeTensorsFile(contentsOf: dir.appendingPathComponent(InputCovarianceFile.name))
        XCTAssertEqual(file.tensors.map(\.shape), [[15], [15]])
        // The documented layout: row by row, C₀₀ … C₀₄, C₁₁ … C₁₄, …, C₄₄.
        var rowMajor: [Float] = []
        for i in 0..<5 { for j in i..<5 { rowMajor.append(Float(c[i, j])) } }
        XCTAssertEqual(try file.floats("layer.0.q", shape: [15]), rowMajor)
    }

    func testReadsTheSquareLayoutAndRejectsOtherShapes() throws {
        let dir = try folder()
        let url = dir.appendingPathComponent(InputCovarianceFile.name)
        var square = SafeTensorsWriter(metadata: [:])
        try square.add("layer.0.q", shape: [2, 2], floats: [1, 2, 2, 5])
        try square.write(to: url)
        XCTAssertEqual(try InputCovarianceFile.read(directory: dir)["layer.0.q"]?.storage, [1, 2, 2, 5])
        for (shape, count) in [([4], 4), ([2, 3], 6)] {
            var bad = SafeTensorsWriter(metadata: [:])
            try bad.add("layer.0.v", shape: shape, floats: [Float](repeating: 1, count: count))
            try bad.write(to: url)
            XCTAssertThrowsError(try InputCovarianceFile.read(directory: dir), "\(shape)") { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains("layer.0.v") && text.contains(InputCovarianceFile.name), text)
            }
        }
    }

    func testTriangleSide() {
        XCTAssertEqual(InputCovarianceFile.triangleSide(1), 1)
        XCTAssertEqual(InputCovarianceFile.triangleSide(73_920), 384)
        XCTAssertNil(InputCovarianceFile.triangleSide(4))
        XCTAssertNil(InputCovarianceFile.triangleSide(0))
    }
}
