import LinearAlgebra

extension BertModel {
    /// Backward pass of the last `forward` held in `workspace`, given dL/dh (N, d) for the final hidden states in the
    /// batch's layout.
    ///
    /// Accumulates into the adapters' gradients only. Frozen weights get no weight gradient; the gradient stops at the
    /// lowest layer that carries an adapter (nothing flows into lower layers or the embeddings), and that layer's
    /// input gradient is not computed.
    public func backward(dHidden: MatrixView<Float>, workspace ws: EncoderWorkspace) {
        guard let lowest = layers.firstIndex(where: { layer in layer.hasAdapter }) else { return }
        precondition(!ws.forInference, "backward needs a training workspace")
        precondition(layers.allSatisfy { $0.attentionBottleneck == nil && $0.ffnBottleneck == nil },
                     "bottleneck adapters are for inference benchmarks; the backward pass does not train them")
        let n = ws.rows
        let d = config.hiddenSize, f = config.intermediateSize
        precondition(dHidden.rows == n && dHidden.cols == d, "dHidden must be (\(n), \(d))")
        let dropout = dropoutEnabled && (config.hiddenDropout > 0 || config.attentionDropout > 0)
        for i in 0..<n { (ws.dcur.p + i * d).update(from: dHidden.base + i * dHidden.ld, count: d) }
        let shape = ws.shape

        for l in stride(from: layers.count - 1, through: lowest, by: -1) {
            let layer = layers[l]
            let act = ws.layers[l]
            let x = ws.hidden[l].view(n, d).readOnly
            // LayerNorm 2: dh2 = LN′(dcur)
            layer.outputNorm.gamma.withUnsafeBufferPointer { g in
                LayerNorm.backward(dinp: ws.dh2.p, dout: ws.dcur.p, inp: act.h2.p, mean: act.ln2Mean.p, rstd: act.ln2Rstd.p,
                                   gamma: g.baseAddress!, rows: n, cols: d)
            }
            // Feed-forward down-projection (through its dropout), then GELU′.
            let dff = throughDropout(ws.dh2, mask: dropout ? act.ffnOutMask : nil, scratch: ws.dtmp, count: n * d)
            layer.ffnDown.backward(act.g.view(n, f).readOnly, dy: dff.view(n, d).readOnly, dx: ws.dg.view(n, f), accumulate: false) // (N, F)
            GELU.backward(dinp: ws.dg.p, dout: ws.dg.p, derivative: act.geluDerivative.p, count: n * f)
            // Feed-forward up-projection plus the residual path: da1 = dh2 + du·W1.
            ws.da1.p.update(from: ws.dh2.p, count: n * d)
            layer.ffnUp.backward(act.a1.view(n, d).readOnly, dy: ws.dg.view(n, f).readOnly, dx: ws.da1.view(n, d), accumulate: true)
            // LayerNorm 1: dh1 = LN′(da1)
            layer.attentionNorm.gamma.withUnsafeBufferPointer { g in
                LayerNorm.backward(dinp: ws.dh1.p, dout: ws.da1.p, inp: act.h1.p, mean: act.ln1Mean.p, rstd: act.ln1Rstd.p,
                                   gamma: g.baseAddress!, rows: n, cols: d)
            }
            // Attention output projection (through its dropout).
            let dproj = throughDropout(ws.dh1, mask: dropout ? act.attnOutMask : nil, scratch: ws.dtmp, count: n * d)
            layer.attentionOutput.backward(act.ctx.view(n, d).readOnly, dy: dproj.view(n, d).readOnly, dx: ws.dctx.view(n, d), accumulate: false)
            // Attention core.
            if dropout, let pm = act.probsMask, let pd = act.probsDropped {
                Attention.backward(dq: ws.dq.p, dk: ws.dk.p, dv: ws.dv.p, dprobs: ws.dprobs.p, dctx: ws.dctx.p,
                                   q: act.q.p, k: act.k.p, v: act.v.p, probs: act.probs.p, shape: shape,
                                   dropout: (UnsafePointer(pm.p), UnsafePointer(pd.p)))
            } else {
                Attention.backward(dq: ws.dq.p, dk: ws.dk.p, dv: ws.dv.p, dprobs: ws.dprobs.p, dctx: ws.dctx.p,
                                   q: act.q.p, k: act.k.p, v: act.v.p, probs: act.probs.p, shape: shape)
            }
            // q, k, v projections plus the residual: dx = dh1 + dq·Wq + dk·Wk + dv·Wv (only above the lowest adapted layer).
            let needInput = l > lowest
            if needInput { ws.dcur.p.update(from: ws.dh1.p, count: n * d) }
            let dx: MutableMatrixView<Float>? = needInput ? ws.dcur.view(n, d) : nil
            for (linear, grad) in [(layer.query, ws.dq), (layer.key, ws.dk), (layer.value, ws.dv)] where needInput || linear.adapter != nil {
                linear.backward(x, dy: grad.view(n, d).readOnly, dx: dx, accumulate: true)
            }
        }
    }
}

extension BertModel {
    /// The gradient before a dropout the forward pass applied: `g` itself when `mask` is nil, else g ⊙ mask written to
    /// `scratch` (g is left as it is, because the residual path still needs it).
    fileprivate func throughDropout(_ g: FloatBuffer, mask: FloatBuffer?, scratch: FloatBuffer, count: Int) -> FloatBuffer {
        guard let mask else { return g }
        scratch.p.update(from: g.p, count: count)
        Dropout.backward(scratch.p, mask: mask.p, count: count)
        return scratch
    }
}

extension BertLayer {
    /// True when any of this layer's linear maps carries an adapter.
    var hasAdapter: Bool {
        query.adapter != nil || key.adapter != nil || value.adapter != nil || attentionOutput.adapter != nil
            || ffnUp.adapter != nil || ffnDown.adapter != nil
    }
}
