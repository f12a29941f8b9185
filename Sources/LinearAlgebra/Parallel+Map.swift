import Dispatch

extension Parallel {
    /// `f` applied to every item on up to `width` cores, results in item order. Worker w takes items w, w + width, …
    /// and OpenBLAS is limited to one thread meanwhile (each worker's BLAS calls stay on its core), also when the map
    /// runs serially, so the results do not depend on `width` as long as each `f(item)` is deterministic (e.g. draws
    /// from its own seeded stream). Throws the error of the first failing item in item order.
    public static func map<A, B>(_ items: [A], _ f: (A) throws -> B) throws -> [B] {
        try BLAS.withThreads(1) {
            let workers = Swift.min(width, items.count)
            if workers <= 1 { return try items.map(f) }
            var results = [Result<B, Error>?](repeating: nil, count: items.count)
            results.withUnsafeMutableBufferPointer { buffer in
                let base = buffer.baseAddress!
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    for k in stride(from: w, to: items.count, by: workers) { base[k] = Result { try f(items[k]) } }
                }
            }
            return try results.map { try $0!.get() }
        }
    }
}
