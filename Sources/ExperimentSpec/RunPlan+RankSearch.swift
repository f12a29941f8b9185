import LoRA

extension Resolver {
    /// The spec's rank search against the model: every (target set, rank) candidate on every layer, its cost and its
    /// runs (one per seed pair of `seeds.data × seeds.init`, built exactly as grid runs are, so a candidate that is also
    /// a grid run shares its folder). Nil without a rank search.
    /// - Throws: `SpecError` at `rankSearch.ranks[k]` when a rank exceeds min(in, out) of a searched matrix, or at
    ///   `rankSearch.thenTargets[k]` when it exceeds one of that set's.
    func resolveRankSearch() throws -> (RankSearchPlan, [RunConfig])? {
        guard let search = spec.rankSearch else { return nil }
        let layers = Array(0..<shape.layers)
        var runs: [RunConfig] = []
        /// `tooLarge(k, r, bound)`: the error when rank r = ranks[k] exceeds `bound` (a description of the binding matrix).
        func candidates(_ targets: [LoRATarget], tooLarge: (Int, Int, String) -> SpecError) throws -> [RankSearchCandidate] {
            let b = RunPlan.rankBound(targets: targets, shape: shape)
            let unit = RunPlan.parametersPerRank(targets: targets, layerCount: layers.count, shape: shape)
            return try search.ranks.enumerated().map { k, r in
                if r > b.bound {
                    let bound = "\(b.bound) = min(in, out) of \(b.target.rawValue) (in \(b.inFeatures), out \(b.outFeatures))"
                    throw tooLarge(k, r, bound)
                }
                let configs = spec.seeds.pairs.map { p in
                    RunConfig(model: spec.model, task: spec.task, targets: targets, layers: layers, lora: spec.lora.parameters(rank: r),
                              training: spec.training, dataSeed: p.data, initSeed: p.initialization, trainableParameters: r * unit)
                }
                runs += configs
                return RankSearchCandidate(targets: targets, rank: r, trainableParameters: r * unit, runIDs: configs.map(\.id))
            }
        }
        let ladder = try candidates(search.targets) { k, r, bound in
            error([.key("rankSearch"), .key("ranks"), .index(k)], "rank \(r) exceeds \(bound)")
        }
        let alternatives = try search.thenTargets.enumerated().map { j, targets in
            try candidates(targets) { _, r, bound in
                error([.key("rankSearch"), .key("thenTargets"), .index(j)], "rank \(r) of rankSearch.ranks exceeds \(bound)")
            }
        }
        return (RankSearchPlan(minGain: search.minGain, z: search.z, ladder: ladder, alternatives: alternatives), runs)
    }
}
