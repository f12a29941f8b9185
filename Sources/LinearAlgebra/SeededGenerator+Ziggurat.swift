import Foundation

extension SeededGenerator {
    /// Fills `buffer` with independent standard normal N(0, 1) values by the ziggurat method of Marsaglia & Tsang
    /// (2000) in Doornik's form (2005, "An improved ziggurat method", ZIGNOR: 128 layers, R = 3.442619855899,
    /// V = 9.91256303526217e-3): each value costs one 64-bit draw in ~99 % of cases (the 7 low bits pick the layer,
    /// the top 53 bits the abscissa, so the two are independent), against a logarithm, a square root, a sine and a
    /// cosine per pair for `nextGaussian`'s Box–Muller. The Monte-Carlo nulls draw hundreds of millions of normals,
    /// which Box–Muller would make the slowest step of a report.
    ///
    /// The values are exact draws from N(0, 1) (rejection sampling; the tail beyond R by Marsaglia's method), but a
    /// different sequence from `nextGaussian`: code whose outputs are recorded (adapter initialisation) keeps using
    /// that one. Deterministic for a given generator state; advances the state.
    public mutating func fillGaussian(_ buffer: UnsafeMutableBufferPointer<Double>) {
        let table = Ziggurat.table
        var g = Xoshiro(state)
        for k in 0..<buffer.count { buffer[k] = g.normal(table) }
        state = g.state
        spareGaussian = nil
    }

    /// `count` standard normal values from `fillGaussian`.
    public mutating func gaussians(_ count: Int) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { fillGaussian($0) }
        return out
    }
}

/// xoshiro256** on four locals (the same transition as `SeededGenerator.next`), so a fill loop does not touch the
/// generator's array storage per draw.
private struct Xoshiro {
    var s0, s1, s2, s3: UInt64

    init(_ state: [UInt64]) { (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3]) }
    var state: [UInt64] { [s0, s1, s2, s3] }

    @inline(__always)
    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in (0, 1), never 0 (for logarithms).
    @inline(__always)
    mutating func openUniform() -> Double { (Double(next() >> 11) + 0.5) * 0x1.0p-53 }

    @inline(__always)
    mutating func normal(_ z: Ziggurat) -> Double {
        while true {
            let bits = next()
            let i = Int(bits & 0x7F)
            let u = Double(bits >> 11) * 0x1.0p-52 - 1          // [-1, 1), 53 bits independent of i
            if abs(u) < z.ratio[i] { return u * z.x[i] }        // inside layer i's rectangle
            if i == 0 { return tail(negative: u < 0, z.r) }      // base layer beyond R: the tail
            let x = u * z.x[i]                                   // a wedge: accept under exp(−x²/2)
            let f0 = Foundation.exp(-0.5 * (z.x[i] * z.x[i] - x * x))
            let f1 = Foundation.exp(-0.5 * (z.x[i + 1] * z.x[i + 1] - x * x))
            if f1 + Double(next() >> 11) * 0x1.0p-53 * (f0 - f1) < 1 { return x }
        }
    }

    /// |x| > r from the normal tail (Marsaglia 1964): x = r − ln(U₁)/r accepted when −2·ln U₂ ≥ (ln(U₁)/r)².
    @inline(__always)
    mutating func tail(negative: Bool, _ r: Double) -> Double {
        while true {
            let x = Foundation.log(openUniform()) / r
            let y = Foundation.log(openUniform())
            if -2 * y >= x * x { return negative ? x - r : r - x }
        }
    }
}

/// Doornik's ZIGNOR layer table for the unnormalised density exp(−x²/2): x[0] = V/f(R) (the base layer's width,
/// tail included), x[1] = R, x[i] from equal layer areas V, x[128] = 0; ratio[i] = x[i+1]/x[i].
private struct Ziggurat: Sendable {
    static let layers = 128
    static let table = Ziggurat()
    let r = 3.442619855899
    let x: [Double]
    let ratio: [Double]

    private init() {
        let v = 9.91256303526217e-3
        var x = [Double](repeating: 0, count: Self.layers + 1)
        var f = Foundation.exp(-0.5 * r * r)
        x[0] = v / f
        x[1] = r
        for i in 2..<Self.layers {
            x[i] = (-2 * Foundation.log(v / x[i - 1] + f)).squareRoot()
            f = Foundation.exp(-0.5 * x[i] * x[i])
        }
        self.x = x
        ratio = (0..<Self.layers).map { x[$0 + 1] / x[$0] }
    }
}
