import Analysis
import ExperimentSpec
import Foundation
import LinearAlgebra
import LoRA

/// (in, out) of the matrix at (layer, site) in the base model, or nil when the base has no such matrix.
typealias SiteDimensions = (_ layer: Int, _ site: any AdapterSite) throws -> (inFeatures: Int, outFeatures: Int)?

/// Computes the rows of every analysis CSV from loaded adapters, through `Analysis` and `LinearAlgebra`. W's SVD is
/// computed once per (layer, matrix) and each Monte-Carlo null once per (layer, matrix, rank) (`AnalysisEngine+Nulls`),
/// so a spec's analyses cost a few dense SVDs, many small ones, and the null draws (in parallel).
///
/// Conventions (docs/conventions.md): ΔW = scaling·B·A (scaling α/r, rsLoRA α/√r); W is the frozen weight in (out, in) layout;
/// φ on the RIGHT singular vectors of A; Table 7 value ‖UᵀWV‖_F with U, V the top-r singular vectors as columns.
final class AnalysisEngine {
    let options: AnalysesSpec
    /// The family of the adapters and weights analysed (its matrices and PEFT names).
    let naming: ModuleNaming
    private let baseWeights: (Int, any AdapterSite) throws -> Matrix<Float>
    /// (in, out) of W at (layer, matrix) without reading W (a lazily read base's header), or nil: then `baseWeights` is
    /// asked for every matrix of the family at the first layer.
    private let baseDimensions: ((Int, any AdapterSite) throws -> (inFeatures: Int, outFeatures: Int)?)?
    private var weights: [AdapterKey: (w: Matrix<Double>, basis: SingularBasis)] = [:]
    private(set) var weightNorms: [AdapterKey: Double] = [:]
    /// ‖UᵀWV‖_F for U, V from W itself, per (layer, matrix, r): the same for every run.
    var fixedProjections: [FixedProjectionKey: Double] = [:]

    struct FixedProjectionKey: Hashable { var key: AdapterKey; var rank: Int }
    /// Monte-Carlo nulls computed so far (`AnalysisEngine+Nulls`).
    var phiNullCache: [PhiNullKey: PhiNullSample] = [:]
    var projectionNullCache: [ProjectionNullKey: NullDistribution] = [:]
    var dataPhiNullCache: [DataPhiNullKey: PhiNullSample] = [:]
    /// S = C^{1/2} per `InputCovarianceFile.tensorName(layer:target:)`, for the data-metric basis (empty: no such rows).
    var inputMetrics: [String: Matrix<Double>] = [:]
    /// max(i, j)/k rounded as written, per (max(i, j), k): a handful of values behind 10⁵ cells.
    private var expectations: [[Int]: Double] = [:]

    func expectedRandom(_ i: Int, _ j: Int, ambient k: Int) -> Double {
        let m = Swift.max(i, j)
        if let e = expectations[[m, k]] { return e }
        let e = csvRounded(Double(m) / Double(k))
        expectations[[m, k]] = e
        return e
    }

    init(options: AnalysesSpec, naming: ModuleNaming = .bert, baseWeights: @escaping (Int, any AdapterSite) throws -> Matrix<Float>,
         baseDimensions: ((Int, any AdapterSite) throws -> (inFeatures: Int, outFeatures: Int)?)? = nil) {
        self.options = options
        self.naming = naming
        self.baseWeights = baseWeights
        self.baseDimensions = baseDimensions
    }

    /// (in, out) of the family's matrices, as adapter loading asks for them. With `baseDimensions`, asked per (layer,
    /// matrix) when needed (an adapter's loader asks only for the matrices it adapts) and its errors passed on; without,
    /// every matrix whose weight `baseWeights` provides at `layer` is read now (the others are nil) and stands for
    /// every layer (the families' layers are alike).
    func dimensions(layer: Int) -> SiteDimensions {
        if let baseDimensions { return baseDimensions }
        var out: [String: (inFeatures: Int, outFeatures: Int)] = [:]
        for t in naming.sites {
            if let w = try? baseWeights(layer, t) { out[t.rawValue] = (w.cols, w.rows) }
        }
        return { _, site in out[site.rawValue] }
    }

    /// W (Float64) and its full thin SVD, cached per (layer, matrix).
    func weight(_ key: AdapterKey) throws -> (w: Matrix<Double>, basis: SingularBasis) {
        if let c = weights[key] { return c }
        try prepareWeights([key])
        return weights[key]!
    }

    /// Computes W and its SVD for every key not cached yet, the keys in parallel (`Parallel.map`), each SVD on one BLAS
    /// thread: LAPACK's result may differ in the last bits with the thread count, and a report must not depend on
    /// `--threads`. The W SVDs are the costliest dense step of a report.
    func prepareWeights(_ keys: Set<AdapterKey>) throws {
        let missing = keys.filter { weights[$0] == nil }.sorted()
        let baseWeights = self.baseWeights
        let computed = try Parallel.map(missing) { key -> (Matrix<Double>, SingularBasis) in
            let w = try baseWeights(key.layer, key.target).converted(to: Double.self)
            do { return (w, try SingularBasis(of: w)) } catch {
                throw ReportError.analysisFailed(file: key.target.weightName(layer: key.layer), reason: "SVD of W failed: \(error)")
            }
        }
        for (key, (w, basis)) in zip(missing, computed) {
            weights[key] = (w, basis)
            weightNorms[key] = w.frobeniusNorm
        }
    }

    /// Runs `body`, turning a numerical failure into an error that names the adapter file and tensor.
    func wrap<T>(_ subject: AnalysisSubject, _ key: AdapterKey, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as ReportError { throw e } catch {
            throw ReportError.analysisFailed(file: subject.file, reason: "\(key.target.peftPrefix(layer: key.layer)): \(error)")
        }
    }
}
