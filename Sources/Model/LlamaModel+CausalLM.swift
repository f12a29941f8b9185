import Foundation
import LinearAlgebra

/// The conditional language-modelling objective of the paper (Sec 2, max Σ_t log P(y_t | x, y_<t)): next-token
/// cross-entropy counted on target tokens only, the prompt x being context.
extension LlamaModel {
    /// Rows of logits computed at once by `causalLMLoss` ((C, V) floats of scratch; 128 × 49152 × 4 B = 25 MB for SmolLM2).
    static let lossChunkRows = 128

    /// The rows whose next token is a target, in order: row i predicts row i + 1's token when both lie in the same span,
    /// row i + 1 is real (`batch.mask`) and `targetMask[i + 1]` ≠ 0. (The first token of a sequence has nothing before it
    /// and is never predicted.)
    public static func predictingRows(_ batch: Batch, targetMask: [Float]) -> [Int] {
        precondition(targetMask.count == batch.rows, "targetMask must hold one entry per row (\(batch.rows))")
        var rows: [Int] = []
        for b in 0..<batch.batchSize {
            let span = batch.span(b)
            for i in span.dropLast() where targetMask[i + 1] != 0 && batch.mask[i + 1] != 0 { rows.append(i) }
        }
        return rows
    }

    /// Runs `forward` and returns the mean next-token cross-entropy over the M target tokens (`predictingRows`),
    ///   L = (1/M)·Σ_{i} [logsumexp(z_i) − z_i[id_{i+1}]],  z_i = RMSNorm(h_i)·Wᵀ  (the output matrix W, tied or not),
    /// which is Hugging Face's `LlamaForCausalLM` loss with labels = ids and −100 on every non-target token. With
    /// `backward`, also accumulates dL/d(adapter factors) (dL/dz_i = (softmax(z_i) − onehot(id_{i+1}))/M, through W and
    /// `backward(dFinal:)`). M = 0 gives loss 0 and no gradient.
    ///
    /// Logits are computed only for the M predicting rows, `lossChunkRows` at a time, so a step never holds (N, V) logits.
    /// The log-sum-exp runs in Double over Float exponentials of max-shifted logits.
    /// With `gradientScale` s the accumulated gradient is s·dL/d(factors) (a micro-batch's weight in an accumulated step).
    public func causalLMLoss(_ batch: Batch, targetMask: [Float], workspace ws: LlamaWorkspace,
                             backward: Bool, gradientScale: Double = 1) throws -> (loss: Double, tokens: Int) {
        try causalLMLoss(batch, targetMask: targetMask, workspace: ws, backward: backward, chunkRows: Self.lossChunkRows,
                         gradientScale: gradientScale)
    }

    /// `causalLMLoss` with logits computed `chunkRows` rows at a time (tests use small chunks).
    func causalLMLoss(_ batch: Batch, targetMask: [Float], workspace ws: LlamaWorkspace, backward: Bool,
                      chunkRows: Int, gradientScale: Double = 1) throws -> (loss: Double, tokens: Int) {
        try forward(batch, workspace: ws)
        let rows = Self.predictingRows(batch, targetMask: targetMask)
        let m = rows.count
        guard m > 0 else { return (0, 0) }
        precondition(!backward || !ws.forInference, "backward needs a training workspace")
        let (n, d, v) = (batch.rows, config.hiddenSize, config.vocabularySize)
        let chunk = min(m, max(1, chunkRows))
        ws.planLoss(rows: chunk)
        if backward { ws.dfinal.zero(n * d) }
        var total = 0.0
        var rowLoss = [Double](repeating: 0, count: chunk)
        let inverseM = 1 / Double(m)
        var start = 0
        while start < m {
            let c = min(chunk, m - start)
            let selected = Array(rows[start..<(start + c)])
            for (i, r) in selected.enumerated() { (ws.lossRows.p + i * d).update(from: ws.finalStates.p + r * d, count: d) } // (C, d)
            logits(ws.lossRows.view(c, d).readOnly, into: ws.lossLogits.view(c, v))                                          // (C, V)
            let labels = selected.map { Int(batch.ids[$0 + 1]) }
            rowLoss.withUnsafeMutableBufferPointer { out in
                let out = out.baseAddress!
                Parallel.forEachChunk(c, minimumChunk: 4) { range in
                    for i in range {
                        out[i] = Self.crossEntropyRow(ws.lossLogits.p + i * v, count: v, label: labels[i],
                                                      gradientScale: backward ? inverseM * gradientScale : nil)
                    }
                }
            }
            for i in 0..<c { total += rowLoss[i] }
            if backward {
                outputWeight.withView { w in parallelGemm(ws.lossLogits.view(c, v).readOnly, w, into: ws.lossGrad.view(c, d)) } // (C, d)
                for (i, r) in selected.enumerated() { (ws.dfinal.p + r * d).update(from: ws.lossGrad.p + i * d, count: d) }
            }
            start += c
        }
        if backward { self.backward(dFinal: ws.dfinal.view(n, d).readOnly, workspace: ws) }
        return (total * inverseM, m)
    }

    /// logsumexp(z) − z[label] for one row of logits; with `gradientScale` s, overwrites z with s·(softmax(z) − onehot).
    static func crossEntropyRow(_ z: UnsafeMutablePointer<Float>, count v: Int, label: Int, gradientScale: Double?) -> Double {
        let target = z[label]
        let mx = VectorMath.max(UnsafePointer(z), count: v)
        VectorMath.add(-mx, to: z, count: v)
        VectorMath.exp(z, z, count: v)
        var sum = 0.0
        for j in 0..<v { sum += Double(z[j]) }
        let loss = Double(mx) + Foundation.log(sum) - Double(target)
        if let s = gradientScale {
            VectorMath.scale(z, by: Float(s / sum), count: v)
            z[label] -= Float(s)
        }
        return loss
    }
}

/// Llama as a `CausalLanguageModel`: the loss above, in a workspace reached through the family-neutral protocol.
extension LlamaModel: CausalLanguageModel {
    public func causalLMLoss(_ batch: Batch, targetMask: [Float], in workspace: any ModelWorkspace, backward: Bool,
                             gradientScale: Double) throws -> (loss: Double, tokens: Int) {
        guard let ws = workspace as? LlamaWorkspace else {
            throw ModelError.workspaceMismatch(expected: "LlamaWorkspace", got: String(describing: type(of: workspace)))
        }
        return try causalLMLoss(batch, targetMask: targetMask, workspace: ws, backward: backward, gradientScale: gradientScale)
    }

    public func predictedTokenCount(_ batch: Batch, targetMask: [Float]) -> Int {
        Self.predictingRows(batch, targetMask: targetMask).count
    }
}
