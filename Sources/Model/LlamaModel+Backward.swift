import LinearAlgebra

extension LlamaModel {
    /// Backward pass of the last `forward` held in `workspace`, given dL/d(final hidden states) (N, d) — the gradient at
    /// the input of the output projection — in the batch's layout.
    ///
    /// Accumulates into the adapters' gradients only. Frozen weights (embeddings, projections, RMSNorm weights) get no
    /// gradient; the gradient stops at the lowest layer that carries an adapter, whose input gradient is not computed.
    public func backward(dFinal: MatrixView<Float>, workspace ws: LlamaWorkspace) {
        guard let lowest = layers.firstIndex(where: { $0.hasAdapter }) else { return }
        precondition(!ws.forInference, "backward needs a training workspace")
        let n = ws.rows
        let d = config.hiddenSize
        precondition(dFinal.rows == n && dFinal.cols == d, "dFinal must be (\(n), \(d))")
        // Through the final RMSNorm: dres = dL/d(hidden[L]).
        for i in 0..<n { (ws.dnorm.p + i * d).update(from: dFinal.base + i * dFinal.ld, count: d) }
        finalNorm.withUnsafeBufferPointer { w in
            RMSNorm.backward(dinp: ws.dres.p, dout: ws.dnorm.p, inp: ws.hidden[layers.count].p, rstd: ws.finalRstd.p,
                             weight: w.baseAddress!, rows: n, cols: d)                             // (N, d)
        }
        for l in stride(from: layers.count - 1, through: lowest, by: -1) {
            backwardLayer(l, rows: n, needInput: l > lowest, workspace: ws)
        }
    }

    /// Layer l backward. On entry `ws.dres` holds dL/d(hidden[l + 1]); on exit, when `needInput`, dL/d(hidden[l]).
    private func backwardLayer(_ l: Int, rows n: Int, needInput: Bool, workspace ws: LlamaWorkspace) {
        let layer = layers[l], act = ws.layers[l]
        let (d, dkv, f) = (config.hiddenSize, config.kvWidth, config.intermediateSize)
        let x = ws.hidden[l]
        let dres = ws.dres.view(n, d)
        // y = h + down(m): dm = dy·W_down (+ the down adapter's gradients); the residual passes dy to h unchanged.
        layer.down.backward(act.m.view(n, f).readOnly, dy: dres.readOnly, dx: ws.dm.view(n, f), accumulate: false) // (N, F)
        SwiGLU.backward(dgate: ws.dgate.p, dup: ws.dup.p, dout: ws.dm.p, gate: act.gate.p, up: act.up.p, count: n * f) // (N, F) ×2
        // b = RMSNorm₂(h) feeds gate and up: db = dgate·W_gate + dup·W_up.
        let b = act.b.view(n, d).readOnly
        layer.gate.backward(b, dy: ws.dgate.view(n, f).readOnly, dx: ws.dnorm.view(n, d), accumulate: false)          // (N, d)
        layer.up.backward(b, dy: ws.dup.view(n, f).readOnly, dx: ws.dnorm.view(n, d), accumulate: true)               // (N, d)
        // dh = dy + RMSNorm₂′(db), accumulated into dres in place.
        layer.ffnNorm.withUnsafeBufferPointer { w in
            RMSNorm.backward(dinp: ws.dres.p, dout: ws.dnorm.p, inp: act.h.p, rstd: act.rstd2.p, weight: w.baseAddress!,
                             rows: n, cols: d, accumulate: true)                                               // (N, d)
        }
        // h = x + o(ctx).
        let attentionAdapted = layer.query.adapter != nil || layer.key.adapter != nil || layer.value.adapter != nil
        let needContext = needInput || attentionAdapted
        layer.attentionOutput.backward(act.ctx.view(n, d).readOnly, dy: dres.readOnly,
                                       dx: needContext ? ws.dctx.view(n, d) : nil, accumulate: false)          // (N, d)
        guard needContext else { return }
        CausalAttention.backward(dq: ws.dq.p, dk: ws.dk.p, dv: ws.dv.p, dprobs: ws.dprobs.p, dctx: ws.dctx.p,
                                 q: act.q.p, k: act.k.p, v: act.v.p, probs: act.probs.p, shape: ws.shape)      // (N, d), (N, d_kv) ×2
        // Back through RoPE (a rotation: its transpose rotates by −θ) to the projections' outputs.
        ws.positions.withUnsafeBufferPointer { pos in
            ws.rope.backward(ws.dq.p, rows: n, heads: config.heads, positionOf: pos.baseAddress!)    // (N, d) in place
            ws.rope.backward(ws.dk.p, rows: n, heads: config.kvHeads, positionOf: pos.baseAddress!)  // (N, d_kv) in place
        }
        // a = RMSNorm₁(x) feeds q, k, v: da = dq·W_q + dk·W_k + dv·W_v (only above the lowest adapted layer).
        let a = act.a.view(n, d).readOnly
        let da: MutableMatrixView<Float>? = needInput ? ws.dnorm.view(n, d) : nil
        layer.query.backward(a, dy: ws.dq.view(n, d).readOnly, dx: da, accumulate: false)
        layer.key.backward(a, dy: ws.dk.view(n, dkv).readOnly, dx: da, accumulate: true)
        layer.value.backward(a, dy: ws.dv.view(n, dkv).readOnly, dx: da, accumulate: true)
        guard needInput else { return }
        // dx = dh + RMSNorm₁′(da), accumulated into dres in place.
        layer.attentionNorm.withUnsafeBufferPointer { w in
            RMSNorm.backward(dinp: ws.dres.p, dout: ws.dnorm.p, inp: x.p, rstd: act.rstd1.p, weight: w.baseAddress!,
                             rows: n, cols: d, accumulate: true)                                               // (N, d)
        }
    }
}
