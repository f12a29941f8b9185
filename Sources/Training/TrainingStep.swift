import LinearAlgebra
import Model

/// One full LoRA training step: forward, loss, backward, gradient clipping and AdamW, with every buffer planned per
/// shape and reused (nothing is allocated once the largest batch shape has been seen). It drives any `AdaptableModel`:
/// the objectives read only the final hidden states and send their gradient back through `backward(dHidden:in:)`.
public final class TrainingStep {
    public let model: any AdaptableModel
    public let objective: Objective
    public let optimizer: AdamW
    /// Activations and gradient scratch of training steps.
    public let workspace: any ModelWorkspace
    /// Forward-only buffers for evaluation (`lossAndGradients(…, backward: false)`): no gradient scratch, one layer's
    /// activations reused across layers.
    public let inferenceWorkspace: any ModelWorkspace
    private var pooled = FloatBuffer(capacity: 1), dpooled = FloatBuffer(capacity: 1)     // (B, d)
    private var outputs = FloatBuffer(capacity: 1), doutputs = FloatBuffer(capacity: 1)   // (B, K)
    private var dhidden = FloatBuffer(capacity: 1)                                         // (N, d)
    private var plannedBatch = 0, plannedTokens = 0

    /// The trainable parameters: every adapter's A and B, then the head's W and b.
    public static func trainableParameters(model: any AdaptableModel, objective: Objective) -> [Parameter] {
        model.adapters.flatMap { [$0.a, $0.b] } + (objective.head?.parameters ?? [])
    }

    public init(model: any AdaptableModel, objective: Objective, optimizer: AdamW) {
        self.model = model
        self.objective = objective
        self.optimizer = optimizer
        workspace = model.makeWorkspace(forInference: false)
        inferenceWorkspace = model.makeWorkspace(forInference: true)
    }

    public struct Result: Equatable, Sendable {
        public let loss: Double
        /// Global gradient norm before clipping.
        public let gradientNorm: Double
    }

    private func plan(batch b: Int, tokens n: Int) {
        let d = model.hiddenSize, k = objective.head?.outFeatures ?? 1
        if b > plannedBatch {
            pooled = FloatBuffer(capacity: b * d); dpooled = FloatBuffer(capacity: b * d)
            outputs = FloatBuffer(capacity: b * k); doutputs = FloatBuffer(capacity: b * k)
            plannedBatch = b
        }
        if n > plannedTokens { dhidden = FloatBuffer(capacity: n * d); plannedTokens = n }
    }

    /// Forward pass and loss; when `backward`, also accumulates gradients (after zeroing them when `zeroGradients`),
    /// scaled by `gradientScale` (the gradient of `gradientScale`·loss), otherwise the forward pass runs in
    /// `inferenceWorkspace`. Returns the mean loss of the batch. `outputs` then holds the head outputs (B × K).
    @discardableResult
    public func lossAndGradients(_ batch: Batch, targets: BatchTargets, backward: Bool, zeroGradients: Bool = true,
                                 gradientScale: Float = 1) throws -> Double {
        let bsz = batch.batchSize
        let n = batch.rows, d = model.hiddenSize
        plan(batch: bsz, tokens: backward ? n : 0)
        if backward && zeroGradients { optimizer.zeroGrad() }
        let scale = gradientScale
        let hidden = try model.forward(batch, in: backward ? workspace : inferenceWorkspace)
        var loss = 0.0
        switch (objective, targets) {
        case let (.classification(head, pooling), .labels(labels)):
            guard labels.count == bsz else { throw TrainingError.targetsDoNotMatchObjective("\(labels.count) labels for \(bsz) examples") }
            pooling.forward(out: pooled.p, hidden: hidden.base, mask: batch.mask, offsets: batch.offsets, width: d)
            let k = head.outFeatures
            head.forward(pooled.view(bsz, d).readOnly, into: outputs.view(bsz, k))
            loss = Loss.crossEntropy(logits: outputs.view(bsz, k).readOnly, labels: labels, dlogits: doutputs.view(bsz, k))
            if backward { scaleGradient(doutputs, count: bsz * k, by: scale); backThroughHead(head, pooling: pooling, batch: batch) }
        case let (.regression(head, pooling), .vectors(targetVectors)):
            guard targetVectors.rows == bsz && targetVectors.cols == head.outFeatures else {
                throw TrainingError.targetsDoNotMatchObjective("targets \(targetVectors.rows)×\(targetVectors.cols), expected \(bsz)×\(head.outFeatures)")
            }
            pooling.forward(out: pooled.p, hidden: hidden.base, mask: batch.mask, offsets: batch.offsets, width: d)
            let k = head.outFeatures
            head.forward(pooled.view(bsz, d).readOnly, into: outputs.view(bsz, k))
            loss = targetVectors.withView { tv in
                Loss.meanSquaredError(outputs: outputs.view(bsz, k).readOnly, targets: tv, doutputs: doutputs.view(bsz, k))
            }
            if backward { scaleGradient(doutputs, count: bsz * k, by: scale); backThroughHead(head, pooling: pooling, batch: batch) }
        case let (.hiddenStates, .hiddenStates(target)):
            guard target.count == n * d else { throw TrainingError.targetsDoNotMatchObjective("\(target.count) target values, expected \(n * d)") }
            if !backward { plan(batch: bsz, tokens: n) }
            loss = target.withUnsafeBufferPointer { tp in
                Loss.meanSquaredError(outputs: hidden, targets: MatrixView(tp.baseAddress!, rows: n, cols: d),
                                      rowWeights: batch.mask, doutputs: dhidden.view(n, d))
            }
            if backward {
                scaleGradient(dhidden, count: n * d, by: scale)
                model.backward(dHidden: dhidden.view(n, d).readOnly, in: workspace)
            }
        case let (.causalLM, .targetMask(mask)):
            loss = try causalLMLoss(batch, targetMask: mask, backward: backward, gradientScale: Double(scale))
        default:
            throw TrainingError.targetsDoNotMatchObjective("objective and targets are of different kinds")
        }
        return loss
    }

    /// The causal-LM loss of `batch` (`CausalLanguageModel.causalLMLoss`) in the training or inference workspace.
    private func causalLMLoss(_ batch: Batch, targetMask: [Float], backward: Bool, gradientScale: Double) throws -> Double {
        guard let lm = model as? CausalLanguageModel else {
            throw TrainingError.targetsDoNotMatchObjective("the causal-LM objective needs a decoder; \(model.architectureSummary) is not one")
        }
        guard targetMask.count == batch.rows else {
            throw TrainingError.targetsDoNotMatchObjective("\(targetMask.count) target-mask entries for \(batch.rows) tokens")
        }
        return try lm.causalLMLoss(batch, targetMask: targetMask, in: backward ? workspace : inferenceWorkspace, backward: backward,
                                   gradientScale: gradientScale).loss
    }

    private func backThroughHead(_ head: LinearHead, pooling: Pooling, batch: Batch) {
        let bsz = batch.batchSize
        let d = model.hiddenSize, k = head.outFeatures
        head.backward(pooled.view(bsz, d).readOnly, dout: doutputs.view(bsz, k).readOnly, dpooled: dpooled.view(bsz, d))
        pooling.backward(dhidden: dhidden.p, dpooled: dpooled.p, mask: batch.mask, offsets: batch.offsets, width: d)
        model.backward(dHidden: dhidden.view(batch.rows, d).readOnly, in: workspace)
    }

    /// One optimizer step on `batch` at `learningRate`, clipping the global gradient norm to `clipNorm` when given.
    public func step(_ batch: Batch, targets: BatchTargets, learningRate: Double, clipNorm: Double?) throws -> Result {
        try step(microBatches: [(batch, targets)], learningRate: learningRate, clipNorm: clipNorm)
    }

    /// One optimizer step on the effective batch made of `microBatches` (gradient accumulation): the loss and gradient
    /// of the concatenated batch, computed one micro-batch at a time. The objectives' losses are means over examples
    /// (classification, regression), over real tokens (hidden states) or over target tokens (causal LM), so micro-batch m
    /// contributes its loss and gradient weighted by wₘ = (its examples or tokens) / (those of all micro-batches): Σₘ wₘ·Lₘ is exactly the
    /// concatenated batch's loss, and the gradients agree to round-off (summation order).
    public func step(microBatches: [(Batch, BatchTargets)], learningRate: Double, clipNorm: Double?) throws -> Result {
        precondition(!microBatches.isEmpty, "a step needs at least one micro-batch")
        let counts = microBatches.map { batch, targets -> Double in
            if case .hiddenStates = objective { return Double(batch.realTokenCount) }
            if case .targetMask(let mask) = targets, let lm = model as? CausalLanguageModel {
                return Double(lm.predictedTokenCount(batch, targetMask: mask))
            }
            return Double(batch.batchSize)
        }
        let total = max(counts.reduce(0, +), 1e-12)
        var loss = 0.0
        for (m, (batch, targets)) in microBatches.enumerated() {
            let w = counts[m] / total
            loss += w * (try lossAndGradients(batch, targets: targets, backward: true, zeroGradients: m == 0, gradientScale: Float(w)))
        }
        let norm = clipGradientNorm(optimizer.parameters, maxNorm: clipNorm)
        optimizer.step(learningRate: learningRate)
        return Result(loss: loss, gradientNorm: norm)
    }

    /// g ← scale·g over `count` entries (skipped when scale is 1, so a single batch's step is unchanged bit for bit).
    private func scaleGradient(_ g: FloatBuffer, count: Int, by scale: Float) {
        guard scale != 1 else { return }
        for i in 0..<count { g.p[i] *= scale }
    }

    /// Head outputs (B × K) of the last `lossAndGradients` call, as a matrix.
    public func lastOutputs(batchSize bsz: Int) -> Matrix<Float> {
        let k = objective.head?.outFeatures ?? 0
        return Matrix(rows: bsz, cols: k, storage: outputs.array(bsz * k))
    }
}
