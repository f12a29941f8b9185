import LinearAlgebra

/// Summary of a singular-value spectrum s_1 ≥ … ≥ s_p ≥ 0 (e.g. of ΔW, to judge its intrinsic rank, Sec 7.2 / H.2).
public struct Spectrum: Equatable, Sendable {
    /// s_1 ≥ … ≥ s_p (sorted descending on init).
    public let singularValues: [Double]
    /// Stable rank ‖M‖²_F / ‖M‖²₂ = Σ s_k² / s_1² ∈ [1, rank(M)]; 0 for the zero matrix.
    public let stableRank: Double
    /// Smallest n with Σ_{k≤n} s_k² ≥ 0.9·Σ_k s_k² (90 % of the energy ‖M‖²_F); 0 for the zero matrix.
    public let energyRank90: Int

    public init(singularValues: [Double]) {
        let s = singularValues.sorted(by: >)
        self.singularValues = s
        let total = s.reduce(0) { $0 + $1 * $1 }
        stableRank = total > 0 ? total / (s[0] * s[0]) : 0
        energyRank90 = Spectrum.energyRank(s, fraction: 0.9)
    }

    /// The spectrum of a dense matrix (LAPACK SVD).
    public init(of m: Matrix<Double>) throws { self.init(singularValues: try m.singularValues()) }

    /// ‖M‖_F = √(Σ s_k²).
    public var frobeniusNorm: Double { singularValues.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// Smallest n with Σ_{k≤n} s_k² ≥ fraction·Σ s_k² (0 < fraction ≤ 1); 0 for the zero matrix.
    public func energyRank(fraction: Double) -> Int { Spectrum.energyRank(singularValues, fraction: fraction) }

    /// Cumulative energy share Σ_{k≤n} s_k² / Σ s_k² for n = 1…p (all 0 for the zero matrix).
    public var cumulativeEnergy: [Double] {
        let total = singularValues.reduce(0) { $0 + $1 * $1 }
        var acc = 0.0
        return singularValues.map { acc += $0 * $0; return total > 0 ? acc / total : 0 }
    }

    /// A relative slack of 1e-12 absorbs round-off at exact ties (e.g. ten equal values and fraction 0.9 → 9).
    static func energyRank(_ descending: [Double], fraction: Double) -> Int {
        precondition(fraction > 0 && fraction <= 1, "fraction \(fraction) outside (0, 1]")
        let total = descending.reduce(0) { $0 + $1 * $1 }
        guard total > 0 else { return 0 }
        let target = fraction * total * (1 - 1e-12)
        var acc = 0.0
        for (k, s) in descending.enumerated() {
            acc += s * s
            if acc >= target { return k + 1 }
        }
        return descending.count
    }
}
