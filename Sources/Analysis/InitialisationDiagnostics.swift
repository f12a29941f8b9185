import LinearAlgebra

/// How far a trained LoRA factor A (r × in) moved from its initialisation A₀ (issue 11 part 2): whether φ on A
/// (Sec 7.2 defines Fig 3 and Fig 4 on A) measures what training learned or mostly the random initialisation.
///
/// - relativeChange = ‖A − A₀‖_F / ‖A₀‖_F;
/// - cosine = ⟨A, A₀⟩_F / (‖A‖_F·‖A₀‖_F), the cosine between the two as vectors of r·in entries;
/// - phi11 = φ(A, A₀, 1, 1) = (v₁(A)·v₁(A₀))², the Sec 7.2 similarity of their top right singular vectors;
/// - edge = s₁(A₀), the largest singular value of A₀: the edge of the bulk of singular values an untrained random
///   A₀ has (for a Gaussian A₀ with std σ, near the Marchenko–Pastur edge σ·(√in + √r));
/// - aboveEdge = the number of singular values of A above that edge: directions training made stronger than anything
///   in the initialisation (0 when A is still its random init plus small changes).
public struct InitialisationDiagnostics: Equatable, Sendable {
    public let relativeChange: Double
    public let cosine: Double
    public let phi11: Double
    public let topSingularValue: Double
    public let edge: Double
    public let aboveEdge: Int

    /// The diagnostics of A against A₀ (same shape, r × in).
    public init(a: Matrix<Double>, initial a0: Matrix<Double>) throws {
        precondition(a.rows == a0.rows && a.cols == a0.cols, "A is \(a.rows)×\(a.cols) but A₀ is \(a0.rows)×\(a0.cols)")
        let (na, n0) = (a.frobeniusNorm, a0.frobeniusNorm)
        relativeChange = (a - a0).frobeniusNorm / n0
        var dot = 0.0
        for k in 0..<a.count { dot += a.storage[k] * a0.storage[k] }
        cosine = dot / (na * n0)
        let (svdA, svd0) = (try a.svd(), try a0.svd())
        phi11 = SubspaceSimilarity.phiGrid(svdA.v, svd0.v, maxI: 1, maxJ: 1)[0][0]
        topSingularValue = svdA.singularValues[0]
        edge = svd0.singularValues[0]
        aboveEdge = svdA.singularValues.filter { $0 > svd0.singularValues[0] }.count
    }
}
