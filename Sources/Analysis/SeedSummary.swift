/// Mean ± sample standard deviation of one metric over seeds (for tables: "0.812 ± 0.004 (n=2)").
public struct SeedSummary: Equatable, Sendable {
    /// x̄ = Σ x / n (NaN for n = 0).
    public let mean: Double
    /// Sample std s = √(Σ (x − x̄)² / (n − 1)); nil for n ≤ 1.
    public let standardDeviation: Double?
    /// n, the number of seeds.
    public let count: Int

    public init(_ values: [Double]) {
        count = values.count
        guard !values.isEmpty else { mean = .nan; standardDeviation = nil; return }
        let m = values.reduce(0, +) / Double(values.count)
        mean = m
        if values.count > 1 {
            let ss = values.reduce(0) { $0 + ($1 - m) * ($1 - m) }
            standardDeviation = (ss / Double(values.count - 1)).squareRoot()
        } else {
            standardDeviation = nil
        }
    }

    /// "0.812 ± 0.004 (n=2)"; "0.812 (n=1)"; "n/a (n=0)". Both numbers fixed to `digits` decimals.
    public func formatted(digits: Int) -> String {
        guard count > 0 else { return "n/a (n=0)" }
        let m = NumberFormat.fixed(mean, digits: digits)
        if let s = standardDeviation { return "\(m) ± \(NumberFormat.fixed(s, digits: digits)) (n=\(count))" }
        return "\(m) (n=\(count))"
    }
}
