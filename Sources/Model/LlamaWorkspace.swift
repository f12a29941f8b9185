import LinearAlgebra

/// Activations one decoder layer keeps for its backward pass. N rows (Σ spans, see `Batch`), d hidden, d_kv = H_kv·dₕ,
/// F the MLP size, P = H·Σᵦ sᵦ² attention probabilities.
final class LlamaLayerActivations {
    let a: FloatBuffer                // (N, d) RMSNorm₁(x): input of q, k, v
    let rstd1: FloatBuffer            // (N)
    let q: FloatBuffer                // (N, d) query after RoPE
    let k: FloatBuffer                // (N, d_kv) key after RoPE
    let v: FloatBuffer                // (N, d_kv) value
    let probs: FloatBuffer            // (P) causal softmax, one (sᵦ × sᵦ) block per (b, h)
    let ctx: FloatBuffer              // (N, d) attention context P·V, input of o
    let h: FloatBuffer                // (N, d) x + o(ctx): the residual stream between the two blocks, RMSNorm₂ input
    let b: FloatBuffer                // (N, d) RMSNorm₂(h): input of gate and up
    let rstd2: FloatBuffer            // (N)
    let gate: FloatBuffer             // (N, F) b·W_gateᵀ
    let up: FloatBuffer               // (N, F) b·W_upᵀ
    let m: FloatBuffer                // (N, F) SiLU(gate) ⊙ up: input of down

    init(tokens n: Int, probs p: Int, d: Int, dkv: Int, f: Int) {
        a = FloatBuffer(capacity: n * d); rstd1 = FloatBuffer(capacity: n)
        q = FloatBuffer(capacity: n * d); k = FloatBuffer(capacity: n * dkv); v = FloatBuffer(capacity: n * dkv)
        probs = FloatBuffer(capacity: p)
        ctx = FloatBuffer(capacity: n * d); h = FloatBuffer(capacity: n * d)
        b = FloatBuffer(capacity: n * d); rstd2 = FloatBuffer(capacity: n)
        gate = FloatBuffer(capacity: n * f); up = FloatBuffer(capacity: n * f); m = FloatBuffer(capacity: n * f)
    }

    var floatCount: Int {
        [a, rstd1, q, k, v, probs, ctx, h, b, rstd2, gate, up, m].reduce(0) { $0 + $1.capacity }
    }
}

/// All buffers of a decoder forward and backward pass, planned once per shape and reused (no allocation inside a step);
/// planning only allocates when a batch needs more room than already planned.
///
/// An inference workspace (`forInference: true`) serves forward passes only: one layer's activations and two
/// hidden-state buffers reused by every layer, and no gradient scratch.
public final class LlamaWorkspace {
    public let config: LlamaConfig
    public let forInference: Bool
    private(set) var plannedTokens = 0
    private(set) var plannedProbs = 0

    var hidden: [FloatBuffer] = []           // L+1 of (N, d): hidden[0] embeddings, hidden[l+1] layer l's output (2 alternating for inference)
    var finalStates = FloatBuffer(capacity: 1) // (N, d) final RMSNorm output: input of the output projection
    var finalRstd = FloatBuffer(capacity: 1) // (N)
    var layers: [LlamaLayerActivations] = [] // L of them (1 for inference)
    /// (N) position of each row within its sequence (RoPE angles).
    var positions: [Int32] = []
    /// cos/sin tables covering the longest sequence planned so far.
    var rope: RotaryEmbedding
    // Backward scratch shared by all layers.
    var dres = FloatBuffer(capacity: 1)      // (N, d) gradient of the residual stream
    var dnorm = FloatBuffer(capacity: 1)     // (N, d) gradient of an RMSNorm output
    var dctx = FloatBuffer(capacity: 1)      // (N, d)
    var dq = FloatBuffer(capacity: 1)        // (N, d)
    var dk = FloatBuffer(capacity: 1), dv = FloatBuffer(capacity: 1) // (N, d_kv)
    var dm = FloatBuffer(capacity: 1)        // (N, F)
    var dgate = FloatBuffer(capacity: 1), dup = FloatBuffer(capacity: 1) // (N, F)
    var dprobs = FloatBuffer(capacity: 1)    // (P)
    // Causal-LM loss scratch (chunks of `LlamaModel.lossChunkRows` rows).
    var lossRows = FloatBuffer(capacity: 1)   // (C, d) gathered final states of predicting rows
    var lossLogits = FloatBuffer(capacity: 1) // (C, V) their logits, then dL/dlogits in place
    var lossGrad = FloatBuffer(capacity: 1)   // (C, d) dL/d(gathered rows)
    var dfinal = FloatBuffer(capacity: 1)     // (N, d) dL/d(final)

    /// Layout of the batch currently held.
    public private(set) var shape = CausalAttention.Shape(offsets: [0], heads: 1, kvHeads: 1, headSize: 2)
    /// Rows N of the batch currently held.
    public var rows: Int { shape.offsets[shape.offsets.count - 1] }

    public init(config: LlamaConfig, forInference: Bool = false) {
        self.config = config
        self.forInference = forInference
        rope = RotaryEmbedding(headSize: config.headSize, base: config.ropeBase)
    }

    /// Activations of layer l (shared by all layers in an inference workspace).
    func activations(_ l: Int) -> LlamaLayerActivations { layers[forInference ? 0 : l] }
    /// Hidden-state buffer l: the embeddings for l = 0, layer l − 1's output otherwise.
    func hiddenBuffer(_ l: Int) -> FloatBuffer { hidden[forInference ? l % 2 : l] }

    /// Ensures room for a batch laid out by `offsets` (B + 1 row offsets); allocates only when growing.
    public func plan(offsets: [Int]) {
        let c = config
        shape = CausalAttention.Shape(offsets: offsets, heads: c.heads, kvHeads: c.kvHeads, headSize: c.headSize)
        let n = offsets[offsets.count - 1], p = shape.probCount
        positions.removeAll(keepingCapacity: true)
        var longest = 0
        for bIndex in 0..<(offsets.count - 1) {
            longest = max(longest, offsets[bIndex + 1] - offsets[bIndex])
            for r in offsets[bIndex]..<offsets[bIndex + 1] { positions.append(Int32(r - offsets[bIndex])) }
        }
        rope.reserve(positions: longest)
        guard n > plannedTokens || p > plannedProbs else { return }
        let n2 = max(n, plannedTokens), p2 = max(p, plannedProbs)
        let (d, dkv, f) = (c.hiddenSize, c.kvWidth, c.intermediateSize)
        hidden = (0..<(forInference ? 2 : c.layers + 1)).map { _ in FloatBuffer(capacity: n2 * d) }
        finalStates = FloatBuffer(capacity: n2 * d)
        finalRstd = FloatBuffer(capacity: n2)
        layers = (0..<(forInference ? 1 : c.layers)).map { _ in LlamaLayerActivations(tokens: n2, probs: p2, d: d, dkv: dkv, f: f) }
        if !forInference {
            for keyPath in [\LlamaWorkspace.dres, \.dnorm, \.dctx, \.dq, \.dfinal] { self[keyPath: keyPath] = FloatBuffer(capacity: n2 * d) }
            dk = FloatBuffer(capacity: n2 * dkv); dv = FloatBuffer(capacity: n2 * dkv)
            for keyPath in [\LlamaWorkspace.dm, \.dgate, \.dup] { self[keyPath: keyPath] = FloatBuffer(capacity: n2 * f) }
            dprobs = FloatBuffer(capacity: p2)
        }
        plannedTokens = n2
        plannedProbs = p2
    }

    /// Makes the loss scratch hold `rows` rows of logits (allocates only when growing).
    func planLoss(rows: Int) {
        let (d, v) = (config.hiddenSize, config.vocabularySize)
        if lossLogits.capacity < rows * v {
            lossRows = FloatBuffer(capacity: rows * d)
            lossLogits = FloatBuffer(capacity: rows * v)
            lossGrad = FloatBuffer(capacity: rows * d)
        }
    }

    /// The final hidden states (after the last RMSNorm) of the last forward pass, (N, d); valid until the next pass.
    public var finalHidden: MatrixView<Float> { finalStates.view(rows, config.hiddenSize).readOnly }

    /// Bytes held by this workspace's buffers.
    public var allocatedBytes: Int {
        var n = hidden.reduce(0) { $0 + $1.capacity } + finalStates.capacity + finalRstd.capacity
        n += layers.reduce(0) { $0 + $1.floatCount }
        n += [dres, dnorm, dctx, dq, dk, dv, dm, dgate, dup, dprobs, lossRows, lossLogits, lossGrad, dfinal].reduce(0) { $0 + $1.capacity }
        return n * MemoryLayout<Float>.size
    }
}
