import Foundation
import LinearAlgebra

/// A trainable linear head on the pooled sentence state: out = pooled·Wᵀ + b, W (K × d), b (1 × K).
/// Initialised like PyTorch's `nn.Linear` (weights and bias U(−1/√d, 1/√d)) from its own seeded stream.
/// The head is trained with the adapters but is not part of LoRA; it is saved beside the adapter in its own file.
public final class LinearHead {
    public let weight: Parameter
    public let bias: Parameter
    public var inFeatures: Int { weight.value.cols }
    public var outFeatures: Int { weight.value.rows }

    public init(inFeatures d: Int, outFeatures k: Int, seed: UInt64) {
        var rng = SeededGenerator(seed: seed, stream: "head")
        let bound = 1 / Double(d).squareRoot()
        weight = Parameter(name: "head.weight", value: .uniform(rows: k, cols: d, bound: bound, using: &rng))
        bias = Parameter(name: "head.bias", value: .uniform(rows: 1, cols: k, bound: bound, using: &rng), decays: false)
    }

    public init(weight w: Matrix<Float>, bias b: [Float]) {
        precondition(b.count == w.rows)
        weight = Parameter(name: "head.weight", value: w)
        bias = Parameter(name: "head.bias", value: Matrix(rows: 1, cols: b.count, storage: b), decays: false)
    }

    public var parameters: [Parameter] { [weight, bias] }

    /// out (B, K) ← pooled (B, d)·Wᵀ + b.
    public func forward(_ pooled: MatrixView<Float>, into out: MutableMatrixView<Float>) {
        bias.value.storage.withUnsafeBufferPointer { b in
            for i in 0..<pooled.rows { (out.base + i * out.ld).update(from: b.baseAddress!, count: outFeatures) }
        }
        weight.value.withView { w in gemm(pooled, w, transposeB: true, into: out, beta: 1) }
    }

    /// Accumulates dW += doutᵀ·pooled, db += Σ_rows dout, and writes dpooled ← dout·W.
    public func backward(_ pooled: MatrixView<Float>, dout: MatrixView<Float>, dpooled: MutableMatrixView<Float>) {
        weight.grad.withMutableView { gw in gemm(dout, transposeA: true, pooled, into: gw, beta: 1) }
        bias.grad.storage.withUnsafeMutableBufferPointer { gb in
            for i in 0..<dout.rows { for k in 0..<outFeatures { gb[k] += dout[i, k] } }
        }
        weight.value.withView { w in gemm(dout, w, into: dpooled) }
    }
}

/// Losses on head outputs. Each returns the mean loss over the batch and writes dL/d(outputs).
public enum Loss {
    /// Softmax cross-entropy averaged over B rows: L = −(1/B)·Σ_b log softmax(z_b)[y_b];
    /// dL/dz_b = (softmax(z_b) − onehot(y_b))/B. Computed with the max-shift for stability.
    public static func crossEntropy(logits z: MatrixView<Float>, labels: [Int], dlogits: MutableMatrixView<Float>) -> Double {
        let (bsz, k) = (z.rows, z.cols)
        precondition(labels.count == bsz)
        var total = 0.0
        for b in 0..<bsz {
            var mx = -Float.infinity
            for c in 0..<k { mx = max(mx, z[b, c]) }
            var sum: Double = 0
            for c in 0..<k { sum += Foundation.exp(Double(z[b, c] - mx)) }
            let logZ = Double(mx) + Foundation.log(sum)
            total += logZ - Double(z[b, labels[b]])
            for c in 0..<k {
                let p = Foundation.exp(Double(z[b, c]) - logZ)
                dlogits[b, c] = Float((p - (c == labels[b] ? 1 : 0)) / Double(bsz))
            }
        }
        return total / Double(bsz)
    }

    /// Mean squared error over the rows whose weight is non-zero: L = Σ_i w_i·‖y_i − t_i‖² / (D·Σ_i w_i),
    /// dL/dy_i = 2·w_i·(y_i − t_i)/(D·Σ w). With all weights 1 this is PyTorch's `mse_loss` (mean over elements).
    /// Row weights let the planted-rank task ignore padding tokens.
    public static func meanSquaredError(outputs y: MatrixView<Float>, targets t: MatrixView<Float>, rowWeights w: [Float]? = nil,
                                        doutputs: MutableMatrixView<Float>) -> Double {
        precondition(y.rows == t.rows && y.cols == t.cols)
        let (n, dim) = (y.rows, y.cols)
        let weightSum = Double(w?.reduce(0, +) ?? Float(n))
        let denom = max(weightSum, 1e-12) * Double(dim)
        var total = 0.0
        for i in 0..<n {
            let wi = Double(w?[i] ?? 1)
            for c in 0..<dim {
                let diff = Double(y[i, c]) - Double(t[i, c])
                total += wi * diff * diff
                doutputs[i, c] = Float(2 * wi * diff / denom)
            }
        }
        return total / denom
    }
}
