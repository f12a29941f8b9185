import XCTest
import LinearAlgebra
import LoRA
import Model
@testable import Tasks

/// `directions: input-principal`: every planted input direction lies in the span of the top-m principal directions of its
/// layer's inputs (attention-mixed for v: so the data excites it, as the outputs see it), those principal directions are orthonormal and ordered by variance, and a
/// `random` plant is not confined to that span.
final class PlantedDirectionsTests: XCTestCase {
    func testInputPrincipalPlantLiesInTheInputsPrincipalSpan() throws {
        let (model, tokenizer) = try BuiltinTiny.make()
        let m = 4
        var options = PlantedRankOptions(plantRank: 2, targets: [.q, .v], layers: [0, 1], singularValues: [1, 0.5],
                                         inputs: .randomTokens, maxTokens: 12, trainExamples: 128, validationExamples: 8,
                                         directions: .inputPrincipal, principalDimensions: m)
        let data = try PlantedRankData.build(model: model, tokenizer: tokenizer, options: options)
        let covariances = try PlantedRankData.inputCovariances(model: model, examples: data.train, layers: [0, 1], targets: [.q, .v])
        let bases = try PlantedRankData.inputPrincipalBases(covariances, dimensions: m, hiddenSize: model.config.hiddenSize, targets: [.q, .v])
        // The task exposes the same covariances per (layer, target), for the data-metric recovery: symmetric, one per site.
        XCTAssertEqual(data.inputCovariances.map { "\($0.layer)\($0.target.rawValue)" }, ["0q", "0v", "1q", "1v"])
        for entry in data.inputCovariances {
            let c: Matrix<Double> = covariances[PlantedRankData.PlantSite(layer: entry.layer, target: entry.target)]!
            XCTAssertEqual(entry.covariance.maxAbsDifference(c), 0)
            // XᵀX is accumulated in f32 by sgemm (two triangles summed separately): symmetric to f32 round-off.
            XCTAssertEqual(c.maxAbsDifference(c.transposed), 0, accuracy: 1e-5 * c.frobeniusNorm)
        }
        for adapter in data.plant {
            let p = bases[PlantedRankData.PlantSite(layer: adapter.layer, target: adapter.target)]!   // (d, m)
            XCTAssertLessThan((p.transposed * p).maxAbsDifference(.identity(m)), 1e-9, "orthonormal basis")
            let v = adapter.a.value.converted(to: Double.self).transposed   // (d, k) planted input directions
            let inside = p.transposed * v                                    // (m, k) coordinates in span(P)
            XCTAssertEqual(inside.frobeniusNorm, v.frobeniusNorm, accuracy: 1e-5, "layer \(adapter.layer) \(adapter.target): V ⊂ span(P)")
            XCTAssertEqual(v.frobeniusNorm, 2.0.squareRoot(), accuracy: 1e-5, "V has orthonormal columns")
        }
        // v's span (attention-mixed inputs) is not q's (the layer's inputs).
        let q0 = bases[PlantedRankData.PlantSite(layer: 0, mixed: false)]!, v0 = bases[PlantedRankData.PlantSite(layer: 0, mixed: true)]!
        XCTAssertGreaterThan((q0.transposed * q0 - q0.transposed * v0 * v0.transposed * q0).frobeniusNorm, 1e-3)
        // The inputs vary more along the first principal direction than along the m-th.
        let ws = EncoderWorkspace(config: model.config)
        let (batch, _) = Batching.batch(Array(data.train.prefix(32)), padId: 0)
        try withExtendedLifetime(ws) {
            _ = try model.forward(batch, workspace: ws)
            let x = ws.layerInput(1)
            let p = bases[PlantedRankData.PlantSite(layer: 1, mixed: false)]!
            func moment(_ j: Int) -> Double {
                let proj = (0..<x.rows).map { r in (0..<x.cols).reduce(0.0) { $0 + Double(x[r, $1]) * p[$1, j] } }
                let mean = proj.reduce(0, +) / Double(proj.count)
                return proj.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            }
            XCTAssertGreaterThan(moment(0), moment(m - 1))
        }
        // A random plant is not confined to the principal span.
        options.directions = .random
        let random = try PlantedRankData.build(model: model, tokenizer: tokenizer, options: options)
        let p = bases[PlantedRankData.PlantSite(layer: 0, mixed: false)]!
        let v = random.plant[0].a.value.converted(to: Double.self).transposed
        XCTAssertLessThan((p.transposed * v).frobeniusNorm, 0.9 * v.frobeniusNorm)
    }
}
