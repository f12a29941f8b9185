/// The project's only source of randomness: xoshiro256** seeded through SplitMix64.
///
/// Every random draw (adapter initialisation, data order, dropout masks, random baselines) comes from a
/// generator built from a recorded seed, so runs are reproducible; `state` can be saved in a training
/// checkpoint and restored to resume bit-identically. (Swift's `SystemRandomNumberGenerator` is never used.)
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable, Codable {
    public var state: [UInt64]
    /// A second Box–Muller normal kept for the next call to `nextGaussian`.
    public var spareGaussian: Double?

    public init(seed: UInt64) {
        var sm = seed
        func splitmix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = [splitmix(), splitmix(), splitmix(), splitmix()]
        spareGaussian = nil
    }

    /// A generator for a named sub-stream: the same (seed, stream) always gives the same sequence,
    /// and different streams are independent for practical purposes.
    public init(seed: UInt64, stream: String) {
        // FNV-1a of the stream name, mixed into the seed (stable across runs, unlike `hashValue`).
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in stream.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        self.init(seed: seed ^ (h &* 0x9E37_79B9_7F4A_7C15))
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = SeededGenerator.rotl(state[1] &* 5, 7) &* 9
        let t = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= t
        state[3] = SeededGenerator.rotl(state[3], 45)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Standard normal N(0, 1) by the Box–Muller transform.
    public mutating func nextGaussian() -> Double {
        if let g = spareGaussian { spareGaussian = nil; return g }
        var u1 = nextUniform()
        while u1 <= 0 { u1 = nextUniform() }
        let u2 = nextUniform()
        let r = (-2 * _log(u1)).squareRoot()
        let theta = 2 * Double.pi * u2
        spareGaussian = r * _sin(theta)
        return r * _cos(theta)
    }

    /// A uniformly random integer in 0..<n (n > 0) by rejection, free of modulo bias.
    public mutating func nextInt(below n: Int) -> Int {
        precondition(n > 0)
        let bound = UInt64(n)
        let threshold = (0 &- bound) % bound
        while true {
            let r = next()
            if r >= threshold { return Int(r % bound) }
        }
    }

    /// Fisher–Yates shuffle driven by this generator (deterministic for a given state).
    public mutating func shuffle<T>(_ a: inout [T]) {
        if a.count < 2 { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            let j = nextInt(below: i + 1)
            if i != j { a.swapAt(i, j) }
        }
    }
}

@inline(__always) private func _log(_ x: Double) -> Double { Foundation_log(x) }
@inline(__always) private func _sin(_ x: Double) -> Double { Foundation_sin(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Foundation_cos(x) }
