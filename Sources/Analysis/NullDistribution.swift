/// A Monte-Carlo null distribution of one statistic: its draws, sorted, with the summaries a report prints.
///
/// Band: the central 95 % of the draws, [q(0.025), q(0.975)], with q the linear-interpolation quantile (type 7 of
/// Hyndman & Fan, numpy's default): h = (n − 1)·p, q(p) = x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎) on the sorted draws.
/// Where an observed value x falls: its mid-rank empirical quantile (#{draws < x} + ½·#{draws = x}) / n, and its
/// z-score (x − mean)/sd. With n = 200 draws the band's end points are themselves uncertain by roughly ±1.5 % in
/// quantile (binomial error of 5 of 200 draws), which is why verdicts only read "inside" or "beyond" the band.
public struct NullDistribution: Equatable, Sendable {
    /// The draws in the order they were drawn (to pair draws of independent nulls index by index).
    public let draws: [Double]
    /// The draws, ascending.
    public let sorted: [Double]
    /// Their mean.
    public let mean: Double
    /// Their sample standard deviation (n − 1 in the denominator; 0 for one draw).
    public let standardDeviation: Double

    public init(_ draws: [Double]) {
        precondition(!draws.isEmpty, "a null distribution needs at least one draw")
        self.draws = draws
        sorted = draws.sorted()
        let n = Double(draws.count)
        let m = draws.reduce(0, +) / n
        mean = m
        standardDeviation = draws.count > 1 ? (draws.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)).squareRoot() : 0
    }

    /// Number of draws.
    public var count: Int { sorted.count }

    /// The type-7 quantile at p ∈ [0, 1].
    public func quantile(_ p: Double) -> Double {
        precondition(p >= 0 && p <= 1, "quantile level \(p) outside [0, 1]")
        let h = Double(count - 1) * p
        let lo = Int(h.rounded(.down)), hi = Swift.min(lo + 1, count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    /// Lower end of the central 95 % band, q(0.025).
    public var lower: Double { quantile(0.025) }
    /// Upper end of the central 95 % band, q(0.975).
    public var upper: Double { quantile(0.975) }

    /// Mid-rank empirical quantile of `x`: (#{draws < x} + ½·#{draws = x}) / n ∈ [0, 1].
    public func cdf(_ x: Double) -> Double {
        let below = partition { $0 < x }, notAbove = partition { $0 <= x }
        return (Double(below) + 0.5 * Double(notAbove - below)) / Double(count)
    }

    /// (x − mean) / sd; ±∞ when the draws do not vary and x differs from them, 0 when it equals them.
    public func zScore(_ x: Double) -> Double {
        if standardDeviation > 0 { return (x - mean) / standardDeviation }
        return x == mean ? 0 : (x > mean ? .infinity : -.infinity)
    }

    /// Number of leading sorted draws satisfying `p` (p must hold on a prefix).
    private func partition(_ p: (Double) -> Bool) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if p(sorted[mid]) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
