/// Sentence pooling of final hidden states (B·T, d) → (B, d).
public enum Pooling: String, Codable, Sendable, CaseIterable {
    /// Mean over non-padding tokens (sentence-transformers' pooling for all-MiniLM-L6-v2):
    /// pooled_b = Σ_t m_bt·h_bt / Σ_t m_bt.
    case mean
    /// The hidden state of the first token, [CLS].
    case cls

    public func forward(out: UnsafeMutablePointer<Float>, hidden: UnsafePointer<Float>, mask: UnsafePointer<Float>,
                        batch: Int, tokens t: Int, width d: Int) {
        for b in 0..<batch {
            let o = out + b * d
            switch self {
            case .cls:
                o.update(from: hidden + b * t * d, count: d)
            case .mean:
                o.update(repeating: 0, count: d)
                var count: Float = 0
                for i in 0..<t where mask[b * t + i] != 0 {
                    count += 1
                    let h = hidden + (b * t + i) * d
                    for c in 0..<d { o[c] += h[c] }
                }
                let inv = 1 / max(count, 1e-9)
                for c in 0..<d { o[c] *= inv }
            }
        }
    }

    /// dhidden (B·T, d) ← dL/dh given dpooled (B, d). Overwrites dhidden.
    public func backward(dhidden: UnsafeMutablePointer<Float>, dpooled: UnsafePointer<Float>, mask: UnsafePointer<Float>,
                         batch: Int, tokens t: Int, width d: Int) {
        dhidden.update(repeating: 0, count: batch * t * d)
        for b in 0..<batch {
            let g = dpooled + b * d
            switch self {
            case .cls:
                (dhidden + b * t * d).update(from: g, count: d)
            case .mean:
                var count: Float = 0
                for i in 0..<t where mask[b * t + i] != 0 { count += 1 }
                let inv = 1 / max(count, 1e-9)
                for i in 0..<t where mask[b * t + i] != 0 {
                    let dh = dhidden + (b * t + i) * d
                    for c in 0..<d { dh[c] = g[c] * inv }
                }
            }
        }
    }
}
