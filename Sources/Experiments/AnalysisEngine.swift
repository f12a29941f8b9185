import Analysis
import Foundation
import LinearAlgebra
import LoRA

/// Computes the rows of every analysis CSV from loaded adapters, through `Analysis` and `LinearAlgebra`. W's SVD is
/// computed once per (layer, matrix) and random bases once per shape, so a spec's analyses cost a few dense SVDs plus
/// many small ones.
///
/// Conventions (CONTRACTS): ΔW = scaling·B·A (scaling α/r, rsLoRA α/√r); W is the frozen weight in (out, in) layout;
/// φ on the RIGHT singular vectors of A; Table 7 value ‖UᵀWV‖_F with U, V the top-r singular vectors as columns.
final class AnalysisEngine {
    let options: AnalysesSpec
    private let baseWeights: (Int, LoRATarget) throws -> Matrix<Float>
    private var weights: [AdapterKey: (w: Matrix<Double>, basis: SingularBasis)] = [:]
    private(set) var weightNorms: [AdapterKey: Double] = [:]
    private var randomBases: [[Int]: SingularBasis] = [:]
    /// ‖UᵀWV‖_F for U, V from W itself and from the random matrix, per (layer, matrix, r): the same for every run.
    var fixedProjections: [FixedProjectionKey: (w: Double, random: Double)] = [:]

    struct FixedProjectionKey: Hashable { var key: AdapterKey; var rank: Int }
    /// max(i, j)/k rounded as written, per (max(i, j), k): a handful of values behind 10⁵ cells.
    private var expectations: [[Int]: Double] = [:]

    func expectedRandom(_ i: Int, _ j: Int, ambient k: Int) -> Double {
        let m = Swift.max(i, j)
        if let e = expectations[[m, k]] { return e }
        let e = csvRounded(Double(m) / Double(k))
        expectations[[m, k]] = e
        return e
    }

    init(options: AnalysesSpec, baseWeights: @escaping (Int, LoRATarget) throws -> Matrix<Float>) {
        self.options = options
        self.baseWeights = baseWeights
    }

    /// (in, out) of every target whose weight the closure provides at `layer` (others are absent).
    func dimensions(layer: Int) -> [LoRATarget: (inFeatures: Int, outFeatures: Int)] {
        var out: [LoRATarget: (inFeatures: Int, outFeatures: Int)] = [:]
        for t in LoRATarget.allCases {
            if let w = try? baseWeights(layer, t) { out[t] = (w.cols, w.rows) }
        }
        return out
    }

    /// W (Float64) and its full thin SVD, cached per (layer, matrix).
    func weight(_ key: AdapterKey) throws -> (w: Matrix<Double>, basis: SingularBasis) {
        if let c = weights[key] { return c }
        let w = try baseWeights(key.layer, key.target).converted(to: Double.self)
        let basis: SingularBasis
        do { basis = try SingularBasis(of: w) } catch {
            throw ReportError.analysisFailed(file: key.target.weightName(layer: key.layer), reason: "SVD of W failed: \(error)")
        }
        weights[key] = (w, basis)
        weightNorms[key] = w.frobeniusNorm
        return (w, basis)
    }

    /// Table 7's random directions for a rows × cols matrix, cached per shape:
    /// `WeightProjection.randomBasis(rows:cols:seed: options.randomSeed)`.
    func randomBasis(rows: Int, cols: Int) throws -> SingularBasis {
        if let c = randomBases[[rows, cols]] { return c }
        let b = try WeightProjection.randomBasis(rows: rows, cols: cols, seed: options.randomSeed)
        randomBases[[rows, cols]] = b
        return b
    }

    /// Runs `body`, turning a numerical failure into an error that names the adapter file and tensor.
    func wrap<T>(_ subject: AnalysisSubject, _ key: AdapterKey, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as ReportError { throw e } catch {
            throw ReportError.analysisFailed(file: subject.file, reason: "\(key.target.peftPrefix(layer: key.layer)): \(error)")
        }
    }
}
