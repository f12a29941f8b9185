/// A dense row-major matrix: element (i, j) is `storage[i * cols + j]`.
///
/// Weights follow PyTorch's `(out, in)` layout, so a linear layer computes y = x·Wᵀ + b with x as rows.
/// `Matrix<Float>` carries model weights and LoRA factors; `Matrix<Double>` the Section 7 analyses.
public struct Matrix<Scalar: BLASScalar>: Equatable, Sendable {
    public let rows: Int
    public let cols: Int
    public var storage: [Scalar]

    /// A rows × cols matrix of zeros.
    @inlinable
    public init(rows: Int, cols: Int) {
        precondition(rows >= 0 && cols >= 0, "matrix shape must be non-negative, got (\(rows), \(cols))")
        self.rows = rows
        self.cols = cols
        self.storage = [Scalar](repeating: 0, count: rows * cols)
    }

    /// Wraps row-major `storage`; its count must equal rows × cols.
    @inlinable
    public init(rows: Int, cols: Int, storage: [Scalar]) {
        precondition(rows >= 0 && cols >= 0 && storage.count == rows * cols,
                     "storage of \(storage.count) elements does not fit shape (\(rows), \(cols))")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// Builds element (i, j) from `f(i, j)`.
    public init(rows: Int, cols: Int, _ f: (Int, Int) -> Scalar) {
        var s = [Scalar]()
        s.reserveCapacity(rows * cols)
        for i in 0..<rows { for j in 0..<cols { s.append(f(i, j)) } }
        self.init(rows: rows, cols: cols, storage: s)
    }

    /// The n × n identity.
    public static func identity(_ n: Int) -> Matrix { Matrix(rows: n, cols: n) { $0 == $1 ? 1 : 0 } }

    public var shape: (rows: Int, cols: Int) { (rows, cols) }
    public var count: Int { rows * cols }

    public subscript(i: Int, j: Int) -> Scalar {
        get {
            precondition(i >= 0 && i < rows && j >= 0 && j < cols, "index (\(i), \(j)) out of bounds for (\(rows), \(cols))")
            return storage[i * cols + j]
        }
        set {
            precondition(i >= 0 && i < rows && j >= 0 && j < cols, "index (\(i), \(j)) out of bounds for (\(rows), \(cols))")
            storage[i * cols + j] = newValue
        }
    }

    /// Row i as an array.
    public func row(_ i: Int) -> [Scalar] { Array(storage[(i * cols)..<((i + 1) * cols)]) }

    /// Column j as an array.
    public func column(_ j: Int) -> [Scalar] { (0..<rows).map { storage[$0 * cols + j] } }

    /// The transpose, materialised.
    ///
    /// The element-wise helpers below are `@inlinable` so that callers in other modules (the Section 7 analyses on
    /// `Matrix<Double>`) get code specialised for their scalar type: unspecialised generic loops cost tens of
    /// nanoseconds per element, which on 384 × 384 weights was most of a report's time.
    @inlinable
    public var transposed: Matrix {
        let (r, c) = (rows, cols)
        var t = [Scalar](repeating: 0, count: r * c)
        storage.withUnsafeBufferPointer { src in
            t.withUnsafeMutableBufferPointer { dst in
                for i in 0..<r { for j in 0..<c { dst[j * r + i] = src[i * c + j] } }
            }
        }
        return Matrix(rows: c, cols: r, storage: t)
    }

    /// The first `n` columns (n ≤ cols), materialised (the matrix itself when n = cols).
    @inlinable
    public func leadingColumns(_ n: Int) -> Matrix {
        precondition(n >= 0 && n <= cols, "cannot take \(n) columns of a (\(rows), \(cols)) matrix")
        if n == cols { return self }
        var out = [Scalar]()
        out.reserveCapacity(rows * n)
        let c = cols
        storage.withUnsafeBufferPointer { p in
            for i in 0..<rows { out.append(contentsOf: p[(i * c)..<(i * c + n)]) }
        }
        return Matrix(rows: rows, cols: n, storage: out)
    }

    /// The first `n` rows (n ≤ rows), materialised.
    public func leadingRows(_ n: Int) -> Matrix {
        precondition(n >= 0 && n <= rows, "cannot take \(n) rows of a (\(rows), \(cols)) matrix")
        return Matrix(rows: n, cols: cols, storage: Array(storage[0..<(n * cols)]))
    }

    /// Converts element type (e.g. Float32 weights to Float64 for an analysis; Float → Double is exact).
    @inlinable
    public func converted<T: BLASScalar>(to: T.Type = T.self) -> Matrix<T> {
        Matrix<T>(rows: rows, cols: cols, storage: storage.map { T($0) })
    }

    /// Frobenius norm ‖M‖_F = √(Σ m_ij²), accumulated in Double in storage order.
    @inlinable
    public var frobeniusNorm: Double {
        storage.withUnsafeBufferPointer { p in
            var s = 0.0
            for x in p { let d = Double(x); s += d * d }
            return s.squareRoot()
        }
    }

    /// True when every element is finite (no NaN, no ±∞).
    @inlinable
    public var isFinite: Bool {
        storage.withUnsafeBufferPointer { p in
            for x in p where !x.isFinite { return false }
            return true
        }
    }

    /// Largest |a_ij − b_ij| (shapes must match).
    public func maxAbsDifference(_ other: Matrix) -> Double {
        precondition(rows == other.rows && cols == other.cols, "shape mismatch (\(rows), \(cols)) vs (\(other.rows), \(other.cols))")
        var m = 0.0
        for k in 0..<storage.count { m = Swift.max(m, Double(abs(storage[k] - other.storage[k]))) }
        return m
    }

    public static func + (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.cols == b.cols, "shape mismatch in +")
        return Matrix(rows: a.rows, cols: a.cols, storage: zip(a.storage, b.storage).map { $0 + $1 })
    }

    public static func - (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.cols == b.cols, "shape mismatch in -")
        return Matrix(rows: a.rows, cols: a.cols, storage: zip(a.storage, b.storage).map { $0 - $1 })
    }

    public static func * (c: Scalar, a: Matrix) -> Matrix {
        Matrix(rows: a.rows, cols: a.cols, storage: a.storage.map { c * $0 })
    }
}
