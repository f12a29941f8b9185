import LinearAlgebra

/// Activations one layer keeps for its backward pass. N rows (Σ spans, see `Batch`), d hidden, F feed-forward, H heads,
/// P = H·Σᵦ sᵦ² attention probabilities.
final class LayerActivations {
    let q, k, v: FloatBuffer          // (N, d) projections
    let probs: FloatBuffer            // (P) softmax output, one (sᵦ × sᵦ) block per (b, h)
    let ctx: FloatBuffer              // (N, d) attention context P·V, input of Wo
    let h1: FloatBuffer               // (N, d) x + attention output: LayerNorm-1 input
    let ln1Mean, ln1Rstd: FloatBuffer // (N)
    let a1: FloatBuffer               // (N, d) LayerNorm-1 output: feed-forward input and residual
    let g: FloatBuffer                // (N, F) GELU(u): input of W2 (u = a1·W1ᵀ + b1 lives in the shared `ffnPre`)
    let geluDerivative: FloatBuffer   // (N, F) GELU′(u), kept for the backward pass
    let h2: FloatBuffer               // (N, d) a1 + feed-forward output: LayerNorm-2 input
    let ln2Mean, ln2Rstd: FloatBuffer // (N)
    // Dropout state, allocated only when dropout is on.
    var attnOutMask: FloatBuffer?     // (N, d)
    var ffnOutMask: FloatBuffer?      // (N, d)
    var probsMask: FloatBuffer?       // (P)
    var probsDropped: FloatBuffer?    // (P) P̃ = P ⊙ mask

    init(tokens n: Int, probs p: Int, d: Int, f: Int, dropout: Bool) {
        q = FloatBuffer(capacity: n * d); k = FloatBuffer(capacity: n * d); v = FloatBuffer(capacity: n * d)
        probs = FloatBuffer(capacity: p)
        ctx = FloatBuffer(capacity: n * d); h1 = FloatBuffer(capacity: n * d)
        ln1Mean = FloatBuffer(capacity: n); ln1Rstd = FloatBuffer(capacity: n)
        a1 = FloatBuffer(capacity: n * d)
        g = FloatBuffer(capacity: n * f); geluDerivative = FloatBuffer(capacity: n * f)
        h2 = FloatBuffer(capacity: n * d)
        ln2Mean = FloatBuffer(capacity: n); ln2Rstd = FloatBuffer(capacity: n)
        if dropout {
            attnOutMask = FloatBuffer(capacity: n * d); ffnOutMask = FloatBuffer(capacity: n * d)
            probsMask = FloatBuffer(capacity: p); probsDropped = FloatBuffer(capacity: p)
        }
    }
}

/// All buffers of an encoder forward and backward pass, planned once per shape and reused (no allocation inside a
/// step). Planning for N rows and P attention probabilities only allocates when it needs more room than already planned,
/// so batches of varying size settle after the largest one.
///
/// An inference workspace (`forInference: true`) serves forward passes only: no gradient scratch, and one layer's
/// activations and two hidden-state buffers reused by every layer, so evaluation holds about 1/L of a training workspace.
public final class EncoderWorkspace {
    public let config: BertConfig
    /// True when this workspace holds no backward state (see the type's doc).
    public let forInference: Bool
    private(set) var plannedTokens = 0
    private(set) var plannedProbs = 0
    private(set) var plannedDropout = false

    var hidden: [FloatBuffer] = []      // L+1 of (N, d): hidden[0] embeddings output, hidden[l+1] layer l output (2, alternating, for inference)
    var embeddingSum = FloatBuffer(capacity: 1)            // (N, d) pre-LayerNorm embeddings
    var embeddingMean = FloatBuffer(capacity: 1), embeddingRstd = FloatBuffer(capacity: 1) // (N)
    var embeddingMask: FloatBuffer?                         // (N, d)
    var layers: [LayerActivations] = []                     // L of them (1 for inference)
    var mask = FloatBuffer(capacity: 1)                     // (N) key padding mask of the current batch
    var ffnPre = FloatBuffer(capacity: 1)                   // (N, F) feed-forward pre-activation u, forward scratch
    // Backward scratch shared by all layers (capacity 1 for inference).
    var dcur = FloatBuffer(capacity: 1), dh2 = FloatBuffer(capacity: 1), da1 = FloatBuffer(capacity: 1)
    var dh1 = FloatBuffer(capacity: 1), dtmp = FloatBuffer(capacity: 1), dctx = FloatBuffer(capacity: 1)
    var dq = FloatBuffer(capacity: 1), dk = FloatBuffer(capacity: 1), dv = FloatBuffer(capacity: 1)
    var dg = FloatBuffer(capacity: 1)                       // (N, F)
    var dprobs = FloatBuffer(capacity: 1)                   // (P)

    /// Layout of the batch currently held (sequence offsets and the attention shape).
    public private(set) var shape = Attention.Shape(offsets: [0], heads: 1, headSize: 1)
    /// Rows N of the batch currently held.
    public var rows: Int { shape.offsets[shape.offsets.count - 1] }

    public init(config: BertConfig, forInference: Bool = false) {
        self.config = config
        self.forInference = forInference
    }

    /// Activations of layer l (shared by all layers in an inference workspace).
    func activations(_ l: Int) -> LayerActivations { layers[forInference ? 0 : l] }
    /// Hidden-state buffer l: the embeddings' output for l = 0, layer l − 1's output otherwise.
    func hiddenBuffer(_ l: Int) -> FloatBuffer { hidden[forInference ? l % 2 : l] }

    /// The input of layer l, (N, d) in the batch's layout, from the last forward pass; valid until the next pass and
    /// only in a training workspace (an inference workspace overwrites earlier layers' inputs).
    public func layerInput(_ l: Int) -> MatrixView<Float> {
        precondition(!forInference && l >= 0 && l < config.layers, "layer inputs are kept by training workspaces only")
        return hidden[l].view(rows, config.hiddenSize).readOnly
    }

    /// Ensures room for a batch laid out by `offsets` (B + 1 row offsets); allocates only when growing.
    public func plan(offsets: [Int], dropout: Bool = false) {
        precondition(!(forInference && dropout), "an inference workspace has no dropout state")
        shape = Attention.Shape(offsets: offsets, heads: config.heads, headSize: config.headSize)
        let n = offsets[offsets.count - 1], p = shape.probCount
        guard n > plannedTokens || p > plannedProbs || (dropout && !plannedDropout) else { return }
        let n2 = max(n, plannedTokens), p2 = max(p, plannedProbs)
        let drop = dropout || plannedDropout
        let d = config.hiddenSize, f = config.intermediateSize
        hidden = (0..<(forInference ? 2 : config.layers + 1)).map { _ in FloatBuffer(capacity: n2 * d) }
        embeddingSum = FloatBuffer(capacity: n2 * d)
        embeddingMean = FloatBuffer(capacity: n2); embeddingRstd = FloatBuffer(capacity: n2)
        embeddingMask = drop ? FloatBuffer(capacity: n2 * d) : nil
        layers = (0..<(forInference ? 1 : config.layers)).map { _ in LayerActivations(tokens: n2, probs: p2, d: d, f: f, dropout: drop) }
        mask = FloatBuffer(capacity: n2)
        ffnPre = FloatBuffer(capacity: n2 * f)
        if !forInference {
            for keyPath in [\EncoderWorkspace.dcur, \.dh2, \.da1, \.dh1, \.dtmp, \.dctx, \.dq, \.dk, \.dv] {
                self[keyPath: keyPath] = FloatBuffer(capacity: n2 * d)
            }
            dg = FloatBuffer(capacity: n2 * f)
            dprobs = FloatBuffer(capacity: p2)
        }
        plannedTokens = n2
        plannedProbs = p2
        plannedDropout = drop
    }

    /// Fixed-shape convenience: B sequences of T rows each.
    public func plan(batch: Int, tokens t: Int, dropout: Bool = false) {
        plan(offsets: (0...batch).map { $0 * t }, dropout: dropout)
    }

    /// Bytes held by this workspace's buffers.
    public var allocatedBytes: Int {
        var n = hidden.reduce(0) { $0 + $1.capacity } + embeddingSum.capacity + 2 * embeddingMean.capacity + mask.capacity
        for l in layers {
            n += l.q.capacity * 3 + l.probs.capacity + l.ctx.capacity + l.h1.capacity + 2 * l.ln1Mean.capacity
            n += l.a1.capacity + l.g.capacity + l.geluDerivative.capacity + l.h2.capacity + 2 * l.ln2Mean.capacity
            n += (l.attnOutMask?.capacity ?? 0) * 2 + (l.probsMask?.capacity ?? 0) * 2
        }
        n += 9 * dcur.capacity + dg.capacity + ffnPre.capacity + dprobs.capacity + (embeddingMask?.capacity ?? 0)
        return n * MemoryLayout<Float>.size
    }
}
