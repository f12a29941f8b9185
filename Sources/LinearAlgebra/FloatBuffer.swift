/// An owned, uninitialised-then-zeroed block of Float32 for activations and scratch space.
///
/// The training step plans its buffers once per shape and reuses them (llm.c style); `FloatBuffer`
/// is that memory. Access is through the raw pointer `p`, so the hot path has no bounds checks,
/// copy-on-write or exclusivity checks.
public final class FloatBuffer {
    public let p: UnsafeMutablePointer<Float>
    public let capacity: Int

    public init(capacity: Int) {
        self.capacity = max(capacity, 1)
        p = UnsafeMutablePointer<Float>.allocate(capacity: self.capacity)
        p.initialize(repeating: 0, count: self.capacity)
    }

    deinit { p.deallocate() }

    /// A writable (rows × cols) view of the start of the buffer.
    @inline(__always)
    public func view(_ rows: Int, _ cols: Int) -> MutableMatrixView<Float> {
        precondition(rows * cols <= capacity, "buffer of \(capacity) floats cannot hold (\(rows), \(cols))")
        return MutableMatrixView(p, rows: rows, cols: cols)
    }

    /// Sets the first `count` elements to zero.
    @inline(__always)
    public func zero(_ count: Int) {
        precondition(count <= capacity)
        p.update(repeating: 0, count: count)
    }

    /// The first `count` elements as an array (tests and exports).
    public func array(_ count: Int) -> [Float] { Array(UnsafeBufferPointer(start: p, count: count)) }
}
