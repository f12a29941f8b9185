import LinearAlgebra

/// Inverted dropout: y = x ⊙ m with m ∈ {0, 1/(1−p)} drawn per element from a seeded generator.
/// Off (identity, no mask drawn) unless a run enables it; analysis runs keep it off.
public enum Dropout {
    /// Draws a fresh mask (count) and applies it in place to `x`.
    @inline(__always)
    public static func forward(_ x: UnsafeMutablePointer<Float>, mask: UnsafeMutablePointer<Float>, count: Int,
                               p: Double, rng: inout SeededGenerator) {
        let keep = Float(1 / (1 - p))
        for i in 0..<count {
            let m: Float = rng.nextUniform() < p ? 0 : keep
            mask[i] = m
            x[i] *= m
        }
    }

    /// dx ← dx ⊙ m in place.
    @inline(__always)
    public static func backward(_ dx: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { dx[i] *= mask[i] }
    }
}
