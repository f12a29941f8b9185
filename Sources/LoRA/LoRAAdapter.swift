import LinearAlgebra

/// One LoRA adapter on a frozen linear map W (out × in): h = W·x + scaling·B·A·x (paper Sec 4.1, Eq. 3).
///
/// A is (r × in), B is (out × r), B = 0 at initialisation so the adapted model starts exactly at the base model.
/// The forward pass computes the update as two skinny products, t = x·Aᵀ (N × r) then y += scaling·t·Bᵀ,
/// and never forms B·A (which would cost out·in·r flops per step and out·in memory).
/// `deltaWeight` (= scaling·B·A) is the one definition that merging and every Section 7 analysis use.
public final class LoRAAdapter {
    /// The matrix this adapter sits on: a BERT `LoRATarget`, a Llama `LlamaTarget`, … (see `AdapterSite`).
    public let site: any AdapterSite
    public let layer: Int
    public let parameters: LoRAParameters
    public let inFeatures: Int
    public let outFeatures: Int
    /// A, shape (r × in).
    public let a: Parameter
    /// B, shape (out × r).
    public let b: Parameter
    /// Dropout on the adapter input is applied only while `training` is true.
    public var training = false
    /// Generator for the adapter-input dropout masks (saved in training checkpoints).
    public var dropoutRNG: SeededGenerator

    // Scratch, planned per token count and reused across steps.
    private var t = FloatBuffer(capacity: 1)      // (N, r)   t = x̃·Aᵀ
    private var dt = FloatBuffer(capacity: 1)     // (N, r)   dL/dt
    private var xDropped = FloatBuffer(capacity: 1) // (N, in) x̃ = x ⊙ m, only when dropout > 0
    private var mask = FloatBuffer(capacity: 1)     // (N, in) m ∈ {0, 1/(1−p)}
    private var inputGradScratch = FloatBuffer(capacity: 1) // (N, in) dt·A before masking
    private var plannedTokens = 0

    public var rank: Int { parameters.rank }
    public var scaling: Float { Float(parameters.scaling) }

    /// A fresh adapter: B = 0 and A drawn per `parameters.initialization` from `SeededGenerator(seed: initSeed,
    /// stream: "lora/<layer>/<target>/r<rank>")`, so every matrix of every layer has its own reproducible stream.
    /// The rank is part of the stream on purpose: with one stream per matrix, A at r = 64 would start with a scaled copy
    /// of A at r = 8 in its first 8 rows, and the Fig 3 similarity between ranks would partly measure the shared
    /// initialisation instead of what training learned (Sec 7.2 compares independently initialised runs).
    public init(site target: some AdapterSite, layer: Int, inFeatures: Int, outFeatures: Int, parameters: LoRAParameters,
                initSeed: UInt64) {
        precondition(parameters.rank > 0 && parameters.rank <= min(inFeatures, outFeatures), "rank \(parameters.rank) out of range")
        self.site = target
        self.layer = layer
        self.parameters = parameters
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        var rng = SeededGenerator(seed: initSeed, stream: "lora/\(layer)/\(target.rawValue)/r\(parameters.rank)")
        let aValue: Matrix<Float>
        switch parameters.initialization {
        case .gaussian:
            aValue = .gaussian(rows: parameters.rank, cols: inFeatures, std: parameters.effectiveGaussianStd, using: &rng)
        case .kaimingUniform:
            // PyTorch kaiming_uniform_(a = √5) on a (r × in) tensor: fan_in = in, gain = √(2/(1+a²)) = √(1/3),
            // bound = gain·√(3/fan_in) = 1/√in.
            aValue = .uniform(rows: parameters.rank, cols: inFeatures, bound: 1 / Double(inFeatures).squareRoot(), using: &rng)
        }
        a = Parameter(name: target.peftPrefix(layer: layer) + ".lora_A.weight", value: aValue)
        b = Parameter(name: target.peftPrefix(layer: layer) + ".lora_B.weight", value: Matrix(rows: outFeatures, cols: parameters.rank))
        dropoutRNG = SeededGenerator(seed: initSeed, stream: "lora-dropout/\(layer)/\(target.rawValue)")
    }

    /// An adapter with given factors (loading a PEFT directory). Shapes must be (r × in) and (out × r).
    public init(site target: some AdapterSite, layer: Int, parameters: LoRAParameters, a aValue: Matrix<Float>, b bValue: Matrix<Float>) {
        precondition(aValue.rows == parameters.rank && bValue.cols == parameters.rank, "factor shapes do not match rank")
        self.site = target
        self.layer = layer
        self.parameters = parameters
        inFeatures = aValue.cols
        outFeatures = bValue.rows
        a = Parameter(name: target.peftPrefix(layer: layer) + ".lora_A.weight", value: aValue)
        b = Parameter(name: target.peftPrefix(layer: layer) + ".lora_B.weight", value: bValue)
        dropoutRNG = SeededGenerator(seed: 0, stream: "lora-dropout/\(layer)/\(target.rawValue)")
    }

    /// A fresh adapter on a BERT matrix (see `init(site:layer:inFeatures:outFeatures:parameters:initSeed:)`).
    public convenience init(target: LoRATarget, layer: Int, inFeatures: Int, outFeatures: Int, parameters: LoRAParameters,
                            initSeed: UInt64) {
        self.init(site: target, layer: layer, inFeatures: inFeatures, outFeatures: outFeatures, parameters: parameters,
                  initSeed: initSeed)
    }

    /// An adapter on a BERT matrix with given factors (see `init(site:layer:parameters:a:b:)`).
    public convenience init(target: LoRATarget, layer: Int, parameters: LoRAParameters, a aValue: Matrix<Float>, b bValue: Matrix<Float>) {
        self.init(site: target, layer: layer, parameters: parameters, a: aValue, b: bValue)
    }

    /// The BERT matrix this adapter sits on. Only BERT code reads it; asking an adapter on another family's matrix
    /// (a `LlamaTarget`) for it is a programming error and traps.
    public var target: LoRATarget {
        guard let t = site as? LoRATarget else {
            preconditionFailure("\(site.peftPrefix(layer: layer)) is not a BERT matrix")
        }
        return t
    }

    /// ΔW = scaling·B·A, shape (out × in), with scaling = α/r (rsLoRA: α/√r).
    public var deltaWeight: Matrix<Float> { scaling * Matrix.product(b.value, a.value) }

    /// Number of trainable values r·(in + out).
    public var parameterCount: Int { rank * (inFeatures + outFeatures) }

    /// Makes the scratch buffers large enough for `tokens` rows (allocates only when growing).
    public func plan(tokens: Int) {
        guard tokens > plannedTokens else { return }
        t = FloatBuffer(capacity: tokens * rank)
        dt = FloatBuffer(capacity: tokens * rank)
        if parameters.dropout > 0 {
            xDropped = FloatBuffer(capacity: tokens * inFeatures)
            mask = FloatBuffer(capacity: tokens * inFeatures)
            inputGradScratch = FloatBuffer(capacity: tokens * inFeatures)
        }
        plannedTokens = tokens
    }

    /// y += scaling·(x̃·Aᵀ)·Bᵀ for x (N × in), y (N × out); x̃ = x, or dropout(x) while training with dropout.
    public func forward(_ x: MatrixView<Float>, accumulateInto y: MutableMatrixView<Float>) {
        let n = x.rows
        precondition(x.cols == inFeatures && y.rows == n && y.cols == outFeatures, "LoRA forward shape mismatch")
        plan(tokens: n)
        let input = droppedInput(x)
        a.value.withView { av in
            parallelGemm(input, av, transposeB: true, into: t.view(n, rank))                         // (N, r)
        }
        b.value.withView { bv in
            parallelGemm(t.view(n, rank).readOnly, bv, transposeB: true, into: y, alpha: scaling, beta: 1) // (N, out)
        }
    }

    /// Backward of `forward` given the same x and dL/dy (N × out):
    /// dB += scaling·dyᵀ·t, dt = scaling·dy·B, dA += dtᵀ·x̃, and, when `dx` is given, dx += (dt·A) ⊙ mask.
    public func backward(_ x: MatrixView<Float>, dy: MatrixView<Float>, accumulateInputGradient dx: MutableMatrixView<Float>?) {
        let n = x.rows
        precondition(dy.rows == n && dy.cols == outFeatures, "LoRA backward shape mismatch")
        let tv = t.view(n, rank).readOnly
        let dtv = dt.view(n, rank)
        b.grad.withMutableView { gb in parallelGemm(dy, transposeA: true, tv, into: gb, alpha: scaling, beta: 1) }   // (out, r)
        b.value.withView { bv in parallelGemm(dy, bv, into: dtv, alpha: scaling) }                                  // (N, r)
        let input: MatrixView<Float> = parameters.dropout > 0 && training ? xDropped.view(n, inFeatures).readOnly : x
        a.grad.withMutableView { ga in gemm(dtv.readOnly, transposeA: true, input, into: ga, beta: 1) }       // (r, in)
        guard let dx else { return }
        if parameters.dropout > 0 && training {
            // dx += (dt·A) ⊙ m, where m ∈ {0, 1/(1−p)} is the stored dropout mask.
            let g = inputGradScratch.view(n, inFeatures)
            a.value.withView { av in parallelGemm(dtv.readOnly, av, into: g) }                                  // (N, in)
            let count = n * inFeatures
            for e in 0..<count { let (i, j) = e.quotientAndRemainder(dividingBy: inFeatures); dx[i, j] += g.base[e] * mask.p[e] }
        } else {
            a.value.withView { av in parallelGemm(dtv.readOnly, av, into: dx, beta: 1) }                         // (N, in)
        }
    }

    /// x̃: x itself, or x with each element zeroed with probability p and survivors scaled by 1/(1−p).
    private func droppedInput(_ x: MatrixView<Float>) -> MatrixView<Float> {
        guard parameters.dropout > 0 && training else { return x }
        let n = x.rows
        let p = parameters.dropout
        let keep = Float(1 / (1 - p))
        for i in 0..<n {
            for j in 0..<inFeatures {
                let m: Float = dropoutRNG.nextUniform() < p ? 0 : keep
                mask.p[i * inFeatures + j] = m
                xDropped.p[i * inFeatures + j] = x[i, j] * m
            }
        }
        return xDropped.view(n, inFeatures).readOnly
    }
}
