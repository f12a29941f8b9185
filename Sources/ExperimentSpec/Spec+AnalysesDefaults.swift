extension AnalysesSpec {
    /// The analyses of a spec that has no `analyses` key: every analysis its grid supports, so Section 7 is never
    /// skipped silently.
    ///
    /// - `subspaceSimilarity` (Fig 3): on when some adapter set lists two or more ranks; the pair is [8, 64] when that
    ///   set has both (the paper's pair), else [its smallest, its largest] rank; `maxI`/`maxJ` the whole ranks.
    /// - `seedSimilarity` (Fig 4): at the largest explicit rank that runs with two seed pairs — every rank when
    ///   `seeds.data` × `seeds.init` has two or more pairs, else the ranks an `extra` entry adds seeds to; off otherwise.
    /// - `projection` (Table 7, every layer), `directionOverlap` (App. H.3), `spectra` and `accuracy`: on.
    /// - `plantedRecovery`: on for task kind planted-rank.
    /// Budget-derived ranks are not known before resolution, so only sets with explicit `ranks` count above (the head-only
    /// baseline has none: it never turns an analysis on).
    public init(gridDefaultsFor kind: TaskKind, adapters: [AdapterSetSpec], seeds: SeedSpec) {
        self.init(projection: ProjectionSpec(), directionOverlap: true, spectra: true, accuracy: true,
                  plantedRecovery: kind == .plantedRank)
        func ranks(_ set: AdapterSetSpec) -> [Int] {
            if case .ranks(let r) = set.size { return r }
            return []
        }
        if let set = adapters.first(where: { ranks($0).count >= 2 }) {
            let r = ranks(set)
            let pair = r.contains(8) && r.contains(64) ? RankPair(8, 64) : RankPair(r.min()!, r.max()!)
            subspaceSimilarity = SubspaceSimilaritySpec(pairs: [pair])
        }
        var seeded: [Int] = []
        if seeds.pairs.count >= 2 { seeded = adapters.flatMap(ranks) }
        for e in seeds.extra {
            for set in adapters where set.targets == e.targets {
                seeded += (e.ranks ?? ranks(set)).filter { ranks(set).contains($0) }
            }
        }
        if let rank = seeded.max() { seedSimilarity = SeedSimilaritySpec(rank: rank) }
    }
}
