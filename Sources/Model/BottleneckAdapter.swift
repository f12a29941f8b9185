import LinearAlgebra

/// A Houlsby-style bottleneck adapter (Houlsby et al. 2019, the "Adapter" baseline of LoRA's Sec 5.1 and its latency
/// comparison in Sec 3): h ← h + ReLU(h·W_downᵀ + b_down)·W_upᵀ + b_up, W_down (m × d), W_up (d × m), inserted on the
/// output of a sublayer (after attention's output projection and after the feed-forward down-projection, before the
/// residual add and LayerNorm). It adds two sequential products per insertion, which is what makes such adapters
/// slower than the base model at batch size 1, while a merged LoRA adds nothing. Used by `bench --inference` only
/// (forward pass; the encoder's backward pass refuses a model that carries one).
public final class BottleneckAdapter {
    /// (m, d)
    public let down: Matrix<Float>
    public let downBias: [Float]
    /// (d, m)
    public let up: Matrix<Float>
    public let upBias: [Float]
    private var hidden = FloatBuffer(capacity: 1)      // (N, m) scratch
    private var planned = 0

    public var width: Int { up.rows }
    public var bottleneck: Int { down.rows }
    /// Trainable parameters: 2·d·m + m + d.
    public var parameterCount: Int { down.count + downBias.count + up.count + upBias.count }

    /// W_down ~ N(0, 1/d) and W_up ~ N(0, 0.01²/m) (near-identity at initialisation, as Houlsby et al. initialise), zero
    /// biases, from `seed`.
    public init(width d: Int, bottleneck m: Int, seed: UInt64) {
        var rng = SeededGenerator(seed: seed, stream: "bottleneck-adapter")
        down = .gaussian(rows: m, cols: d, std: 1 / Double(d).squareRoot(), using: &rng)
        up = .gaussian(rows: d, cols: m, std: 0.01 / Double(m).squareRoot(), using: &rng)
        downBias = [Float](repeating: 0, count: m)
        upBias = [Float](repeating: 0, count: d)
    }

    /// y (N, d) ← y + ReLU(y·W_downᵀ + b_down)·W_upᵀ + b_up, in place.
    public func forward(_ y: MutableMatrixView<Float>) {
        let n = y.rows, m = bottleneck, d = width
        if n * m > planned { hidden = FloatBuffer(capacity: n * m); planned = n * m }
        downBias.withUnsafeBufferPointer { b in for i in 0..<n { (hidden.p + i * m).update(from: b.baseAddress!, count: m) } }
        down.withView { w in gemm(y.readOnly, w, transposeB: true, into: hidden.view(n, m), beta: 1) }   // (N, m)
        for i in 0..<(n * m) where hidden.p[i] < 0 { hidden.p[i] = 0 }                                    // ReLU
        upBias.withUnsafeBufferPointer { b in for i in 0..<n { let row = y.base + i * y.ld; for c in 0..<d { row[c] += b[c] } } }
        up.withView { w in gemm(hidden.view(n, m).readOnly, w, transposeB: true, into: y, beta: 1) }      // (N, d)
    }
}
