import LinearAlgebra

/// Residual connection y ← y + x (element-wise, split across cores). Its backward is the identity on both inputs.
public enum Residual {
    @inline(__always)
    public static func add(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        Parallel.forEachChunk(count, minimumChunk: 32768) { range in
            for i in range { y[i] += x[i] }
        }
    }
}
