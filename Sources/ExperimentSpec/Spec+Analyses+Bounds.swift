/// The values the analyses read from an `AnalysesSpec`, with the spec's open bounds resolved. A bound the spec leaves
/// open (`null`) means the whole rank: Fig 3's grid runs to the pair's ranks, Fig 4's to the seed rank (the paper's
/// full maps); every analysis caps its bounds at the ranks and dimensions involved.
extension AnalysesSpec {
    /// Fig 3 rank pairs [r₁, r₂] (empty: Fig 3 off).
    public var rankPairs: [[Int]] { subspaceSimilarity?.pairs.map { [$0.first, $0.second] } ?? [] }
    /// Largest i of the Fig 3 grid and of the App. H.3 grid (top-i directions of W), and K of claim 4's
    /// D = mean φ(k, k), k ≤ K. `Int.max` when open.
    public var maxI: Int { subspaceSimilarity?.maxI ?? Int.max }
    /// Largest j of the Fig 3 grid and of the App. H.3 grid (top-j directions of ΔW). `Int.max` when open.
    public var maxJ: Int { subspaceSimilarity?.maxJ ?? Int.max }
    /// Fig 4: the rank at which two seeds are compared; nil = off.
    public var seedRank: Int? { seedSimilarity?.rank }
    /// Fig 4 grid bounds (nil = the seed rank).
    public var seedMaxI: Int? { seedSimilarity?.maxI }
    public var seedMaxJ: Int? { seedSimilarity?.maxJ }
    /// Table 7 on; its layers (nil = every adapted layer).
    public var projectionOn: Bool { projection != nil }
    public var projectionLayers: [Int]? { projection?.layer.map { [$0] } }
}
