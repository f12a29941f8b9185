import Foundation
import LinearAlgebra

/// Rotary position embeddings (RoPE, Su et al. 2021) in Hugging Face's `rotate_half` convention, as `LlamaAttention`
/// applies them to q and k.
///
/// Each head's dₕ entries form dₕ/2 pairs (x[i], x[i + dₕ/2]), rotated by the angle θᵢ(p) = p·base^(−2i/dₕ) of the
/// row's position p (its distance from the first row of its sequence, see `Batch`):
///   y[i] = x[i]·cos θᵢ − x[i + dₕ/2]·sin θᵢ,   y[i + dₕ/2] = x[i + dₕ/2]·cos θᵢ + x[i]·sin θᵢ.
/// (llama.cpp rotates adjacent pairs (x[2i], x[2i + 1]) instead; its GGUF files store q and k rows permuted to match,
/// which `LlamaModel.load(gguf:)` undoes, so these weights and this rotation are Hugging Face's.)
///
/// The map is a rotation, so its backward is the rotation by −θ: dx[i] = dy[i]·cos θᵢ + dy[i + dₕ/2]·sin θᵢ,
/// dx[i + dₕ/2] = dy[i + dₕ/2]·cos θᵢ − dy[i]·sin θᵢ. Both run in place.
///
/// The angles follow transformers' float32 recipe (`LlamaRotaryEmbedding`): inv_freq = 1/base^(2i/dₕ) rounded to
/// float32, θ = float32(p)·inv_freq rounded to float32, then cos and sin of that float32 angle; so the tables equal
/// PyTorch's to the last bit or so, not the exact real angles (which differ by up to p·2⁻²⁴ rad).
public struct RotaryEmbedding {
    public let headSize: Int
    public let base: Double
    /// Positions the tables cover: 0..<positions.
    public private(set) var positions = 0
    /// (positions, dₕ/2) cos θᵢ(p) and sin θᵢ(p).
    private var cosTable: [Float] = []
    private var sinTable: [Float] = []

    public init(headSize: Int, base: Double, positions: Int = 0) {
        precondition(headSize > 0 && headSize % 2 == 0, "RoPE needs an even head size, got \(headSize)")
        precondition(base > 1, "RoPE base must exceed 1, got \(base)")
        self.headSize = headSize
        self.base = base
        reserve(positions: positions)
    }

    /// inv_freqᵢ = 1/base^(2i/dₕ), i < dₕ/2, as transformers computes it in float32.
    public static func inverseFrequencies(headSize: Int, base: Double) -> [Float] {
        (0..<(headSize / 2)).map { i in
            let exponent = Float(2 * i) / Float(headSize)          // float32 arange(0, d, 2) / d
            let power = Float(Foundation.pow(base, Double(exponent))) // float32 base ** exponent
            return 1 / power
        }
    }

    /// Makes the tables cover positions 0..<n (grows only).
    public mutating func reserve(positions n: Int) {
        guard n > positions else { return }
        let half = headSize / 2
        let inv = Self.inverseFrequencies(headSize: headSize, base: base)
        cosTable.reserveCapacity(n * half)
        sinTable.reserveCapacity(n * half)
        for p in positions..<n {
            for i in 0..<half {
                let angle = Float(p) * inv[i]
                cosTable.append(Float(Foundation.cos(Double(angle))))
                sinTable.append(Float(Foundation.sin(Double(angle))))
            }
        }
        positions = n
    }

    /// Rotates x (N, H·dₕ) in place: row r's H heads by the angles of position `positionOf[r]`.
    public func forward(_ x: UnsafeMutablePointer<Float>, rows n: Int, heads: Int, positionOf: UnsafePointer<Int32>) {
        apply(x, rows: n, heads: heads, positionOf: positionOf, sign: 1)
    }

    /// dx ← dL/dx given dy = dL/dy (N, H·dₕ), in place (the rotation by −θ).
    public func backward(_ d: UnsafeMutablePointer<Float>, rows n: Int, heads: Int, positionOf: UnsafePointer<Int32>) {
        apply(d, rows: n, heads: heads, positionOf: positionOf, sign: -1)
    }

    private func apply(_ x: UnsafeMutablePointer<Float>, rows n: Int, heads: Int, positionOf: UnsafePointer<Int32>, sign: Float) {
        let half = headSize / 2, width = heads * headSize
        cosTable.withUnsafeBufferPointer { cosAll in
            sinTable.withUnsafeBufferPointer { sinAll in
                Parallel.forEachChunk(n, minimumChunk: 64) { rows in
                    for r in rows {
                        let p = Int(positionOf[r])
                        precondition(p >= 0 && p < positions, "position \(p) outside the RoPE tables (\(positions))")
                        let c = cosAll.baseAddress! + p * half, s = sinAll.baseAddress! + p * half
                        for h in 0..<heads {
                            let lo = x + r * width + h * headSize, hi = lo + half
                            for i in 0..<half {
                                let a = lo[i], b = hi[i], si = sign * s[i]
                                lo[i] = a * c[i] - b * si
                                hi[i] = b * c[i] + a * si
                            }
                        }
                    }
                }
            }
        }
    }

    /// Naive reference in Double with exact angles p·base^(−2i/dₕ): tests compare `forward` with it.
    public static func forwardReference(_ x: [Float], rows n: Int, heads: Int, headSize dh: Int, base: Double,
                                        positionOf: [Int]) -> [Float] {
        var y = x
        let half = dh / 2
        for r in 0..<n {
            for h in 0..<heads {
                for i in 0..<half {
                    let angle = Double(positionOf[r]) * Foundation.pow(base, -Double(2 * i) / Double(dh))
                    let lo = r * heads * dh + h * dh + i, hi = lo + half
                    let a = Double(x[lo]), b = Double(x[hi])
                    y[lo] = Float(a * Foundation.cos(angle) - b * Foundation.sin(angle))
                    y[hi] = Float(b * Foundation.cos(angle) + a * Foundation.sin(angle))
                }
            }
        }
        return y
    }
}
