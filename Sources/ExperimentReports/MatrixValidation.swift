/// Which adapted matrices' singular directions a report's verdicts may read (issue 11 part 5: a method is trusted only
/// after it recovers a known answer). The planted control (`PlantedGate`) decides it for a real-data report: a matrix
/// is covered when the control passes on the report's model and recovers that matrix's plant on its plain singular
/// directions — the basis φ on A and ΔW's directions are read in. Every claim rule counts a matrix it does not cover
/// as inconclusive (`Claims.evaluate(_:phi:overlap:options:validation:)`).
struct MatrixValidation: Sendable {
    /// The covered matrices; nil covers every matrix (the planted spec itself, which is the control, and
    /// `experiment analyze`, which reads any adapters with the bare instrument).
    var covered: Set<String>?
    /// Why a matrix is not covered, per matrix (e.g. "its plain directions are not recovered by the planted control").
    var reason: @Sendable (String) -> String

    static let unrestricted = MatrixValidation(covered: nil, reason: { _ in "" })

    func covers(_ matrix: String) -> Bool { covered?.contains(matrix) ?? true }

    /// "W_v not validated (its plain directions are not recovered by the planted control): counted inconclusive".
    func note(_ matrices: [String]) -> String {
        var byReason: [(reason: String, matrices: [String])] = []
        for m in matrices {
            let r = reason(m)
            if let i = byReason.firstIndex(where: { $0.reason == r }) { byReason[i].matrices.append(m) } else { byReason.append((r, [m])) }
        }
        return byReason.map { "W_" + $0.matrices.joined(separator: ", W_") + " not validated (\($0.reason))" }.joined(separator: "; ")
            + ": counted inconclusive"
    }
}
