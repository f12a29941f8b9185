/// How A is initialised (B is always zero, so step 0 equals the base model; paper Sec 4.1).
public enum LoRAInitialization: String, Codable, Sendable, CaseIterable {
    /// A ~ N(0, σ²). PEFT's `init_lora_weights="gaussian"` uses σ = 1/r; `LoRAParameters.gaussianStd` overrides.
    case gaussian
    /// A ~ U(−b, b) with b = √(6 / ((1 + a²)·in)), a = √5: PyTorch's `kaiming_uniform_(a=√5)` as loralib and PEFT's
    /// default (`init_lora_weights=True`) use; for a = √5 this is b = 1/√in.
    case kaimingUniform = "kaiming-uniform"
}

/// The hyper-parameters of one set of LoRA adapters (mlx-swift-examples calls this `Parameters`).
///
/// ΔW = scaling·B·A with scaling = α/r, or α/√r when `rsLoRA` (rank-stabilised LoRA). A is (r × in),
/// B is (out × r), as in microsoft/LoRA and huggingface/peft.
public struct LoRAParameters: Codable, Equatable, Sendable {
    public var rank: Int
    public var alpha: Double
    public var rsLoRA: Bool
    public var initialization: LoRAInitialization
    /// σ for `.gaussian`; nil means PEFT's 1/r.
    public var gaussianStd: Double?
    /// Dropout probability on the adapter's input (0 = off).
    public var dropout: Double

    public init(rank: Int, alpha: Double, rsLoRA: Bool = false, initialization: LoRAInitialization = .gaussian,
                gaussianStd: Double? = nil, dropout: Double = 0) {
        self.rank = rank
        self.alpha = alpha
        self.rsLoRA = rsLoRA
        self.initialization = initialization
        self.gaussianStd = gaussianStd
        self.dropout = dropout
    }

    /// α/r, or α/√r with rsLoRA.
    public var scaling: Double { rsLoRA ? alpha / Double(rank).squareRoot() : alpha / Double(rank) }

    /// The std actually used for a Gaussian A.
    public var effectiveGaussianStd: Double { gaussianStd ?? 1.0 / Double(rank) }
}
