import Foundation
import LinearAlgebra

/// The gated activation of Llama's MLP (Shazeer 2020; Hugging Face `LlamaMLP` with `hidden_act: "silu"`):
/// m = SiLU(g) ⊙ u, where g = x·W_gateᵀ and u = x·W_upᵀ, and SiLU(g) = g·σ(g), σ(g) = 1/(1 + e^(−g)).
///
/// Backward: du = dm ⊙ SiLU(g), dg = dm ⊙ u ⊙ SiLU′(g) with SiLU′(g) = σ(g)·(1 + g·(1 − σ(g))).
/// Nothing but g and u is kept: backward recomputes σ(g), one exponential per element (vectorised, `VectorMath.exp`),
/// cheap beside the three (N × d × d_ff) products around it. Work is split across cores in tiles of `tile` elements.
public enum SwiGLU {
    static let tile = 2048
    typealias Lanes = VectorMath.Lanes

    /// σ(g) for a tile into `s` (n elements): e^(−g) by libmvec, then 1/(1 + e^(−g)) in 16 lanes. Large negative g gives
    /// e^(−g) = +∞ and σ = 0, large positive g gives σ = 1, as in PyTorch.
    @inline(__always)
    static func sigmoid(_ g: UnsafePointer<Float>, into s: UnsafeMutablePointer<Float>, count n: Int) {
        var i = 0
        while i + Lanes.scalarCount <= n { VectorMath.store(-VectorMath.load(g, i), s, i); i += Lanes.scalarCount }
        while i < n { s[i] = -g[i]; i += 1 }
        VectorMath.exp(s, s, count: n)
        let one = Lanes(repeating: 1)
        i = 0
        while i + Lanes.scalarCount <= n { VectorMath.store(one / (one + VectorMath.load(s, i)), s, i); i += Lanes.scalarCount }
        while i < n { s[i] = 1 / (1 + s[i]); i += 1 }
    }

    /// out (count) ← SiLU(gate) ⊙ up. `out` may alias neither input.
    @inline(__always)
    public static func forward(out: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int) {
        Parallel.forEachChunk(count, minimumChunk: 16384) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: tile) { scratch in
                let s = scratch.baseAddress!
                var start = range.lowerBound
                while start < range.upperBound {
                    let n = min(tile, range.upperBound - start)
                    let g = gate + start, u = up + start, y = out + start
                    sigmoid(g, into: s, count: n)
                    var i = 0
                    while i + Lanes.scalarCount <= n {
                        VectorMath.store(VectorMath.load(g, i) * VectorMath.load(s, i) * VectorMath.load(u, i), y, i)
                        i += Lanes.scalarCount
                    }
                    while i < n { y[i] = g[i] * s[i] * u[i]; i += 1 }
                    start += n
                }
            }
        }
    }

    /// dgate ← dout ⊙ up ⊙ SiLU′(gate), dup ← dout ⊙ SiLU(gate) (both overwritten; neither may alias an input).
    @inline(__always)
    public static func backward(dgate: UnsafeMutablePointer<Float>, dup: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                                gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int) {
        Parallel.forEachChunk(count, minimumChunk: 16384) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: tile) { scratch in
                let s = scratch.baseAddress!
                var start = range.lowerBound
                while start < range.upperBound {
                    let n = min(tile, range.upperBound - start)
                    let g = gate + start, u = up + start, dy = dout + start, dg = dgate + start, du = dup + start
                    sigmoid(g, into: s, count: n)
                    let one = Lanes(repeating: 1)
                    var i = 0
                    while i + Lanes.scalarCount <= n {
                        let gv = VectorMath.load(g, i), sv = VectorMath.load(s, i), dyv = VectorMath.load(dy, i)
                        VectorMath.store(dyv * gv * sv, du, i)
                        VectorMath.store(dyv * VectorMath.load(u, i) * sv * (one + gv * (one - sv)), dg, i)
                        i += Lanes.scalarCount
                    }
                    while i < n {
                        du[i] = dy[i] * g[i] * s[i]
                        dg[i] = dy[i] * u[i] * s[i] * (1 + g[i] * (1 - s[i]))
                        i += 1
                    }
                    start += n
                }
            }
        }
    }
}
