import LinearAlgebra

/// Central finite differences for gradient checks.
///
/// Why the tolerances in these tests are what they are: the forward passes run in Float32 (unit round-off
/// u ≈ 6e-8). A central difference (f(x+h) − f(x−h))/2h has truncation error O(h²·f‴) ≈ 1e-6 for h = 1e-3 and
/// O(1) third derivatives, and rounding error ≈ u·|f|·√(terms)/h; with |f| = O(1)–O(10) and the losses summed in
/// Double from Float outputs that is a few 1e-4. So an analytic gradient is accepted when
/// |analytic − numeric| ≤ 2e-3 + 2e-2·|numeric|: an indexing or sign bug gives errors of O(|gradient|), far above it.
enum GradientCheck {
    static let h: Float = 1e-3

    static func numeric(_ p: UnsafeMutablePointer<Float>, _ f: () -> Double) -> Double {
        let old = p.pointee
        p.pointee = old + h
        let up = f()
        p.pointee = old - h
        let down = f()
        p.pointee = old
        return (up - down) / Double(2 * h)
    }

    /// Central difference of `f` w.r.t. element `i` of a parameter (set through the class, so `f` may read it).
    static func numeric(_ param: Parameter, _ i: Int, _ f: () -> Double) -> Double {
        let old = param.value.storage[i]
        param.value.storage[i] = old + h
        let up = f()
        param.value.storage[i] = old - h
        let down = f()
        param.value.storage[i] = old
        return (up - down) / Double(2 * h)
    }

    static func close(_ analytic: Double, _ numeric: Double) -> Bool {
        abs(analytic - numeric) <= 2e-3 + 2e-2 * abs(numeric)
    }

    /// Deterministic pseudo-random Floats in [−1, 1).
    static func values(_ n: Int, seed: UInt64, scale: Double = 1) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        return (0..<n).map { _ in Float((rng.nextUniform() * 2 - 1) * scale) }
    }

    /// A heap buffer holding `values` (tests perturb inputs through its pointer while closures read it).
    static func buffer(_ values: [Float]) -> FloatBuffer {
        let b = FloatBuffer(capacity: values.count)
        for (i, v) in values.enumerated() { b.p[i] = v }
        return b
    }

    /// Σ w_i·y_i in Double: a scalar loss whose gradient w.r.t. y is w.
    static func weightedSum(_ y: UnsafePointer<Float>, _ w: [Float]) -> Double {
        var s = 0.0
        for i in 0..<w.count { s += Double(y[i]) * Double(w[i]) }
        return s
    }
}
