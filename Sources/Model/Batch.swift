/// A batch of B token sequences laid out row after row: sequence b occupies rows `offsets[b]..<offsets[b+1]` of every
/// (N, ·) activation, N = `offsets[B]`. The row's position within its sequence (for position embeddings) is its distance
/// from the sequence's first row.
///
/// Two layouts share every kernel:
/// - **packed** (padding-free, the default for training, validation and `inspect`): a sequence's span is exactly its tokens,
///   so N = Σ lengths and every per-token op (embeddings, frozen and LoRA products, LayerNorm, GELU, residuals, pooling)
///   runs on real rows only; attention runs per sequence over its own span and needs no mask;
/// - **padded** (dynamic padding, the reference the tests compare with): every span is T, the longest sequence, and the
///   T − length trailing rows of a sequence are padding with mask 0 (keys masked in attention, skipped by pooling).
public struct Batch: Equatable, Sendable {
    /// (B + 1) row offsets: sequence b is rows offsets[b]..<offsets[b+1].
    public let offsets: [Int]
    /// (N) token ids; padding rows hold the pad id.
    public var ids: [Int32]
    /// (N) token type ids (0 first segment, 1 second).
    public var typeIds: [Int32]
    /// (N) 1 for real tokens, 0 for padding.
    public var mask: [Float]

    /// Number of sequences B.
    public var batchSize: Int { offsets.count - 1 }
    /// Number of rows N (real tokens plus any padding).
    public var rows: Int { offsets[offsets.count - 1] }
    /// Rows of sequence b (its span, padding included).
    public func span(_ b: Int) -> Range<Int> { offsets[b]..<offsets[b + 1] }
    /// The longest span.
    public var maxSpan: Int { (0..<batchSize).map { offsets[$0 + 1] - offsets[$0] }.max() ?? 0 }
    /// Number of real (non-padding) tokens.
    public var realTokenCount: Int { Int(mask.reduce(0, +)) }
    /// True when no row is padding.
    public var isPacked: Bool { !mask.contains(0) }

    /// A batch with explicit offsets; `ids`, `typeIds` and `mask` hold one entry per row.
    public init(offsets: [Int], ids: [Int32], typeIds: [Int32], mask: [Float]) {
        precondition(offsets.first == 0 && zip(offsets, offsets.dropFirst()).allSatisfy { $0 <= $1 },
                     "offsets must start at 0 and not decrease")
        precondition(ids.count == offsets.last! && typeIds.count == ids.count && mask.count == ids.count,
                     "batch arrays must hold N = \(offsets.last!) entries")
        self.offsets = offsets
        self.ids = ids
        self.typeIds = typeIds
        self.mask = mask
    }

    /// A fixed-shape batch of B sequences of T rows each (row b·T + t); `mask` marks padding.
    public init(batchSize: Int, tokens: Int, ids: [Int32], typeIds: [Int32], mask: [Float]) {
        self.init(offsets: (0...batchSize).map { $0 * tokens }, ids: ids, typeIds: typeIds, mask: mask)
    }

    /// Pads sequences (ids, typeIds) on the right to the longest one ("dynamic padding"), or to `length` when longer.
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

    /// Lays sequences one after another with no padding (N = Σ lengths).
    public init(packing sequences: [(ids: [Int32], typeIds: [Int32])]) {
        var offsets = [0]
        offsets.reserveCapacity(sequences.count + 1)
        for s in sequences { offsets.append(offsets[offsets.count - 1] + s.ids.count) }
        self.init(offsets: offsets, ids: sequences.flatMap(\.ids), typeIds: sequences.flatMap(\.typeIds),
                  mask: [Float](repeating: 1, count: offsets[offsets.count - 1]))
    }

    /// The real rows of each sequence, in order: with `rowsOfSequence(b)` the first `length` rows of its span.
    public func realRows(_ b: Int) -> Range<Int> {
        let s = span(b)
        var end = s.lowerBound
        while end < s.upperBound && mask[end] != 0 { end += 1 }
        return s.lowerBound..<end
    }
}
