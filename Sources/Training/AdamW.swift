import Foundation
import LinearAlgebra

/// AdamW (Loshchilov & Hutter): Adam with decoupled weight decay and bias correction, as PyTorch's `torch.optim.AdamW`:
///   p ← p·(1 − lr·λ)                       (decoupled decay, only for parameters with `decays`)
///   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²
///   p ← p − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)
public final class AdamW {
    public struct Hyperparameters: Codable, Equatable, Sendable {
        public var beta1 = 0.9
        public var beta2 = 0.999
        public var eps = 1e-8
        public var weightDecay = 0.0
        public init(beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8, weightDecay: Double = 0) {
            self.beta1 = beta1; self.beta2 = beta2; self.eps = eps; self.weightDecay = weightDecay
        }
    }

    public let parameters: [Parameter]
    public let hyperparameters: Hyperparameters
    /// First and second moments, one array per parameter (saved in training checkpoints).
    public var m: [[Float]]
    public var v: [[Float]]
    /// Number of steps taken (t in the bias correction).
    public var stepCount = 0
    /// Per-parameter multiplier of the learning rate (e.g. a separate head learning rate); 1 by default.
    public let learningRateScales: [Double]

    public init(parameters: [Parameter], hyperparameters: Hyperparameters = .init(), learningRateScales: [Double]? = nil) {
        precondition(learningRateScales == nil || learningRateScales!.count == parameters.count)
        self.parameters = parameters
        self.hyperparameters = hyperparameters
        self.learningRateScales = learningRateScales ?? [Double](repeating: 1, count: parameters.count)
        m = parameters.map { [Float](repeating: 0, count: $0.count) }
        v = parameters.map { [Float](repeating: 0, count: $0.count) }
    }

    /// One update with learning rate `lr` from the gradients currently held by the parameters.
    public func step(learningRate lr: Double) {
        stepCount += 1
        let h = hyperparameters
        let b1 = Float(h.beta1), b2 = Float(h.beta2)
        let c1 = Float(1 - pow(h.beta1, Double(stepCount)))
        let c2 = Float(1 - pow(h.beta2, Double(stepCount)))
        let eps = Float(h.eps)
        // Parameters are updated independently, so they are split across cores by index (each element is written by
        // exactly one thread; the result does not depend on the split). The element loop is plain arithmetic the
        // compiler vectorises (SSE divps/sqrtps).
        let (params, scales) = (parameters, learningRateScales)
        m.withUnsafeMutableBufferPointer { ms in
            v.withUnsafeMutableBufferPointer { vs in
                let (msBase, vsBase) = (ms.baseAddress!, vs.baseAddress!)
                Parallel.forEachChunk(params.count, minimumChunk: 1) { range in
                    for index in range {
                        let p = params[index]
                        let plr = lr * scales[index]
                        let lrF = Float(plr)
                        let decay: Float = p.decays ? Float(1 - plr * h.weightDecay) : 1
                        p.value.storage.withUnsafeMutableBufferPointer { w in
                            p.grad.storage.withUnsafeBufferPointer { g in
                                (msBase + index).pointee.withUnsafeMutableBufferPointer { mp in
                                    (vsBase + index).pointee.withUnsafeMutableBufferPointer { vp in
                                        precondition(g.count == w.count && mp.count == w.count && vp.count == w.count,
                                                     "AdamW: gradient or moments of parameter \(index) do not match its size")
                                        for i in 0..<w.count {
                                            let gi = g[i]
                                            let mi = b1 * mp[i] + (1 - b1) * gi
                                            let vi = b2 * vp[i] + (1 - b2) * gi * gi
                                            mp[i] = mi
                                            vp[i] = vi
                                            w[i] = w[i] * decay - lrF * (mi / c1) / ((vi / c2).squareRoot() + eps)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Sets every parameter's gradient to zero.
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }
}

/// Global gradient-norm clipping (PyTorch `clip_grad_norm_`): if ‖g‖₂ over all parameters exceeds `maxNorm`,
/// every gradient is scaled by maxNorm/(‖g‖₂ + 1e-6). Returns the norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Double?) -> Double {
    var sq = 0.0
    for p in parameters { for g in p.grad.storage { sq += Double(g) * Double(g) } }
    let norm = sq.squareRoot()
    if let maxNorm, norm > maxNorm {
        let scale = Float(maxNorm / (norm + 1e-6))
        for p in parameters {
            p.grad.storage.withUnsafeMutableBufferPointer { g in for i in 0..<g.count { g[i] *= scale } }
        }
    }
    return norm
}
