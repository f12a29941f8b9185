import LinearAlgebra

/// Where the Table 7 projection directions come from (Sec 7.3). Raw values are the CSV spellings.
public enum DirectionSource: String, Codable, Sendable, CaseIterable {
    /// Top-r left/right singular vectors of ΔW.
    case deltaW = "delta_w"
    /// Top-r left/right singular vectors of W itself.
    case w = "w"
    /// Haar-random U, V (as the top-r singular vectors of a Gaussian matrix of W's shape are): the Monte-Carlo null.
    case random = "random"
}

/// One row of Table 7 (Sec 7.3) for one matrix W, rank r and direction source.
public struct ProjectionResult: Equatable, Sendable, Codable {
    public let directionsFrom: DirectionSource
    /// r, the number of directions projected on.
    public let rank: Int
    /// ‖UᵀWV‖_F with U (out × r), V (in × r) as columns.
    public let projectionNorm: Double
    /// ‖W‖_F.
    public let weightNorm: Double
    /// ‖ΔW‖_F, on the `.deltaW` row only.
    public let deltaNorm: Double?
    /// ‖ΔW‖_F / ‖UᵀWV‖_F, on the `.deltaW` row only (infinite when the projection is exactly 0).
    public let amplification: Double?

    public init(directionsFrom: DirectionSource, rank: Int, projectionNorm: Double, weightNorm: Double,
                deltaNorm: Double?, amplification: Double?) {
        self.directionsFrom = directionsFrom
        self.rank = rank
        self.projectionNorm = projectionNorm
        self.weightNorm = weightNorm
        self.deltaNorm = deltaNorm
        self.amplification = amplification
    }
}

/// Sec 7.3, Table 7: how strongly W is expressed in the subspace ΔW occupies.
///
/// U, V = top-r left/right singular vectors (as columns) of ΔW, of W, or of a random Gaussian matrix of W's
/// shape; value ‖UᵀWV‖_F. The paper writes ‖UᵀWVᵀ‖_F where its Vᵀ denotes the rows of the SVD's Vᵀ, i.e.
/// the same right singular vectors; here V holds them as columns. Amplification = ‖ΔW‖_F / ‖UᵀWV‖_F with
/// U, V from ΔW (paper: 21.5 at r = 4, ≈ 1.9 at r = 64). ΔW = scaling·B·A, W in (out, in) layout.
public enum WeightProjection {
    /// ‖UᵀWV‖_F (Sec 7.3) with W (out × in), U (out × r), V (in × r) as columns; computed as Uᵀ·(W·V), r × r.
    /// For U, V the top-r singular vectors of W this equals √(Σ_{k≤r} s_k²).
    public static func projectionNorm(w: Matrix<Double>, u: Matrix<Double>, v: Matrix<Double>) -> Double {
        precondition(u.rows == w.rows && v.rows == w.cols && u.cols == v.cols,
                     "shapes: W \(w.rows)×\(w.cols), U \(u.rows)×\(u.cols), V \(v.rows)×\(v.cols)")
        return Matrix.product(u, transposeA: true, Matrix.product(w, v)).frobeniusNorm
    }

    /// Root-mean-square ‖UᵀWV‖_F for independent uniformly random orthonormal U (out × r), V (in × r):
    /// E‖UᵀWV‖²_F = tr(E[UUᵀ]·W·E[VVᵀ]·Wᵀ) = (r/out)(r/in)‖W‖²_F, so the value is r·‖W‖_F / √(out·in).
    /// The paper's random rows fit it (Sec 7.3: d = 12288, ‖W‖_F = 61.95 gives 0.020 at r = 4 and 0.32 at r = 64,
    /// reported 0.02 and 0.33). Top singular vectors of a Gaussian matrix are such uniform directions.
    public static func randomProjectionScale(rank r: Int, weightNorm: Double, rows: Int, cols: Int) -> Double {
        Double(r) * weightNorm / (Double(rows) * Double(cols)).squareRoot()
    }

    /// The three Table 7 rows (Sec 7.3) for one (W, ΔW) pair at rank r, in the order ΔW, W, random:
    /// - `.deltaW`: U, V = top-r of ΔW (`delta`), with ‖ΔW‖_F = `deltaNorm` and amplification ‖ΔW‖_F / ‖UᵀWV‖_F;
    /// - `.w`: U, V = top-r of W (`wBasis`, computed once per matrix and cached by callers);
    /// - `.random`: the mean of ‖UᵀWV‖_F over the draws of `randomNull` (Haar-random U, V at rank r,
    ///   `randomProjectionNull`), whose spread callers report beside it.
    /// Every row carries ‖W‖_F. Requires r ≤ the directions available in each basis.
    public static func table7Rows(w: Matrix<Double>, wBasis: SingularBasis, delta: SingularBasis, deltaNorm: Double,
                                  rank: Int, randomNull: NullDistribution) -> [ProjectionResult] {
        precondition(rank >= 1 && rank <= delta.count && rank <= wBasis.count,
                     "rank \(rank) exceeds the directions available (ΔW \(delta.count), W \(wBasis.count))")
        let weightNorm = w.frobeniusNorm
        func project(_ basis: SingularBasis) -> Double {
            projectionNorm(w: w, u: basis.left.leadingColumns(rank), v: basis.right.leadingColumns(rank))
        }
        let onDelta = project(delta)
        return [
            ProjectionResult(directionsFrom: .deltaW, rank: rank, projectionNorm: onDelta, weightNorm: weightNorm,
                             deltaNorm: deltaNorm, amplification: deltaNorm / onDelta),
            ProjectionResult(directionsFrom: .w, rank: rank, projectionNorm: project(wBasis), weightNorm: weightNorm,
                             deltaNorm: nil, amplification: nil),
            ProjectionResult(directionsFrom: .random, rank: rank, projectionNorm: randomNull.mean, weightNorm: weightNorm,
                             deltaNorm: nil, amplification: nil),
        ]
    }
}
