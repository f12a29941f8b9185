import LinearAlgebra

/// Deterministic training order: each epoch is a fresh seeded permutation of the training set, drawn from
/// `SeededGenerator(seed: dataSeed, stream: "epoch-<e>")`, so the order depends only on the data seed and the epoch
/// and a resumed run continues from its `Cursor` exactly where an uninterrupted run would be.
public struct BatchSampler: Sendable {
    /// Position in the data stream (saved in training checkpoints).
    public struct Cursor: Codable, Equatable, Sendable {
        public var epoch: Int
        public var offset: Int
        public init(epoch: Int = 0, offset: Int = 0) { self.epoch = epoch; self.offset = offset }
    }

    public let count: Int
    public let batchSize: Int
    public let dataSeed: UInt64
    /// Optional length bucketing: within windows of `bucketWindow` batches, examples are sorted by length so batches pad less.
    public let lengths: [Int]?
    public let bucketWindow: Int
    public private(set) var cursor: Cursor
    private var order: [Int] = []

    public init(count: Int, batchSize: Int, dataSeed: UInt64, lengths: [Int]? = nil, bucketWindow: Int = 50, cursor: Cursor = Cursor()) {
        precondition(count > 0 && batchSize > 0)
        self.count = count
        self.batchSize = batchSize
        self.dataSeed = dataSeed
        self.lengths = lengths
        self.bucketWindow = bucketWindow
        self.cursor = cursor
        order = permutation(epoch: cursor.epoch)
    }

    private func permutation(epoch: Int) -> [Int] {
        var rng = SeededGenerator(seed: dataSeed, stream: "epoch-\(epoch)")
        var p = Array(0..<count)
        rng.shuffle(&p)
        guard let lengths else { return p }
        // Sort each window of bucketWindow·batchSize by length, then shuffle the batches inside the window.
        let window = bucketWindow * batchSize
        var out: [Int] = []
        out.reserveCapacity(count)
        var start = 0
        while start < count {
            let end = min(count, start + window)
            let sorted = p[start..<end].sorted { (lengths[$0], $0) < (lengths[$1], $1) }
            var chunks = stride(from: 0, to: sorted.count, by: batchSize).map { Array(sorted[$0..<min(sorted.count, $0 + batchSize)]) }
            rng.shuffle(&chunks)
            out += chunks.flatMap { $0 }
            start = end
        }
        return out
    }

    /// The indices of the next batch (a short final batch of an epoch is dropped so every step has `batchSize` examples,
    /// unless the whole set is smaller than a batch).
    public mutating func next() -> [Int] {
        let size = min(batchSize, count)
        if cursor.offset + size > count {
            cursor = Cursor(epoch: cursor.epoch + 1, offset: 0)
            order = permutation(epoch: cursor.epoch)
        }
        let indices = Array(order[cursor.offset..<(cursor.offset + size)])
        cursor.offset += size
        return indices
    }

    /// Steps in one epoch.
    public var stepsPerEpoch: Int { max(1, count / min(batchSize, count)) }
}
