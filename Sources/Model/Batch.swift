/// A padded batch of token sequences: B sequences of T tokens (row-major, b·T + t).
public struct Batch: Equatable, Sendable {
    public let batchSize: Int
    public let tokens: Int
    /// (B·T) token ids; padding positions hold the pad id.
    public var ids: [Int32]
    /// (B·T) token type ids (0 first segment, 1 second).
    public var typeIds: [Int32]
    /// (B·T) 1 for real tokens, 0 for padding.
    public var mask: [Float]

    public init(batchSize: Int, tokens: Int, ids: [Int32], typeIds: [Int32], mask: [Float]) {
        precondition(ids.count == batchSize * tokens && typeIds.count == ids.count && mask.count == ids.count,
                     "batch arrays must hold B·T = \(batchSize * tokens) entries")
        self.batchSize = batchSize
        self.tokens = tokens
        self.ids = ids
        self.typeIds = typeIds
        self.mask = mask
    }

    /// Pads sequences (ids, typeIds) on the right to the longest one ("dynamic padding").
    public init(sequences: [(ids: [Int32], typeIds: [Int32])], padId: Int32 = 0, padTo length: Int? = nil) {
        let t = max(length ?? 0, sequences.map { $0.ids.count }.max() ?? 0)
        var ids = [Int32](repeating: padId, count: sequences.count * t)
        var types = [Int32](repeating: 0, count: sequences.count * t)
        var mask = [Float](repeating: 0, count: sequences.count * t)
        for (b, s) in sequences.enumerated() {
            for i in 0..<s.ids.count {
                ids[b * t + i] = s.ids[i]
                types[b * t + i] = s.typeIds[i]
                mask[b * t + i] = 1
            }
        }
        self.init(batchSize: sequences.count, tokens: t, ids: ids, typeIds: types, mask: mask)
    }

    /// Number of real (non-padding) tokens.
    public var realTokenCount: Int { Int(mask.reduce(0, +)) }
}
