import LinearAlgebra
import LoRA

/// A frozen affine map y = x·Wᵀ + b (W in PyTorch's (out, in) layout), optionally carrying a LoRA adapter:
/// y = x·Wᵀ + b + scaling·(x·Aᵀ)·Bᵀ (paper Sec 4.1). W and b never receive gradients.
public final class Linear {
    public let name: String
    /// W, shape (out, in).
    public internal(set) var weight: Matrix<Float>
    /// b, length out.
    public let bias: [Float]
    public var adapter: LoRAAdapter?
    /// True while the adapter's ΔW has been added into `weight` (then the adapter is skipped in forward).
    public private(set) var isMerged = false

    public var inFeatures: Int { weight.cols }
    public var outFeatures: Int { weight.rows }

    public init(name: String, weight: Matrix<Float>, bias: [Float]) {
        precondition(bias.count == weight.rows, "bias length \(bias.count) does not match \(weight.rows) outputs")
        self.name = name
        self.weight = weight
        self.bias = bias
    }

    /// y (N, out) ← x (N, in)·Wᵀ + b (+ adapter).
    @inline(__always)
    public func forward(_ x: MatrixView<Float>, into y: MutableMatrixView<Float>) {
        let n = x.rows
        let out = outFeatures
        bias.withUnsafeBufferPointer { b in
            let bp = b.baseAddress!
            Parallel.forEachChunk(n, minimumChunk: 128) { rows in
                for i in rows { (y.base + i * y.ld).update(from: bp, count: out) }
            }
        }
        weight.withView { w in parallelGemm(x, w, transposeB: true, into: y, beta: 1) }
        if let adapter, !isMerged { adapter.forward(x, accumulateInto: y) }
    }

    /// Backward given the forward input x and dy (N, out): accumulates the adapter's gradients, and when `dx` is
    /// given writes dx ← dy·W (+ the adapter's input gradient), or adds to it when `accumulate`.
    @inline(__always)
    public func backward(_ x: MatrixView<Float>, dy: MatrixView<Float>, dx: MutableMatrixView<Float>?, accumulate: Bool) {
        if let dx {
            weight.withView { w in parallelGemm(dy, w, into: dx, beta: accumulate ? 1 : 0) }
        }
        if let adapter, !isMerged { adapter.backward(x, dy: dy, accumulateInputGradient: dx) }
    }

    /// W ← W + ΔW. Refuses (and leaves W unchanged) when the result would hold a NaN or ±∞.
    public func merge() throws {
        guard let adapter, !isMerged else { return }
        let merged = weight + adapter.deltaWeight
        guard merged.isFinite else { throw ModelError.nonFiniteMerge(tensor: name) }
        weight = merged
        isMerged = true
    }

    /// W ← W − ΔW, undoing `merge` (equal to the original up to Float32 rounding of the add/subtract).
    public func unmerge() throws {
        guard let adapter, isMerged else { return }
        let unmerged = weight - adapter.deltaWeight
        guard unmerged.isFinite else { throw ModelError.nonFiniteMerge(tensor: name) }
        weight = unmerged
        isMerged = false
    }

    /// Merges and drops the adapter: the plain model with W + ΔW baked in.
    public func mergeAndDiscard() throws {
        try merge()
        adapter = nil
        isMerged = false
    }
}

/// Frozen LayerNorm parameters γ, β.
public struct LayerNormWeights {
    public let gamma: [Float]
    public let beta: [Float]
    public init(gamma: [Float], beta: [Float]) { self.gamma = gamma; self.beta = beta }
    public static func identity(_ d: Int) -> LayerNormWeights {
        LayerNormWeights(gamma: [Float](repeating: 1, count: d), beta: [Float](repeating: 0, count: d))
    }
}
