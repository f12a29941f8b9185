/// Size caps for a split whose examples are already in seeded-shuffle order.
enum Capping {
    /// Checks an optional cap: `nil` means "no cap", otherwise it must be ≥ 0.
    static func validate(_ cap: Int?, field: String) throws {
        if let cap, cap < 0 { throw DataError.invalidOption(field: field, reason: "must be ≥ 0 or absent, got \(cap)") }
    }

    /// The first `cap` examples of `shuffled` (all of them when `cap` is nil or larger than the split).
    ///
    /// With `classBalanced`, the cap is shared as equally as possible between labels ("water filling"): the
    /// per-label quota q is the largest with Σ min(count_label, q) ≤ cap; the few slots left over go, one each,
    /// to the labels that still have examples, in label-index order. Within a label the earliest examples of the
    /// shuffled order are kept, and the result stays in shuffled order.
    static func cap(_ shuffled: [TextExample], to cap: Int?, classBalanced: Bool, labelCount: Int) -> [TextExample] {
        guard let cap, cap < shuffled.count else { return shuffled }
        guard classBalanced, labelCount > 0 else { return Array(shuffled.prefix(cap)) }
        let counts = LabelDistribution(labelCount: labelCount, examples: shuffled).counts
        func filled(_ q: Int) -> Int { counts.reduce(0) { $0 + min($1, q) } }
        var lo = 0, hi = counts.max() ?? 0  // filled(lo) ≤ cap < filled(hi) since cap < total
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if filled(mid) <= cap { lo = mid } else { hi = mid }
        }
        var quota = counts.map { min($0, lo) }
        var spare = cap - filled(lo)
        for i in quota.indices where spare > 0 && counts[i] > lo { quota[i] += 1; spare -= 1 }
        var out: [TextExample] = []
        out.reserveCapacity(cap)
        for e in shuffled where quota[e.label] > 0 {
            out.append(e)
            quota[e.label] -= 1
        }
        return out
    }
}
