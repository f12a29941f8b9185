/// Sentence pooling of final hidden states (N, d) in a batch's layout (`Batch`: sequence b is rows
/// offsets[b]..<offsets[b+1]) → (B, d).
public enum Pooling: String, Codable, Sendable, CaseIterable {
    /// Mean over the sequence's non-padding rows (sentence-transformers' pooling for all-MiniLM-L6-v2):
    /// pooled_b = Σ_{t ∈ span b} m_t·h_t / Σ_{t ∈ span b} m_t.
    case mean
    /// The hidden state of the sequence's first row, [CLS].
    case cls

    /// out (B, d) ← pooled hidden (N, d); `mask` (N), `offsets` (B + 1).
    public func forward(out: UnsafeMutablePointer<Float>, hidden: UnsafePointer<Float>, mask: UnsafePointer<Float>,
                        offsets: [Int], width d: Int) {
        for b in 0..<(offsets.count - 1) {
            let o = out + b * d
            let rows = offsets[b]..<offsets[b + 1]
            switch self {
            case .cls:
                if rows.isEmpty { o.update(repeating: 0, count: d) } else { o.update(from: hidden + rows.lowerBound * d, count: d) }
            case .mean:
                o.update(repeating: 0, count: d)
                var count: Float = 0
                for i in rows where mask[i] != 0 {
                    count += 1
                    let h = hidden + i * d
                    for c in 0..<d { o[c] += h[c] }
                }
                let inv = 1 / max(count, 1e-9)
                for c in 0..<d { o[c] *= inv }
            }
        }
    }

    /// dhidden (N, d) ← dL/dh given dpooled (B, d). Overwrites every row of dhidden.
    public func backward(dhidden: UnsafeMutablePointer<Float>, dpooled: UnsafePointer<Float>, mask: UnsafePointer<Float>,
                         offsets: [Int], width d: Int) {
        dhidden.update(repeating: 0, count: offsets[offsets.count - 1] * d)
        for b in 0..<(offsets.count - 1) {
            let g = dpooled + b * d
            let rows = offsets[b]..<offsets[b + 1]
            switch self {
            case .cls:
                if !rows.isEmpty { (dhidden + rows.lowerBound * d).update(from: g, count: d) }
            case .mean:
                var count: Float = 0
                for i in rows where mask[i] != 0 { count += 1 }
                let inv = 1 / max(count, 1e-9)
                for i in rows where mask[i] != 0 {
                    let dh = dhidden + i * d
                    for c in 0..<d { dh[c] = g[c] * inv }
                }
            }
        }
    }
}

extension Pooling {
    /// Fixed-shape convenience: B sequences of T rows each.
    public func forward(out: UnsafeMutablePointer<Float>, hidden: UnsafePointer<Float>, mask: UnsafePointer<Float>,
                        batch: Int, tokens t: Int, width d: Int) {
        forward(out: out, hidden: hidden, mask: mask, offsets: (0...batch).map { $0 * t }, width: d)
    }

    /// Fixed-shape convenience: B sequences of T rows each.
    public func backward(dhidden: UnsafeMutablePointer<Float>, dpooled: UnsafePointer<Float>, mask: UnsafePointer<Float>,
                         batch: Int, tokens t: Int, width d: Int) {
        backward(dhidden: dhidden, dpooled: dpooled, mask: mask, offsets: (0...batch).map { $0 * t }, width: d)
    }
}
