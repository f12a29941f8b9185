/// One validated tensor info of a GGUF file (`gguf_tensor_info_t`, ggml `docs/gguf.md`).
///
/// GGUF lists dimensions innermost first (`ne[0]` is the length of a row, the contiguous one); `shape` gives them
/// outermost first, as PyTorch and safetensors do. A linear layer's weight of PyTorch shape `[out, in]` is stored
/// with `dimensions == [in, out]`, and its row-major `Float`s (`GGUFFile.floats`) are PyTorch's element order.
public struct GGUFTensorInfo: Equatable, Sendable {
    /// The tensor's name (`blk.0.attn_q.weight`, …).
    public let name: String
    public let type: GGMLType
    /// Dimensions innermost first, as stored (`ne[0]`, `ne[1]`, …); `[]` for a scalar.
    public let dimensions: [Int]
    /// The tensor's bytes, relative to the start of the data section.
    public let byteRange: Range<Int>

    public init(name: String, type: GGMLType, dimensions: [Int], byteRange: Range<Int>) {
        self.name = name
        self.type = type
        self.dimensions = dimensions
        self.byteRange = byteRange
    }

    /// Dimensions outermost first (row-major): `dimensions.reversed()`.
    public var shape: [Int] { dimensions.reversed() }

    /// Product of the dimensions (1 for a scalar, 0 when any dimension is 0). Validated not to overflow.
    public var elementCount: Int { dimensions.reduce(1, *) }
}
