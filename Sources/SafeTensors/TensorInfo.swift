/// One validated entry of a safetensors header.
public struct TensorInfo: Equatable, Sendable {
    /// The tensor's key in the header.
    public let name: String
    public let dtype: SafeTensorsDType
    /// Dimensions, outermost first (row-major). `[]` is a scalar (one element).
    public let shape: [Int]
    /// The tensor's bytes, relative to the first byte after the header (the `data_offsets` of the entry).
    public let byteRange: Range<Int>

    public init(name: String, dtype: SafeTensorsDType, shape: [Int], byteRange: Range<Int>) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.byteRange = byteRange
    }

    /// Product of the shape (1 for a scalar, 0 when any dimension is 0).
    public var elementCount: Int { shape.reduce(1, *) }
}

/// The one name order of the module: byte-wise on UTF-8, so it is the same on every platform and in every
/// language (Swift's `String <` compares by Unicode canonical equivalence, which is not what a byte-for-byte
/// file comparison wants).
@inline(__always)
func tensorNameOrder(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
}
