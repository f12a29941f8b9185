import Foundation

// Thin aliases so files that must not shadow `log`/`sin`/`cos` names can reach libm.
@inline(__always) func Foundation_log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) func Foundation_sin(_ x: Double) -> Double { Foundation.sin(x) }
@inline(__always) func Foundation_cos(_ x: Double) -> Double { Foundation.cos(x) }

extension Matrix {
    /// An i.i.d. Gaussian matrix N(0, std²) drawn row by row from `rng`.
    public static func gaussian(rows: Int, cols: Int, std: Double = 1, using rng: inout SeededGenerator) -> Matrix {
        var m = Matrix(rows: rows, cols: cols)
        for k in 0..<m.storage.count { m.storage[k] = Scalar(rng.nextGaussian() * std) }
        return m
    }

    /// An i.i.d. uniform matrix on [−bound, bound) drawn row by row from `rng`.
    public static func uniform(rows: Int, cols: Int, bound: Double, using rng: inout SeededGenerator) -> Matrix {
        var m = Matrix(rows: rows, cols: cols)
        for k in 0..<m.storage.count { m.storage[k] = Scalar((rng.nextUniform() * 2 - 1) * bound) }
        return m
    }
}
