/// A table of the paper (Hu et al., arXiv:2106.09685 v2, Section 7) that reports set beside our numbers.
///
/// Kept alone in this file: the spec branch declares the same enum (same cases, same raw values) in its
/// `Spec.swift`; when both land, exactly one declaration must remain.
public enum PaperTable: String, CaseIterable, Codable, Sendable {
    /// Sec 7.1: which weight types to adapt under a fixed parameter budget.
    case table5
    /// Sec 7.2: accuracy by rank r.
    case table6
    /// Sec 7.3: ‖UᵀWV‖_F and the amplification factor.
    case table7
}
