import LinearAlgebra

extension BertModel {
    /// Runs the encoder on `batch` and returns the final hidden states (B·T, d), a view into `workspace` valid until
    /// the next call and only while `workspace` is alive (keep it with `withExtendedLifetime` when it is a local).
    /// Stores every activation the backward pass needs.
    @discardableResult
    public func forward(_ batch: Batch, workspace ws: EncoderWorkspace) throws -> MatrixView<Float> {
        let (bsz, t) = (batch.batchSize, batch.tokens)
        let n = bsz * t
        let d = config.hiddenSize, f = config.intermediateSize
        guard t <= config.maxPositions else { throw ModelError.sequenceTooLong(length: t, maxPositions: config.maxPositions) }
        for (i, id) in batch.ids.enumerated() where id < 0 || Int(id) >= config.vocabularySize {
            throw ModelError.tokenOutOfRange(position: i, id: id, vocabularySize: config.vocabularySize)
        }
        for (i, tt) in batch.typeIds.enumerated() where tt < 0 || Int(tt) >= config.typeVocabularySize {
            throw ModelError.tokenOutOfRange(position: i, id: tt, vocabularySize: config.typeVocabularySize)
        }
        let dropout = dropoutEnabled && (config.hiddenDropout > 0 || config.attentionDropout > 0)
        ws.plan(batch: bsz, tokens: t, dropout: dropout)
        batch.mask.withUnsafeBufferPointer { ws.mask.p.update(from: $0.baseAddress!, count: n) }
        let eps = Float(config.layerNormEps)

        // Embeddings: e = word[id] + position[t] + type[tt], then LayerNorm (and dropout).
        let e = ws.embeddingSum.p
        wordEmbeddings.storage.withUnsafeBufferPointer { word in
            positionEmbeddings.storage.withUnsafeBufferPointer { pos in
                tokenTypeEmbeddings.storage.withUnsafeBufferPointer { typ in
                    for b in 0..<bsz {
                        for i in 0..<t {
                            let row = e + (b * t + i) * d
                            let w = word.baseAddress! + Int(batch.ids[b * t + i]) * d
                            let p = pos.baseAddress! + i * d
                            let y = typ.baseAddress! + Int(batch.typeIds[b * t + i]) * d
                            for c in 0..<d { row[c] = w[c] + p[c] + y[c] }
                        }
                    }
                }
            }
        }
        embeddingNorm.gamma.withUnsafeBufferPointer { g in
            embeddingNorm.beta.withUnsafeBufferPointer { bt in
                LayerNorm.forward(out: ws.hidden[0].p, mean: ws.embeddingMean.p, rstd: ws.embeddingRstd.p, inp: e,
                                  gamma: g.baseAddress!, beta: bt.baseAddress!, rows: n, cols: d, eps: eps)
            }
        }
        if dropout && config.hiddenDropout > 0, let m = ws.embeddingMask {
            Dropout.forward(ws.hidden[0].p, mask: m.p, count: n * d, p: config.hiddenDropout, rng: &dropoutRNG)
        }

        let shape = Attention.Shape(batch: bsz, tokens: t, heads: config.heads, headSize: config.headSize)
        for (l, layer) in layers.enumerated() {
            let act = ws.layers[l]
            let x = ws.hidden[l].view(n, d).readOnly
            layer.query.forward(x, into: act.q.view(n, d))                                  // (N, d)
            layer.key.forward(x, into: act.k.view(n, d))                                    // (N, d)
            layer.value.forward(x, into: act.v.view(n, d))                                  // (N, d)
            if dropout && config.attentionDropout > 0, let pm = act.probsMask, let pd = act.probsDropped {
                withUnsafeMutablePointer(to: &dropoutRNG) { rng in
                    Attention.forward(ctx: act.ctx.p, probs: act.probs.p, q: act.q.p, k: act.k.p, v: act.v.p, mask: ws.mask.p,
                                      shape: shape, dropout: (config.attentionDropout, pm.p, pd.p, rng))
                }
            } else {
                Attention.forward(ctx: act.ctx.p, probs: act.probs.p, q: act.q.p, k: act.k.p, v: act.v.p, mask: ws.mask.p, shape: shape)
            }
            layer.attentionOutput.forward(act.ctx.view(n, d).readOnly, into: act.h1.view(n, d)) // (N, d)
            if dropout && config.hiddenDropout > 0, let m = act.attnOutMask {
                Dropout.forward(act.h1.p, mask: m.p, count: n * d, p: config.hiddenDropout, rng: &dropoutRNG)
            }
            Residual.add(act.h1.p, x.base, count: n * d)                                     // residual
            layer.attentionNorm.gamma.withUnsafeBufferPointer { g in
                layer.attentionNorm.beta.withUnsafeBufferPointer { bt in
                    LayerNorm.forward(out: act.a1.p, mean: act.ln1Mean.p, rstd: act.ln1Rstd.p, inp: act.h1.p,
                                      gamma: g.baseAddress!, beta: bt.baseAddress!, rows: n, cols: d, eps: eps)
                }
            }
            layer.ffnUp.forward(act.a1.view(n, d).readOnly, into: ws.ffnPre.view(n, f))     // (N, F) u
            GELU.forward(out: act.g.p, derivative: act.geluDerivative.p, inp: ws.ffnPre.p, count: n * f) // (N, F)
            layer.ffnDown.forward(act.g.view(n, f).readOnly, into: act.h2.view(n, d))       // (N, d)
            if dropout && config.hiddenDropout > 0, let m = act.ffnOutMask {
                Dropout.forward(act.h2.p, mask: m.p, count: n * d, p: config.hiddenDropout, rng: &dropoutRNG)
            }
            Residual.add(act.h2.p, act.a1.p, count: n * d)                                   // residual
            layer.outputNorm.gamma.withUnsafeBufferPointer { g in
                layer.outputNorm.beta.withUnsafeBufferPointer { bt in
                    LayerNorm.forward(out: ws.hidden[l + 1].p, mean: act.ln2Mean.p, rstd: act.ln2Rstd.p, inp: act.h2.p,
                                      gamma: g.baseAddress!, beta: bt.baseAddress!, rows: n, cols: d, eps: eps)
                }
            }
        }
        return ws.hidden[layers.count].view(n, d).readOnly
    }
}
