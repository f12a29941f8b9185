/// A trainable tensor: its value and the gradient that backward passes accumulate into.
///
/// Only LoRA factors and task-head weights are `Parameter`s; the frozen pre-trained weights are plain
/// matrices and never get a gradient buffer (paper Sec 4.1: W₀ is frozen).
public final class Parameter {
    /// Stable name, e.g. `base_model.model.encoder.layer.3.attention.self.query.lora_A.weight`.
    public let name: String
    public var value: Matrix<Float>
    public var grad: Matrix<Float>
    /// Whether AdamW's decoupled weight decay applies (biases and LayerNorm parameters usually not).
    public let decays: Bool

    public init(name: String, value: Matrix<Float>, decays: Bool = true) {
        self.name = name
        self.value = value
        self.grad = Matrix(rows: value.rows, cols: value.cols)
        self.decays = decays
    }

    public var count: Int { value.count }

    /// Sets the gradient to zero (before each step's backward pass).
    public func zeroGrad() {
        grad.storage.withUnsafeMutableBufferPointer { p in p.update(repeating: 0) }
    }
}
