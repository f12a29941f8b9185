import Dispatch

/// Splits element-wise work across cores (LayerNorm, GELU, softmax, residual adds): the training step's non-BLAS work
/// would otherwise run on one core while the other waits. Chunks are contiguous and each index is processed exactly once
/// by one thread, so results do not depend on the split (no reductions cross chunk boundaries).
public enum Parallel {
    /// Number of worker chunks; defaults to the machine's core count.
    nonisolated(unsafe) public static var width = max(1, BLAS.defaultThreads)

    /// Calls `body` on disjoint contiguous sub-ranges covering 0..<count, in parallel when count ≥ 2·minimumChunk.
    @inlinable
    public static func forEachChunk(_ count: Int, minimumChunk: Int = 4096, _ body: (Range<Int>) -> Void) {
        let chunks = min(width, count / max(1, minimumChunk))
        if chunks <= 1 {
            body(0..<count)
            return
        }
        let size = (count + chunks - 1) / chunks
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let start = c * size
            let end = min(count, start + size)
            if start < end { body(start..<end) }
        }
    }
}

extension Parallel {
    /// Calls `body` on disjoint contiguous sub-ranges covering 0..<costs.count, one per core, cut where the running sum of
    /// `costs` crosses each core's equal share (work items of unequal size, e.g. attention over sequences of different
    /// lengths). Each index is processed exactly once by one thread, so results do not depend on the split.
    public static func forEachChunk(costs: [Int], _ body: (Range<Int>) -> Void) {
        let count = costs.count
        let chunks = min(width, count)
        if chunks <= 1 {
            body(0..<count)
            return
        }
        let total = max(1, costs.reduce(0, +))
        var bounds = [0]
        var running = 0
        for (i, c) in costs.enumerated() {
            running += c
            if bounds.count < chunks && running * chunks >= total * bounds.count { bounds.append(i + 1) }
        }
        while bounds.count <= chunks { bounds.append(count) }
        bounds[chunks] = count
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            if bounds[c] < bounds[c + 1] { body(bounds[c]..<bounds[c + 1]) }
        }
    }
}
