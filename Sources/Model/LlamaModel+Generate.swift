import LinearAlgebra

/// The keys (after RoPE) and values of every layer for the positions a generation has fed so far, and the scratch of
/// one incremental pass, so that each new token costs one row through the decoder instead of the whole sequence again.
///
/// Without a cache, greedy decoding of G tokens after a P-token prompt re-runs Σ (P + g) rows; with it, P + G rows
/// (for SmolLM2 at P = 8, G = 64: 2,900 against 72 token passes). The cache costs 2·L·capacity·H_kv·dₕ floats
/// (SmolLM2, 512 positions: 47 MB). Buffers for new rows grow to the longest piece fed (the prompt) and are then reused.
public final class LlamaKVCache {
    public let config: LlamaConfig
    /// Positions the cache can hold (at most the model's context).
    public let capacity: Int
    /// Positions filled so far: the next fed token sits at this position.
    public private(set) var count = 0

    let keys: [FloatBuffer]          // L × (capacity, d_kv) keys after RoPE
    let values: [FloatBuffer]        // L × (capacity, d_kv)
    var rope: RotaryEmbedding
    private(set) var plannedRows = 0
    var x = FloatBuffer(capacity: 1)     // (n, d) residual stream of the new rows
    var a = FloatBuffer(capacity: 1)     // (n, d) RMSNorm₁(x), then RMSNorm₂(h)
    var rstd = FloatBuffer(capacity: 1)  // (n)
    var q = FloatBuffer(capacity: 1)     // (n, d) queries after RoPE
    var ctx = FloatBuffer(capacity: 1)   // (n, d) attention context
    var h = FloatBuffer(capacity: 1)     // (n, d) x + o(ctx)
    var gate = FloatBuffer(capacity: 1)  // (n, F)
    var up = FloatBuffer(capacity: 1)    // (n, F)
    var m = FloatBuffer(capacity: 1)     // (n, F) SiLU(gate) ⊙ up
    var scores = FloatBuffer(capacity: 1) // (H·n·T) attention probabilities of the new rows
    let last: FloatBuffer            // (1, d) final RMSNorm of the last new row
    let lastRstd: FloatBuffer        // (1)
    let logits: FloatBuffer          // (1, V)

    /// A cache for up to `capacity` positions (clamped to the model's context).
    public init(config: LlamaConfig, capacity: Int) {
        precondition(capacity > 0, "a key/value cache needs room for at least one position")
        self.config = config
        let positions = min(capacity, config.maxPositions)
        self.capacity = positions
        keys = (0..<config.layers).map { _ in FloatBuffer(capacity: positions * config.kvWidth) }
        values = (0..<config.layers).map { _ in FloatBuffer(capacity: positions * config.kvWidth) }
        rope = RotaryEmbedding(headSize: config.headSize, base: config.ropeBase, positions: positions)
        last = FloatBuffer(capacity: config.hiddenSize)
        lastRstd = FloatBuffer(capacity: 1)
        logits = FloatBuffer(capacity: config.vocabularySize)
    }

    /// Forgets every position (the buffers are kept).
    public func reset() { count = 0 }

    /// Makes the row buffers hold n new rows over T = count + n positions (allocates only when growing).
    func plan(rows n: Int) {
        let (d, f) = (config.hiddenSize, config.intermediateSize)
        let scoreCount = CausalAttention.cachedScoreCount(heads: config.heads, rows: n, past: count)
        if scores.capacity < scoreCount { scores = FloatBuffer(capacity: scoreCount) }
        guard n > plannedRows else { return }
        for keyPath in [\LlamaKVCache.x, \.a, \.q, \.ctx, \.h] { self[keyPath: keyPath] = FloatBuffer(capacity: n * d) }
        for keyPath in [\LlamaKVCache.gate, \.up, \.m] { self[keyPath: keyPath] = FloatBuffer(capacity: n * f) }
        rstd = FloatBuffer(capacity: n)
        plannedRows = n
    }

    /// Records that n more positions are filled.
    func advance(by n: Int) { count += n }
}

/// Greedy decoding on the inference path, with a key/value cache (`LlamaKVCache`).
extension LlamaModel {
    /// Feeds `ids` at the cache's next positions and returns the logits (V) that follow the last of them.
    ///
    /// Every layer runs what `forward` runs, on the new rows only; their attention reads the cached keys and values of the
    /// earlier positions (`CausalAttention.forwardCached`). Adapters apply as in `forward` (call `setTraining(false)`
    /// first so adapter dropout is off); a pass overwrites the adapters' forward scratch, so do not run one between a
    /// training forward and its backward.
    public func extend(_ ids: [Int32], cache: LlamaKVCache) throws -> [Float] {
        precondition(cache.config == config, "the cache was made for another configuration")
        precondition(!ids.isEmpty, "extend needs at least one token")
        let past = cache.count, n = ids.count
        guard past + n <= cache.capacity else {
            throw ModelError.sequenceTooLong(length: past + n, maxPositions: cache.capacity)
        }
        for (i, id) in ids.enumerated() where id < 0 || Int(id) >= config.vocabularySize {
            throw ModelError.tokenOutOfRange(position: past + i, id: id, vocabularySize: config.vocabularySize)
        }
        let (d, dkv, f, v) = (config.hiddenSize, config.kvWidth, config.intermediateSize, config.vocabularySize)
        let eps = Float(config.rmsNormEps)
        cache.plan(rows: n)
        let positions = (0..<n).map { Int32(past + $0) }
        tokenEmbeddings.storage.withUnsafeBufferPointer { e in
            for (row, id) in ids.enumerated() { (cache.x.p + row * d).update(from: e.baseAddress! + Int(id) * d, count: d) } // (n, d)
        }
        for (l, layer) in layers.enumerated() {
            let (kCache, vCache) = (cache.keys[l].p, cache.values[l].p)
            layer.attentionNorm.withUnsafeBufferPointer { w in
                RMSNorm.forward(out: cache.a.p, rstd: cache.rstd.p, inp: cache.x.p, weight: w.baseAddress!, rows: n, cols: d, eps: eps) // (n, d)
            }
            let a = cache.a.view(n, d).readOnly
            layer.query.forward(a, into: cache.q.view(n, d))                                                // (n, d)
            layer.key.forward(a, into: MutableMatrixView(kCache + past * dkv, rows: n, cols: dkv))         // (n, d_kv) into the cache
            layer.value.forward(a, into: MutableMatrixView(vCache + past * dkv, rows: n, cols: dkv))       // (n, d_kv) into the cache
            positions.withUnsafeBufferPointer { pos in
                cache.rope.forward(cache.q.p, rows: n, heads: config.heads, positionOf: pos.baseAddress!)     // (n, d) in place
                cache.rope.forward(kCache + past * dkv, rows: n, heads: config.kvHeads, positionOf: pos.baseAddress!) // (n, d_kv) in place
            }
            CausalAttention.forwardCached(ctx: cache.ctx.p, scores: cache.scores.p, q: cache.q.p, rows: n, keys: kCache,
                                          values: vCache, past: past, heads: config.heads, kvHeads: config.kvHeads,
                                          headSize: config.headSize)                                     // (n, d)
            layer.attentionOutput.forward(cache.ctx.view(n, d).readOnly, into: cache.h.view(n, d))          // (n, d)
            Residual.add(cache.h.p, cache.x.p, count: n * d)                                                 // h = x + o(ctx)
            layer.ffnNorm.withUnsafeBufferPointer { w in
                RMSNorm.forward(out: cache.a.p, rstd: cache.rstd.p, inp: cache.h.p, weight: w.baseAddress!, rows: n, cols: d, eps: eps) // (n, d)
            }
            let b = cache.a.view(n, d).readOnly
            layer.gate.forward(b, into: cache.gate.view(n, f))                                               // (n, F)
            layer.up.forward(b, into: cache.up.view(n, f))                                                   // (n, F)
            SwiGLU.forward(out: cache.m.p, gate: cache.gate.p, up: cache.up.p, count: n * f)                // (n, F)
            layer.down.forward(cache.m.view(n, f).readOnly, into: cache.x.view(n, d))                        // (n, d), x is free again
            Residual.add(cache.x.p, cache.h.p, count: n * d)                                                 // x ← h + down(m)
        }
        finalNorm.withUnsafeBufferPointer { w in
            RMSNorm.forward(out: cache.last.p, rstd: cache.lastRstd.p, inp: cache.x.p + (n - 1) * d, weight: w.baseAddress!,
                            rows: 1, cols: d, eps: eps)                                                      // (1, d)
        }
        logits(cache.last.view(1, d).readOnly, into: cache.logits.view(1, v))                                // (1, V)
        cache.advance(by: n)
        return cache.logits.array(v)
    }

    /// The index of the largest logit, the first one on ties (as `torch.argmax`); NaNs are never chosen unless every
    /// entry is NaN (then 0).
    public static func greedyToken(_ logits: [Float]) -> Int32 {
        var best = 0
        var bestValue = -Float.infinity
        for (i, z) in logits.enumerated() where z > bestValue { best = i; bestValue = z }
        return Int32(best)
    }

    /// Greedy continuation of `prompt`: up to `maxNewTokens` tokens, each the arg max of the next-token logits, stopping
    /// after `endOfText` when it is produced (included in the result, as transformers' `generate(do_sample=False)`
    /// returns it). Runs the prompt in one pass, then one row per token, through `cache` (reset first) when it has room
    /// for prompt + maxNewTokens − 1 positions, else through a fresh `LlamaKVCache`. Throws when the prompt and the
    /// continuation would not fit the model's context.
    public func generateGreedy(prompt: [Int32], maxNewTokens: Int, endOfText: Int32?, cache: LlamaKVCache? = nil) throws -> [Int32] {
        precondition(!prompt.isEmpty, "greedy generation needs a non-empty prompt")
        precondition(maxNewTokens >= 0, "maxNewTokens must be ≥ 0")
        guard maxNewTokens > 0 else { return [] }
        // The last generated token is never fed back, so the cache needs prompt + maxNewTokens − 1 positions.
        let needed = prompt.count + maxNewTokens - 1
        guard needed <= config.maxPositions else { throw ModelError.sequenceTooLong(length: needed, maxPositions: config.maxPositions) }
        let kv: LlamaKVCache
        if let cache, cache.capacity >= needed { kv = cache } else { kv = LlamaKVCache(config: config, capacity: needed) }
        kv.reset()
        var out: [Int32] = []
        var next = Self.greedyToken(try extend(prompt, cache: kv))
        while true {
            out.append(next)
            if next == endOfText || out.count == maxNewTokens { break }
            next = Self.greedyToken(try extend([next], cache: kv))
        }
        return out
    }
}
