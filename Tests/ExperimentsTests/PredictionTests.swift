import Foundation
import XCTest
import LinearAlgebra
import LoRA
import Model
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// `experiment predict`'s library: adapters swapped on one loaded base model give each adapter's own predictions
/// (A, B, A: the first and last agree exactly, so nothing of B is left behind), merged mode agrees with unmerged ones,
/// and the model ends exactly as loaded (no adapter, W bit-identical).
final class PredictionTests: XCTestCase {
    static func adapters(_ model: BertModel, seed: UInt64) -> [LoRAAdapter] {
        var rng = SeededGenerator(seed: seed)
        return [0, 1].flatMap { layer in [LoRATarget.q, .v].map { t in
            let (i, o) = model.dimensions(of: t)
            return LoRAAdapter(target: t, layer: layer, parameters: LoRAParameters(rank: 2, alpha: 4),
                               a: .gaussian(rows: 2, cols: i, std: 0.3, using: &rng), b: .gaussian(rows: o, cols: 2, std: 0.3, using: &rng))
        } }
    }

    func testSwappingAndMergingOnOneModel() throws {
        let (model, tokenizer) = try BuiltinTiny.make()
        let d = model.config.hiddenSize
        var rng = SeededGenerator(seed: 9)
        let head = Prediction.Head(weight: .gaussian(rows: 3, cols: d, std: 1, using: &rng), bias: [0, 0.1, -0.1], labels: ["a", "b", "c"])
        let before = model.layers.map { $0.query.weight }
        let inputs = ["the cat", "a large body of water", "x"].enumerated().map { Prediction.Input(id: "\($0.offset)", text: $0.element) }
        let a = Self.adapters(model, seed: 1), b = Self.adapters(model, seed: 2)
        let rows = try Prediction.run(model: model, tokenizer: tokenizer, adapters: [("A", a, head), ("B", b, head), ("A", a, head)],
                                      inputs: inputs, merged: false)
        XCTAssertEqual(rows.count, 9)
        XCTAssertEqual(Array(rows[0..<3]), Array(rows[6..<9]), "A after B equals A before it")
        XCTAssertNotEqual(rows[0..<3].map(\.probability), rows[3..<6].map(\.probability), "B is a different adapter")
        let mergedRows = try Prediction.run(model: model, tokenizer: tokenizer, adapters: [("A", a, head)], inputs: inputs, merged: true)
        for (m, u) in zip(mergedRows, rows[0..<3]) {
            XCTAssertEqual(m.labelIndex, u.labelIndex)
            XCTAssertEqual(m.probability, u.probability, accuracy: 1e-5)   // merged W rounds W + ΔW once to Float32
        }
        XCTAssertTrue(model.adapters.isEmpty)
        for (l, w) in zip(model.layers, before) { XCTAssertLessThan(l.query.weight.maxAbsDifference(w), 1e-6) }
    }
}
