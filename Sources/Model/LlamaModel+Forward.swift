import LinearAlgebra

extension LlamaModel {
    /// Runs the decoder on `batch` and returns the final hidden states (N, d) after the last RMSNorm — the input of the
    /// output projection — in the batch's layout: a view into `workspace`, valid until the next call and only while
    /// `workspace` is alive. A training workspace stores every activation the backward pass needs.
    ///
    /// Each sequence is causal on its own span (`CausalAttention`), its positions counted from its first row; a packed
    /// batch (`Batch(packing:)`) is the intended layout. `typeIds` are ignored; in a right-padded batch the real rows get
    /// exactly what they get packed, and the padding rows' outputs are meaningless.
    @discardableResult
    public func forward(_ batch: Batch, workspace ws: LlamaWorkspace) throws -> MatrixView<Float> {
        precondition(ws.config == config, "the workspace was planned for another configuration")
        try validate(batch)
        let n = batch.rows, d = config.hiddenSize
        ws.plan(offsets: batch.offsets)
        embed(batch, into: ws.hiddenBuffer(0).p)
        for l in layers.indices { forwardLayer(l, rows: n, workspace: ws) }
        finalNorm.withUnsafeBufferPointer { w in
            RMSNorm.forward(out: ws.finalStates.p, rstd: ws.finalRstd.p, inp: ws.hiddenBuffer(layers.count).p, weight: w.baseAddress!,
                            rows: n, cols: d, eps: Float(config.rmsNormEps))                     // (N, d)
        }
        return ws.finalHidden
    }

    /// Throws when a sequence is longer than the context or an id is outside the vocabulary.
    func validate(_ batch: Batch) throws {
        let longest = batch.maxSpan
        guard longest <= config.maxPositions else {
            throw ModelError.sequenceTooLong(length: longest, maxPositions: config.maxPositions)
        }
        for (i, id) in batch.ids.enumerated() where id < 0 || Int(id) >= config.vocabularySize {
            throw ModelError.tokenOutOfRange(position: i, id: id, vocabularySize: config.vocabularySize)
        }
    }

    /// hidden[0] (N, d) ← the token embedding rows of the batch's ids (no position embeddings: RoPE inside attention).
    private func embed(_ batch: Batch, into out: UnsafeMutablePointer<Float>) {
        let d = config.hiddenSize
        tokenEmbeddings.storage.withUnsafeBufferPointer { e in
            for (row, id) in batch.ids.enumerated() { (out + row * d).update(from: e.baseAddress! + Int(id) * d, count: d) }
        }
    }

    /// Layer l: hidden[l + 1] ← h + down(SiLU(gate(b)) ⊙ up(b)), b = RMSNorm₂(h), h = x + o(Attention(a)), a = RMSNorm₁(x).
    private func forwardLayer(_ l: Int, rows n: Int, workspace ws: LlamaWorkspace) {
        let layer = layers[l], act = ws.activations(l)
        let (d, dkv, f) = (config.hiddenSize, config.kvWidth, config.intermediateSize)
        let eps = Float(config.rmsNormEps)
        let x = ws.hiddenBuffer(l)
        layer.attentionNorm.withUnsafeBufferPointer { w in
            RMSNorm.forward(out: act.a.p, rstd: act.rstd1.p, inp: x.p, weight: w.baseAddress!, rows: n, cols: d, eps: eps) // (N, d)
        }
        let a = act.a.view(n, d).readOnly
        layer.query.forward(a, into: act.q.view(n, d))                                      // (N, d)
        layer.key.forward(a, into: act.k.view(n, dkv))                                       // (N, d_kv)
        layer.value.forward(a, into: act.v.view(n, dkv))                                     // (N, d_kv)
        ws.positions.withUnsafeBufferPointer { pos in
            ws.rope.forward(act.q.p, rows: n, heads: config.heads, positionOf: pos.baseAddress!)   // (N, d) in place
            ws.rope.forward(act.k.p, rows: n, heads: config.kvHeads, positionOf: pos.baseAddress!) // (N, d_kv) in place
        }
        CausalAttention.forward(ctx: act.ctx.p, probs: act.probs.p, q: act.q.p, k: act.k.p, v: act.v.p, shape: ws.shape) // (N, d)
        layer.attentionOutput.forward(act.ctx.view(n, d).readOnly, into: act.h.view(n, d))  // (N, d)
        Residual.add(act.h.p, x.p, count: n * d)                                              // h = x + o(ctx)
        layer.ffnNorm.withUnsafeBufferPointer { w in
            RMSNorm.forward(out: act.b.p, rstd: act.rstd2.p, inp: act.h.p, weight: w.baseAddress!, rows: n, cols: d, eps: eps) // (N, d)
        }
        let b = act.b.view(n, d).readOnly
        layer.gate.forward(b, into: act.gate.view(n, f))                                      // (N, F)
        layer.up.forward(b, into: act.up.view(n, f))                                          // (N, F)
        SwiGLU.forward(out: act.m.p, gate: act.gate.p, up: act.up.p, count: n * f)           // (N, F)
        let y = ws.hiddenBuffer(l + 1)
        layer.down.forward(act.m.view(n, f).readOnly, into: y.view(n, d))                     // (N, d)
        Residual.add(y.p, act.h.p, count: n * d)                                              // y = h + down(m)
    }

    /// logits (M, V) ← hidden (M, d)·Wᵀ through the output matrix (the token embeddings when tied).
    public func logits(_ hidden: MatrixView<Float>, into out: MutableMatrixView<Float>) {
        precondition(hidden.cols == config.hiddenSize && out.rows == hidden.rows && out.cols == config.vocabularySize,
                     "logits shape mismatch")
        outputWeight.withView { w in parallelGemm(hidden, w, transposeB: true, into: out) }
    }

    /// The logits (rows.count, V) of the given rows of the last forward pass held in `workspace`.
    public func logits(rows: [Int], workspace ws: LlamaWorkspace) -> Matrix<Float> {
        let d = config.hiddenSize
        let states = ws.finalHidden
        var gathered = Matrix<Float>(rows: rows.count, cols: d)
        for (i, r) in rows.enumerated() {
            precondition(r >= 0 && r < states.rows, "row \(r) outside the batch's \(states.rows) rows")
            for c in 0..<d { gathered[i, c] = states[r, c] }
        }
        var out = Matrix<Float>(rows: rows.count, cols: config.vocabularySize)
        gathered.withView { g in out.withMutableView { o in logits(g, into: o) } }
        return out
    }
}
