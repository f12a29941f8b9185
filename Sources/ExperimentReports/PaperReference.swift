import Analysis
import ExperimentSpec

/// The numbers and claims of the LoRA paper that reports set beside ours:
/// Hu et al., "LoRA: Low-Rank Adaptation of Large Language Models", arXiv:2106.09685 **v2** (Oct 2021),
/// Section 7 and Appendix H. All of them come from GPT-3 175B (96 layers, d_model = 12288).
///
/// The same numbers are kept as data in `experiments/paper/*.csv` (with a README citing the paper);
/// `ReportPaperReferenceTests` checks that both copies agree.
public enum PaperReference {
    public static let citation = "Hu et al., LoRA: Low-Rank Adaptation of Large Language Models, arXiv:2106.09685 v2 (Oct 2021)"
    public static let model = "GPT-3 175B"

    /// One row of Table 5 (Sec 7.1, 18M trainable parameters): validation accuracy (%) on WikiSQL and MultiNLI.
    public struct Table5Row: Equatable, Sendable {
        /// "q", "k", "v", "o", "q+k", "q+v", "q+k+v+o" (our target-set label spelling).
        public var weightTypes: String
        public var rank: Int
        public var trainableParameters: Int
        public var wikiSQL: Double
        public var wikiSQLSpread: Double
        public var multiNLI: Double
        public var multiNLISpread: Double
    }

    /// One row of Table 6 (Sec 7.2): validation accuracy (%) by rank r for one dataset and weight-type set.
    public struct Table6Row: Equatable, Sendable {
        /// "wikisql" or "mnli".
        public var dataset: String
        public var weightTypes: String
        /// (r, accuracy) for r = 1, 2, 4, 8, 64.
        public var accuracies: [(rank: Int, accuracy: Double)]
        public var spread: Double

        public static func == (a: Table6Row, b: Table6Row) -> Bool {
            a.dataset == b.dataset && a.weightTypes == b.weightTypes && a.spread == b.spread
                && a.accuracies.map(\.rank) == b.accuracies.map(\.rank) && a.accuracies.map(\.accuracy) == b.accuracies.map(\.accuracy)
        }

        public func accuracy(rank r: Int) -> Double? { accuracies.first { $0.rank == r }?.accuracy }
    }

    /// One row of Table 7 (Sec 7.3, layer 48 of 96, W_q).
    public struct Table7Row: Equatable, Sendable {
        public var rank: Int
        public var directionsFrom: DirectionSource
        public var projectionNorm: Double
        public var weightNorm: Double
        public var deltaNorm: Double?
        public var amplification: Double?
    }

    /// Table 5 (Sec 7.1): which weight types to adapt under an 18M-parameter budget (± 0.5 WikiSQL, ± 0.1 MultiNLI).
    /// Note: W_q at r = 8 on MultiNLI reads 91.0 here and 90.7 in Table 6; each table is compared to its own number.
    public static let table5: [Table5Row] = [
        Table5Row(weightTypes: "q", rank: 8, trainableParameters: 18_874_368, wikiSQL: 70.4, wikiSQLSpread: 0.5, multiNLI: 91.0, multiNLISpread: 0.1),
        Table5Row(weightTypes: "k", rank: 8, trainableParameters: 18_874_368, wikiSQL: 70.0, wikiSQLSpread: 0.5, multiNLI: 90.8, multiNLISpread: 0.1),
        Table5Row(weightTypes: "v", rank: 8, trainableParameters: 18_874_368, wikiSQL: 73.0, wikiSQLSpread: 0.5, multiNLI: 91.0, multiNLISpread: 0.1),
        Table5Row(weightTypes: "o", rank: 8, trainableParameters: 18_874_368, wikiSQL: 73.2, wikiSQLSpread: 0.5, multiNLI: 91.3, multiNLISpread: 0.1),
        Table5Row(weightTypes: "q+k", rank: 4, trainableParameters: 18_874_368, wikiSQL: 71.4, wikiSQLSpread: 0.5, multiNLI: 91.3, multiNLISpread: 0.1),
        Table5Row(weightTypes: "q+v", rank: 4, trainableParameters: 18_874_368, wikiSQL: 73.7, wikiSQLSpread: 0.5, multiNLI: 91.3, multiNLISpread: 0.1),
        Table5Row(weightTypes: "q+k+v+o", rank: 2, trainableParameters: 18_874_368, wikiSQL: 73.7, wikiSQLSpread: 0.5, multiNLI: 91.7, multiNLISpread: 0.1),
    ]

    /// Table 6 (Sec 7.2): accuracy by rank. {W_q, W_v} at r = 64 on WikiSQL reads 73.5 here (73.6 in Table 15).
    public static let table6: [Table6Row] = [
        Table6Row(dataset: "wikisql", weightTypes: "q", accuracies: zip([1, 2, 4, 8, 64], [68.8, 69.6, 70.5, 70.4, 70.0]).map { ($0, $1) }, spread: 0.5),
        Table6Row(dataset: "wikisql", weightTypes: "q+v", accuracies: zip([1, 2, 4, 8, 64], [73.4, 73.3, 73.7, 73.8, 73.5]).map { ($0, $1) }, spread: 0.5),
        Table6Row(dataset: "wikisql", weightTypes: "q+k+v+o", accuracies: zip([1, 2, 4, 8, 64], [74.1, 73.7, 74.0, 74.0, 73.9]).map { ($0, $1) }, spread: 0.5),
        Table6Row(dataset: "mnli", weightTypes: "q", accuracies: zip([1, 2, 4, 8, 64], [90.7, 90.9, 91.1, 90.7, 90.7]).map { ($0, $1) }, spread: 0.1),
        Table6Row(dataset: "mnli", weightTypes: "q+v", accuracies: zip([1, 2, 4, 8, 64], [91.3, 91.4, 91.3, 91.6, 91.4]).map { ($0, $1) }, spread: 0.1),
        Table6Row(dataset: "mnli", weightTypes: "q+k+v+o", accuracies: zip([1, 2, 4, 8, 64], [91.2, 91.7, 91.7, 91.5, 91.4]).map { ($0, $1) }, spread: 0.1),
    ]

    /// Table 7 (Sec 7.3): ‖UᵀW_qVᵀ‖_F at layer 48 for U, V from ΔW_q, W_q or a random matrix; ‖W_q‖_F = 61.95.
    public static let table7: [Table7Row] = [
        Table7Row(rank: 4, directionsFrom: .deltaW, projectionNorm: 0.32, weightNorm: 61.95, deltaNorm: 6.91, amplification: 21.5),
        Table7Row(rank: 4, directionsFrom: .w, projectionNorm: 21.67, weightNorm: 61.95, deltaNorm: nil, amplification: nil),
        Table7Row(rank: 4, directionsFrom: .random, projectionNorm: 0.02, weightNorm: 61.95, deltaNorm: nil, amplification: nil),
        Table7Row(rank: 64, directionsFrom: .deltaW, projectionNorm: 1.90, weightNorm: 61.95, deltaNorm: 3.57, amplification: 1.88),
        Table7Row(rank: 64, directionsFrom: .w, projectionNorm: 37.71, weightNorm: 61.95, deltaNorm: nil, amplification: nil),
        Table7Row(rank: 64, directionsFrom: .random, projectionNorm: 0.33, weightNorm: 61.95, deltaNorm: nil, amplification: nil),
    ]

    /// Display name of a Table 6 dataset key.
    public static func datasetName(_ key: String) -> String {
        switch key {
        case "wikisql": return "WikiSQL"
        case "mnli": return "MultiNLI"
        default: return key
        }
    }

    /// The eight claims of Sec 7 / App. H that reports give a computed verdict (`experiments/paper/claims.md`).
    public struct Claim: Equatable, Sendable {
        public var number: Int
        /// Where the paper makes it, e.g. "Table 5".
        public var source: String
        public var statement: String
    }

    public static let claims: [Claim] = [
        Claim(number: 1, source: "Table 5",
              statement: "Under a fixed parameter budget, adapting two types (q+v) beats adapting one type (q or k) alone; adapting q alone or k alone is clearly worse."),
        Claim(number: 2, source: "Table 6",
              statement: "For {q, v}, rank r = 1 already performs about as well as larger r; q alone needs a larger r."),
        Claim(number: 3, source: "Fig 3",
              statement: "The top singular direction of A_{r=8} and A_{r=64} is shared: φ(1, 1) > 0.5, for both ΔW_q and ΔW_v; beyond a few directions φ is low (noise)."),
        Claim(number: 4, source: "Fig 4",
              statement: "Between two seeds at r = 64, ΔW_q shares more top directions than ΔW_v (\"higher intrinsic rank\"); two random Gaussian matrices share none (φ near the random expectation)."),
        Claim(number: 5, source: "Table 7",
              statement: "ΔW correlates with W more than a random matrix does: ‖UᵀWVᵀ‖ with U, V from ΔW is well above the random-direction value but far below the W-direction value."),
        Claim(number: 6, source: "Table 7 / H.4",
              statement: "The amplification factor is large at low rank (21.5 at r = 4) and small at high rank (≈ 1.9 at r = 64)."),
        Claim(number: 7, source: "App. H.3",
              statement: "The top directions of ΔW overlap little with the top directions of W; a larger r picks up more of W's top directions."),
        Claim(number: 8, source: "App. H.1",
              statement: "Claims 3–4 hold at other layers too, not only a middle layer."),
    ]
}
