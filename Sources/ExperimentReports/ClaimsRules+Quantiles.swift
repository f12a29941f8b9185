import Foundation

/// Quantiles for intervals at levels other than 95 % (the familywise intervals of claim 2's several comparisons).
extension ClaimRules {
    /// P(T ≤ t) for Student's t with `df` ≥ 1 (integral) degrees of freedom, in closed form (Abramowitz & Stegun
    /// 26.7.3–4). With θ = atan(|t|/√ν), A = P(|T| ≤ |t|) is
    /// - ν odd: (2/π)·(θ + sin θ·Σ_{k=0}^{(ν−3)/2} c_k·cos^{2k+1} θ), c_0 = 1, c_k = c_{k−1}·2k/(2k + 1) (ν = 1: 2θ/π);
    /// - ν even: sin θ·Σ_{k=0}^{(ν−2)/2} d_k·cos^{2k} θ, d_0 = 1, d_k = d_{k−1}·(2k − 1)/(2k);
    /// and P(T ≤ t) = (1 ± A)/2. Exact up to round-off (finite sums, no series truncation).
    static func studentTCDF(_ t: Double, df: Int) -> Double {
        precondition(df >= 1)
        let theta = atan(abs(t) / Double(df).squareRoot())
        let (s, c) = (sin(theta), cos(theta))
        var a: Double
        if df % 2 == 1 {
            var term = c, sum = 0.0
            if df > 1 {
                for k in 0...((df - 3) / 2) {
                    if k > 0 { term *= c * c * Double(2 * k) / Double(2 * k + 1) }
                    sum += term
                }
            }
            a = 2 / Double.pi * (theta + s * sum)
        } else {
            var term = 1.0, sum = 0.0
            for k in 0...((df - 2) / 2) {
                if k > 0 { term *= c * c * Double(2 * k - 1) / Double(2 * k) }
                sum += term
            }
            a = s * sum
        }
        a = Swift.min(Swift.max(a, 0), 1)
        return t >= 0 ? (1 + a) / 2 : (1 - a) / 2
    }

    /// The `p` quantile (0.5 < p < 1) of Student's t with `df` degrees of freedom, rounded down to an integer as `t975`
    /// does (conservative: fewer degrees of freedom, a wider interval); by bisection on `studentTCDF` to 1e-10.
    /// +∞ below one degree of freedom.
    static func tQuantile(_ p: Double, df: Double) -> Double {
        precondition(p > 0.5 && p < 1)
        guard df.isFinite, df >= 1 else { return .infinity }
        let d = Int((df + 1e-9).rounded(.down))
        return bisect(p) { studentTCDF($0, df: d) }
    }

    /// The `p` quantile (0.5 < p < 1) of the standard normal distribution, by bisection on Φ(x) = erfc(−x/√2)/2.
    static func normalQuantile(_ p: Double) -> Double {
        precondition(p > 0.5 && p < 1)
        return bisect(p) { erfc(-$0 / 2.0.squareRoot()) / 2 }
    }

    /// The x ≥ 0 with cdf(x) = p for an increasing `cdf` with cdf(0) = 1/2.
    private static func bisect(_ p: Double, cdf: (Double) -> Double) -> Double {
        var (lo, hi) = (0.0, 1.0)
        while cdf(hi) < p { (lo, hi) = (hi, hi * 2) }
        while hi - lo > 1e-10 * Swift.max(1, hi) {
            let mid = (lo + hi) / 2
            if cdf(mid) < p { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }
}
