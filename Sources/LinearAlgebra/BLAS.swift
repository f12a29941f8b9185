import CBLAS
import Foundation

/// Process-wide OpenBLAS settings.
public enum BLAS {
    /// Number of threads OpenBLAS uses for one call. Setting it calls `openblas_set_num_threads`.
    /// The default is `OPENBLAS_NUM_THREADS` when set, else the machine's core count (`defaultThreads`).
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// `OPENBLAS_NUM_THREADS` if it is a positive integer, otherwise the number of active cores.
    public static var defaultThreads: Int {
        if let s = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"], let n = Int(s), n > 0 { return n }
        return ProcessInfo.processInfo.activeProcessorCount
    }

    /// OpenBLAS's build description (version, kernel, threading), e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH … Zen MAX_THREADS=64".
    public static var configuration: String {
        guard let p = openblas_get_config() else { return "unknown" }
        return String(cString: p).trimmingCharacters(in: .whitespaces)
    }

    /// Sets OpenBLAS to one thread if it is not already: the engine splits work across cores itself (`parallelGemm`,
    /// `Parallel`), and OpenBLAS's pool must not be entered from several threads at once.
    @inlinable
    public static func ensureSingleThreaded() {
        if openblas_get_num_threads() != 1 { openblas_set_num_threads(1) }
    }

    /// Runs `body` with OpenBLAS limited to `n` threads, restoring the previous count afterwards.
    /// Tiny products (LoRA's rank-r factors) are faster on one thread than split across cores.
    @inline(__always)
    public static func withThreads<R>(_ n: Int, _ body: () throws -> R) rethrows -> R {
        let old = threads
        if old == n { return try body() }
        threads = n
        defer { threads = old }
        return try body()
    }
}
