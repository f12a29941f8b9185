import LinearAlgebra

extension BertModel {
    /// Runs the encoder on `batch` and returns the final hidden states (N, d) in the batch's layout, a view into
    /// `workspace` valid until the next call and only while `workspace` is alive (keep it with `withExtendedLifetime`
    /// when it is a local). A training workspace stores every activation the backward pass needs.
    ///
    /// Every per-token op runs on the batch's N rows; a packed batch (`Batch(packing:)`) has no padding rows, so the step
    /// costs what its real tokens cost. Attention runs per sequence over its own span.
    @discardableResult
    public func forward(_ batch: Batch, workspace ws: EncoderWorkspace) throws -> MatrixView<Float> {
        let n = batch.rows, d = config.hiddenSize
        try validate(batch)
        let dropout = dropoutEnabled && !ws.forInference && (config.hiddenDropout > 0 || config.attentionDropout > 0)
        ws.plan(offsets: batch.offsets, dropout: dropout)
        batch.mask.withUnsafeBufferPointer { ws.mask.p.update(from: $0.baseAddress!, count: n) }
        embed(batch, workspace: ws, dropout: dropout)
        for l in layers.indices { forwardLayer(l, rows: n, workspace: ws, dropout: dropout) }
        return ws.hiddenBuffer(layers.count).view(n, d).readOnly
    }

    /// Throws when a sequence is longer than the position table or an id is outside its vocabulary.
    private func validate(_ batch: Batch) throws {
        let longest = batch.maxSpan
        guard longest <= config.maxPositions else {
            throw ModelError.sequenceTooLong(length: longest, maxPositions: config.maxPositions)
        }
        for (i, id) in batch.ids.enumerated() where id < 0 || Int(id) >= config.vocabularySize {
            throw ModelError.tokenOutOfRange(position: i, id: id, vocabularySize: config.vocabularySize)
        }
        for (i, tt) in batch.typeIds.enumerated() where tt < 0 || Int(tt) >= config.typeVocabularySize {
            throw ModelError.tokenOutOfRange(position: i, id: tt, vocabularySize: config.typeVocabularySize)
        }
    }

    /// hidden[0] (N, d) ← LayerNorm(word[id] + position[row − offset of its sequence] + type[tt]) (then dropout).
    private func embed(_ batch: Batch, workspace ws: EncoderWorkspace, dropout: Bool) {
        let n = batch.rows, d = config.hiddenSize
        let e = ws.embeddingSum.p                                                          // (N, d)
        wordEmbeddings.storage.withUnsafeBufferPointer { word in
            positionEmbeddings.storage.withUnsafeBufferPointer { pos in
                tokenTypeEmbeddings.storage.withUnsafeBufferPointer { typ in
                    for b in 0..<batch.batchSize {
                        let span = batch.span(b)
                        for row in span {
                            let out = e + row * d
                            let w = word.baseAddress! + Int(batch.ids[row]) * d
                            let p = pos.baseAddress! + (row - span.lowerBound) * d
                            let y = typ.baseAddress! + Int(batch.typeIds[row]) * d
                            for c in 0..<d { out[c] = w[c] + p[c] + y[c] }
                        }
                    }
                }
            }
        }
        embeddingNorm.gamma.withUnsafeBufferPointer { g in
            embeddingNorm.beta.withUnsafeBufferPointer { bt in
                LayerNorm.forward(out: ws.hiddenBuffer(0).p, mean: ws.embeddingMean.p, rstd: ws.embeddingRstd.p, inp: e,
                                  gamma: g.baseAddress!, beta: bt.baseAddress!, rows: n, cols: d, eps: Float(config.layerNormEps))
            }
        }
        if dropout && config.hiddenDropout > 0, let m = ws.embeddingMask {
            Dropout.forward(ws.hiddenBuffer(0).p, mask: m.p, count: n * d, p: config.hiddenDropout, rng: &dropoutRNG)
        }
    }

    /// Layer l: hidden[l + 1] ← LN₂(a₁ + FFN(a₁)) with a₁ = LN₁(x + Attention(x)), x = hidden[l].
    private func forwardLayer(_ l: Int, rows n: Int, workspace ws: EncoderWorkspace, dropout: Bool) {
        let layer = layers[l], act = ws.activations(l)
        let d = config.hiddenSize, f = config.intermediateSize, eps = Float(config.layerNormEps)
        let x = ws.hiddenBuffer(l).view(n, d).readOnly
        layer.query.forward(x, into: act.q.view(n, d))                                     // (N, d)
        layer.key.forward(x, into: act.k.view(n, d))                                       // (N, d)
        layer.value.forward(x, into: act.v.view(n, d))                                     // (N, d)
        if dropout && config.attentionDropout > 0, let pm = act.probsMask, let pd = act.probsDropped {
            withUnsafeMutablePointer(to: &dropoutRNG) { rng in
                Attention.forward(ctx: act.ctx.p, probs: act.probs.p, q: act.q.p, k: act.k.p, v: act.v.p, mask: ws.mask.p,
                                  shape: ws.shape, dropout: (config.attentionDropout, pm.p, pd.p, rng))
            }
        } else {
            Attention.forward(ctx: act.ctx.p, probs: act.probs.p, q: act.q.p, k: act.k.p, v: act.v.p, mask: ws.mask.p, shape: ws.shape)
        }
        layer.attentionOutput.forward(act.ctx.view(n, d).readOnly, into: act.h1.view(n, d)) // (N, d)
        layer.attentionBottleneck?.forward(act.h1.view(n, d))                              // Houlsby adapter (benchmarks)
        if dropout && config.hiddenDropout > 0, let m = act.attnOutMask {
            Dropout.forward(act.h1.p, mask: m.p, count: n * d, p: config.hiddenDropout, rng: &dropoutRNG)
        }
        Residual.add(act.h1.p, x.base, count: n * d)                                        // residual
        layer.attentionNorm.gamma.withUnsafeBufferPointer { g in
            layer.attentionNorm.beta.withUnsafeBufferPointer { bt in
                LayerNorm.forward(out: act.a1.p, mean: act.ln1Mean.p, rstd: act.ln1Rstd.p, inp: act.h1.p,
                                  gamma: g.baseAddress!, beta: bt.baseAddress!, rows: n, cols: d, eps: eps)
            }
        }
        layer.ffnUp.forward(act.a1.view(n, d).readOnly, into: ws.ffnPre.view(n, f))        // (N, F) u
        GELU.forward(out: act.g.p, derivative: act.geluDerivative.p, inp: ws.ffnPre.p, count: n * f) // (N, F)
        layer.ffnDown.forward(act.g.view(n, f).readOnly, into: act.h2.view(n, d))          // (N, d)
        layer.ffnBottleneck?.forward(act.h2.view(n, d))                                    // Houlsby adapter (benchmarks)
        if dropout && config.hiddenDropout > 0, let m = act.ffnOutMask {
            Dropout.forward(act.h2.p, mask: m.p, count: n * d, p: config.hiddenDropout, rng: &dropoutRNG)
        }
        Residual.add(act.h2.p, act.a1.p, count: n * d)                                      // residual
        layer.outputNorm.gamma.withUnsafeBufferPointer { g in
            layer.outputNorm.beta.withUnsafeBufferPointer { bt in
                LayerNorm.forward(out: ws.hiddenBuffer(l + 1).p, mean: act.ln2Mean.p, rstd: act.ln2Rstd.p, inp: act.h2.p,
                                  gamma: g.baseAddress!, beta: bt.baseAddress!, rows: n, cols: d, eps: eps)
            }
        }
    }
}
