import ExperimentSpec

/// `report-context.json`: the context with its `options` written RESOLVED, one flat object whose bounds are those
/// the analyses used (`Spec+Analyses+Bounds`; an open bound is `Int.max`). The notebooks read it back to render
/// sections exactly as `report.md` did. Keys: rankPairs, maxI, maxJ, seedSimilarityRank, seedMaxI, seedMaxJ,
/// projectionLayers, projection, directionOverlap, spectra, accuracy, learningDiagnostics, plantedRecovery, randomSeed,
/// nullDraws.
extension ReportContext {
    enum CodingKeys: String, CodingKey {
        case specName, title, modelDescription, taskDescription, gridDescription, reference, options, validationExamples, quickLookOf, lengthCheckOf, lengthCheckedBy
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(specName: try c.decode(String.self, forKey: .specName), title: try c.decode(String.self, forKey: .title),
                  modelDescription: try c.decode(String.self, forKey: .modelDescription),
                  taskDescription: try c.decode(String.self, forKey: .taskDescription),
                  gridDescription: try c.decode(String.self, forKey: .gridDescription),
                  reference: try c.decodeIfPresent(PaperTable.self, forKey: .reference),
                  options: try c.decode(ResolvedAnalyses.self, forKey: .options).spec,
                  validationExamples: try c.decodeIfPresent(Int.self, forKey: .validationExamples))
        quickLookOf = try c.decodeIfPresent(String.self, forKey: .quickLookOf)
        lengthCheckOf = try c.decodeIfPresent(String.self, forKey: .lengthCheckOf)
        lengthCheckedBy = try c.decodeIfPresent(String.self, forKey: .lengthCheckedBy)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(specName, forKey: .specName)
        try c.encode(title, forKey: .title)
        try c.encode(modelDescription, forKey: .modelDescription)
        try c.encode(taskDescription, forKey: .taskDescription)
        try c.encode(gridDescription, forKey: .gridDescription)
        try c.encodeIfPresent(reference, forKey: .reference)
        try c.encode(ResolvedAnalyses(options), forKey: .options)
        try c.encodeIfPresent(validationExamples, forKey: .validationExamples)
        try c.encodeIfPresent(quickLookOf, forKey: .quickLookOf)
        try c.encodeIfPresent(lengthCheckOf, forKey: .lengthCheckOf)
        try c.encodeIfPresent(lengthCheckedBy, forKey: .lengthCheckedBy)
    }
}

/// The flat, resolved form of an `AnalysesSpec` in `report-context.json`.
struct ResolvedAnalyses: Codable {
    var rankPairs: [[Int]]
    var maxI: Int
    var maxJ: Int
    var seedSimilarityRank: Int?
    var seedMaxI: Int?
    var seedMaxJ: Int?
    var projectionLayers: [Int]?
    var projection: Bool
    var directionOverlap: Bool
    var spectra: Bool
    var accuracy: Bool
    var learningDiagnostics: Bool
    var plantedRecovery: Bool
    var randomSeed: UInt64
    var nullDraws: Int

    init(_ a: AnalysesSpec) {
        rankPairs = a.rankPairs
        maxI = a.maxI
        maxJ = a.maxJ
        seedSimilarityRank = a.seedRank
        seedMaxI = a.seedMaxI
        seedMaxJ = a.seedMaxJ
        projectionLayers = a.projectionLayers
        projection = a.projectionOn
        directionOverlap = a.directionOverlap
        spectra = a.spectra
        accuracy = a.accuracy
        learningDiagnostics = a.learningDiagnostics
        plantedRecovery = a.plantedRecovery
        randomSeed = a.randomSeed
        nullDraws = a.nullDraws
    }

    /// Back to the spec form: an unbounded `maxI`/`maxJ` is an open bound; no rank pairs and no bound is no Fig 3.
    var spec: AnalysesSpec {
        let bound: (Int) -> Int? = { $0 == Int.max ? nil : $0 }
        let similarity = rankPairs.isEmpty && bound(maxI) == nil && bound(maxJ) == nil ? nil
            : SubspaceSimilaritySpec(pairs: rankPairs.map { RankPair($0[0], $0[1]) }, maxI: bound(maxI), maxJ: bound(maxJ))
        return AnalysesSpec(subspaceSimilarity: similarity,
                            seedSimilarity: seedSimilarityRank.map { SeedSimilaritySpec(rank: $0, maxI: seedMaxI, maxJ: seedMaxJ) },
                            projection: projection ? ProjectionSpec(layer: projectionLayers?.first) : nil,
                            directionOverlap: directionOverlap, spectra: spectra, accuracy: accuracy,
                            learningDiagnostics: learningDiagnostics,
                            plantedRecovery: plantedRecovery, randomSeed: randomSeed, nullDraws: nullDraws)
    }

    enum CodingKeys: String, CodingKey {
        case rankPairs, maxI, maxJ, seedSimilarityRank, seedMaxI, seedMaxJ, projectionLayers, projection, directionOverlap
        case spectra, accuracy, learningDiagnostics, plantedRecovery, randomSeed, nullDraws
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rankPairs = try c.decode([[Int]].self, forKey: .rankPairs)
        maxI = try c.decode(Int.self, forKey: .maxI)
        maxJ = try c.decode(Int.self, forKey: .maxJ)
        seedSimilarityRank = try c.decodeIfPresent(Int.self, forKey: .seedSimilarityRank)
        seedMaxI = try c.decodeIfPresent(Int.self, forKey: .seedMaxI)
        seedMaxJ = try c.decodeIfPresent(Int.self, forKey: .seedMaxJ)
        projectionLayers = try c.decodeIfPresent([Int].self, forKey: .projectionLayers)
        projection = try c.decode(Bool.self, forKey: .projection)
        directionOverlap = try c.decode(Bool.self, forKey: .directionOverlap)
        spectra = try c.decode(Bool.self, forKey: .spectra)
        accuracy = try c.decode(Bool.self, forKey: .accuracy)
        learningDiagnostics = try c.decodeIfPresent(Bool.self, forKey: .learningDiagnostics) ?? true
        plantedRecovery = try c.decode(Bool.self, forKey: .plantedRecovery)
        randomSeed = try c.decode(UInt64.self, forKey: .randomSeed)
        nullDraws = try c.decodeIfPresent(Int.self, forKey: .nullDraws) ?? AnalysesSpec.minimumNullDraws
    }

    /// Nil values are written as JSON null (as the report has always written them).
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rankPairs, forKey: .rankPairs)
        try c.encode(maxI, forKey: .maxI)
        try c.encode(maxJ, forKey: .maxJ)
        try c.encode(seedSimilarityRank, forKey: .seedSimilarityRank)
        try c.encode(seedMaxI, forKey: .seedMaxI)
        try c.encode(seedMaxJ, forKey: .seedMaxJ)
        try c.encode(projectionLayers, forKey: .projectionLayers)
        try c.encode(projection, forKey: .projection)
        try c.encode(directionOverlap, forKey: .directionOverlap)
        try c.encode(spectra, forKey: .spectra)
        try c.encode(accuracy, forKey: .accuracy)
        try c.encode(learningDiagnostics, forKey: .learningDiagnostics)
        try c.encode(plantedRecovery, forKey: .plantedRecovery)
        try c.encode(randomSeed, forKey: .randomSeed)
        try c.encode(nullDraws, forKey: .nullDraws)
    }
}
