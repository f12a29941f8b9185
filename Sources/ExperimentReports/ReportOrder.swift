import ExperimentSpec
import LoRA

/// Orderings shared by the engine, the tables and the figures.
enum ReportOrder {
    /// Target sets by size, then by matrix order q, k, v, o, ffn_gate, ffn_up, ffn_down: q, k, v, o, q+k, q+v, …; the
    /// head-only baseline (no adapters) before all of them.
    static func targetSetLess(_ a: String, _ b: String) -> Bool {
        let headA = a == RunRecord.headOnlyLabel, headB = b == RunRecord.headOnlyLabel
        if headA != headB { return headA }
        let ka = key(a), kb = key(b)
        if ka.count != kb.count { return ka.count < kb.count }
        if ka != kb { return ka.lexicographicallyPrecedes(kb) }
        return a < b
    }

    private static func key(_ label: String) -> [Int] {
        label.split(separator: "+").map { part in
            ModuleNaming.matrixOrder(String(part))
        }
    }

    /// Matrices in the family-neutral order (`ModuleNaming.matrixOrder`: q, k, v, o, …), unknown names last.
    /// Run order of `accuracy.csv` and `convergence.csv`: target set, rank, then init seed, data seed and id.
    static func runLess(_ a: RunRecord, _ b: RunRecord) -> Bool {
        if a.targetLabel != b.targetLabel { return targetSetLess(a.targetLabel, b.targetLabel) }
        if a.rank != b.rank { return a.rank < b.rank }
        return (a.initSeed, a.dataSeed, a.id) < (b.initSeed, b.dataSeed, b.id)
    }

    static func matrixLess(_ a: String, _ b: String) -> Bool {
        let ia = ModuleNaming.matrixOrder(a), ib = ModuleNaming.matrixOrder(b)
        return ia != ib ? ia < ib : a < b
    }

    static func subjectLess(_ a: AnalysisSubject, _ b: AnalysisSubject) -> Bool {
        if a.targets != b.targets { return targetSetLess(a.targets, b.targets) }
        if a.rank != b.rank { return a.rank < b.rank }
        if a.seedKey != b.seedKey { return a.seedKey < b.seedKey }
        return a.id < b.id
    }

    /// Subjects grouped by target set, groups in `targetSetLess` order, members in `subjectLess` order.
    static func groupedByTargets(_ subjects: [AnalysisSubject]) -> [[AnalysisSubject]] {
        let groups = Dictionary(grouping: subjects, by: \.targets)
        return groups.keys.sorted(by: targetSetLess).map { groups[$0]!.sorted(by: subjectLess) }
    }

    /// The middle layer of a set of layers: the sorted distinct layers' element at index count/2
    /// (layer 3 of 0…5, as the paper's layer 48 of 96).
    static func middleLayer<S: Sequence>(_ layers: S) -> Int? where S.Element == Int {
        let sorted = Array(Set(layers)).sorted()
        return sorted.isEmpty ? nil : sorted[sorted.count / 2]
    }
}
