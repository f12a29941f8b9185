/// Reductions over Float arrays in 16 SIMD lanes: the row statistics of LayerNorm and softmax.
///
/// A sequential `s += x[i]` loop is bound by the latency of one floating-point add per element (the compiler may not
/// reorder it); 16 independent lanes remove that chain and let the adds run in vector registers. The lanes are summed at
/// the end, so the result is the same sum in a different order: it differs from the sequential one by rounding only
/// (relative error ≤ n·ε for either order, ε = 2⁻²⁴), and it is deterministic for a given n.
extension VectorMath {
    public typealias Lanes = SIMD16<Float>
    @usableFromInline static let lanes = 16

    /// The 16 floats at p[i..<i+16] (unaligned load).
    @inlinable @inline(__always)
    public static func load(_ p: UnsafePointer<Float>, _ i: Int) -> Lanes {
        UnsafeRawPointer(p + i).loadUnaligned(as: Lanes.self)
    }

    /// Σᵢ x[i].
    @inlinable
    public static func sum(_ x: UnsafePointer<Float>, count n: Int) -> Float {
        var acc = Lanes()
        var i = 0
        while i + lanes <= n { acc += load(x, i); i += lanes }
        var s = acc.sum()
        while i < n { s += x[i]; i += 1 }
        return s
    }

    /// Σᵢ x[i]·y[i].
    @inlinable
    public static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count n: Int) -> Float {
        var acc = Lanes()
        var i = 0
        while i + lanes <= n { acc += load(x, i) * load(y, i); i += lanes }
        var s = acc.sum()
        while i < n { s += x[i] * y[i]; i += 1 }
        return s
    }

    /// Σᵢ (x[i] − c)², the centred second moment (two-pass variance: exact cancellation-free form for LayerNorm).
    @inlinable
    public static func sumOfSquares(_ x: UnsafePointer<Float>, centredAt c: Float, count n: Int) -> Float {
        var acc = Lanes()
        let cv = Lanes(repeating: c)
        var i = 0
        while i + lanes <= n { let d = load(x, i) - cv; acc += d * d; i += lanes }
        var s = acc.sum()
        while i < n { let d = x[i] - c; s += d * d; i += 1 }
        return s
    }

    /// maxᵢ x[i] (−∞ for n = 0; a NaN in x may or may not propagate).
    /// Four scalar running maxima: SIMD's `pointwiseMax` is compiled lane by lane through memory, which is slower here.
    @inlinable
    public static func max(_ x: UnsafePointer<Float>, count n: Int) -> Float {
        var m0 = -Float.infinity, m1 = -Float.infinity, m2 = -Float.infinity, m3 = -Float.infinity
        var i = 0
        while i + 4 <= n {
            m0 = Swift.max(m0, x[i]); m1 = Swift.max(m1, x[i + 1]); m2 = Swift.max(m2, x[i + 2]); m3 = Swift.max(m3, x[i + 3])
            i += 4
        }
        while i < n { m0 = Swift.max(m0, x[i]); i += 1 }
        return Swift.max(Swift.max(m0, m1), Swift.max(m2, m3))
    }
}

extension VectorMath {
    /// The 16 floats at p[i..<i+16] (unaligned load), for element-wise SIMD loops.
    @inlinable @inline(__always)
    public static func load(_ p: UnsafeMutablePointer<Float>, _ i: Int) -> Lanes { load(UnsafePointer(p), i) }

    /// Writes v to p[i..<i+16] (unaligned store).
    @inlinable @inline(__always)
    public static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: Lanes.self)
    }
}

/// Element-wise updates in 16 SIMD lanes with a scalar tail (the same arithmetic per element as a plain loop).
extension VectorMath {
    /// x[i] += c.
    @inlinable
    public static func add(_ c: Float, to x: UnsafeMutablePointer<Float>, count n: Int) {
        let cv = Lanes(repeating: c)
        var i = 0
        while i + lanes <= n { store(load(x, i) + cv, x, i); i += lanes }
        while i < n { x[i] += c; i += 1 }
    }

    /// x[i] *= c.
    @inlinable
    public static func scale(_ x: UnsafeMutablePointer<Float>, by c: Float, count n: Int) {
        let cv = Lanes(repeating: c)
        var i = 0
        while i + lanes <= n { store(load(x, i) * cv, x, i); i += lanes }
        while i < n { x[i] *= c; i += 1 }
    }

    /// z[i] = x[i]·y[i] (z may equal x or y).
    @inlinable
    public static func multiply(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, into z: UnsafeMutablePointer<Float>,
                                count n: Int) {
        var i = 0
        while i + lanes <= n { store(load(x, i) * load(y, i), z, i); i += lanes }
        while i < n { z[i] = x[i] * y[i]; i += 1 }
    }
}
