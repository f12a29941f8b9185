/// A read-only, shape-checked window onto row-major memory: element (i, j) at `base[i * ld + j]`.
/// Views never own memory; they are how the hot path hands preallocated buffers to `gemm`.
public struct MatrixView<Scalar: BLASScalar> {
    public let base: UnsafePointer<Scalar>
    public let rows: Int
    public let cols: Int
    /// Leading dimension (row stride in elements), ≥ cols.
    public let ld: Int

    @inlinable @inline(__always)
    public init(_ base: UnsafePointer<Scalar>, rows: Int, cols: Int, ld: Int? = nil) {
        self.base = base
        self.rows = rows
        self.cols = cols
        self.ld = checkedLeadingDimension(rows: rows, cols: cols, ld: ld)
    }

    @inlinable @inline(__always)
    public subscript(i: Int, j: Int) -> Scalar { base[i * ld + j] }
}

/// A writable, shape-checked window onto row-major memory.
public struct MutableMatrixView<Scalar: BLASScalar> {
    public let base: UnsafeMutablePointer<Scalar>
    public let rows: Int
    public let cols: Int
    public let ld: Int

    @inlinable @inline(__always)
    public init(_ base: UnsafeMutablePointer<Scalar>, rows: Int, cols: Int, ld: Int? = nil) {
        self.base = base
        self.rows = rows
        self.cols = cols
        self.ld = checkedLeadingDimension(rows: rows, cols: cols, ld: ld)
    }

    @inlinable @inline(__always)
    public var readOnly: MatrixView<Scalar> { MatrixView(UnsafePointer(base), rows: rows, cols: cols, ld: ld) }

    @inlinable @inline(__always)
    public subscript(i: Int, j: Int) -> Scalar {
        get { base[i * ld + j] }
        nonmutating set { base[i * ld + j] = newValue }
    }
}

extension Matrix {
    /// Calls `body` with a read-only view of the whole matrix.
    @inline(__always)
    public func withView<R>(_ body: (MatrixView<Scalar>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { p in
            try body(MatrixView(p.baseAddress ?? UnsafePointer(emptyViewStorage()), rows: rows, cols: cols))
        }
    }

    /// Calls `body` with a writable view of the whole matrix.
    @inline(__always)
    public mutating func withMutableView<R>(_ body: (MutableMatrixView<Scalar>) throws -> R) rethrows -> R {
        let (r, c) = (rows, cols)
        return try storage.withUnsafeMutableBufferPointer { p in
            try body(MutableMatrixView(p.baseAddress ?? emptyViewStorage(), rows: r, cols: c))
        }
    }
}

/// The leading dimension of a `rows × cols` view: `ld`, or `max(1, cols)` when nil. Traps unless `rows ≥ 0`,
/// `cols ≥ 0` and `ld ≥ max(1, cols)` (the check both view types make).
@inlinable @inline(__always)
func checkedLeadingDimension(rows: Int, cols: Int, ld: Int?) -> Int {
    let ld = ld ?? max(1, cols)
    precondition(rows >= 0 && cols >= 0 && ld >= max(1, cols), "bad view shape (\(rows), \(cols)) ld \(ld)")
    return ld
}

/// A valid, aligned pointer for views of empty matrices (never dereferenced: such views have no elements).
@inline(__always)
func emptyViewStorage<T>() -> UnsafeMutablePointer<T> { UnsafeMutablePointer(bitPattern: MemoryLayout<T>.alignment)! }
