import Foundation

/// What a report says about the experiment it describes; the runner fills it from the spec.
public struct ReportContext: Codable, Equatable, Sendable {
    /// The spec's name (the results folder `results/<specName>/`).
    public var specName: String
    public var title: String
    /// E.g. "all-MiniLM-L6-v2 (BERT, 6 layers, d = 384)".
    public var modelDescription: String
    /// E.g. "WordNet 3 noun supersenses (26 classes), validation accuracy".
    public var taskDescription: String
    /// E.g. "targets {q, v} × r ∈ {1, 2, 4, 8, 64}, α = 8, 1000 steps".
    public var gridDescription: String
    /// The paper table this spec reproduces (its numbers are set beside ours).
    public var reference: PaperTable?
    public var options: AnalysisOptions
    /// How report.md names the results folder it lives in (e.g. `results/qv-rank` or `/tmp/r/qv-rank`); nil means
    /// `results/<specName>`. Not written to report-context.json.
    public var resultsFolder: String? = nil

    enum CodingKeys: String, CodingKey { case specName, title, modelDescription, taskDescription, gridDescription, reference, options }

    public init(specName: String, title: String, modelDescription: String, taskDescription: String,
                gridDescription: String, reference: PaperTable?, options: AnalysisOptions = AnalysisOptions()) {
        self.specName = specName
        self.title = title
        self.modelDescription = modelDescription
        self.taskDescription = taskDescription
        self.gridDescription = gridDescription
        self.reference = reference
        self.options = options
    }
}

/// Which analyses to compute and how; the defaults are the paper's (Sec 7.2–7.3, App. H).
public struct AnalysisOptions: Codable, Equatable, Sendable {
    /// Fig 3: pairs [r_small, r_large] whose A factors are compared (same targets and seeds); [] = off.
    public var rankPairs: [[Int]] = [[8, 64]]
    /// Fig 3 grid: i ≤ maxI (top directions of the pair's first rank), capped at that rank (pass `Int.max` for
    /// "the whole rank"). Also the i bound of the App. H.3 grid (top-i directions of W) and K of claim 4's D.
    public var maxI = 8
    /// Fig 3 grid: j ≤ maxJ (top directions of the pair's second rank), capped at that rank. Also the j bound of the
    /// App. H.3 grid (top-j directions of ΔW).
    public var maxJ = 64
    /// Fig 4: the rank at which two seeds are compared; nil = off.
    public var seedSimilarityRank: Int? = 64
    /// Fig 4 grid bounds, capped at `seedSimilarityRank`; nil = that rank (the paper's full 64 × 64 map).
    public var seedMaxI: Int? = nil
    public var seedMaxJ: Int? = nil
    /// Table 7 layers; nil = every adapted layer.
    public var projectionLayers: [Int]? = nil
    /// Table 7 (‖UᵀWV‖_F, amplification).
    public var projection = true
    /// App. H.3 / Fig 8: top directions of W vs those of ΔW.
    public var directionOverlap = true
    /// Singular-value spectra of ΔW.
    public var spectra = true
    /// Validation metric per run (Tables 5, 6).
    public var accuracy = true
    /// Recovery of a planted ΔW* (needs `plantedAdapterDirectory`).
    public var plantedRecovery = false
    /// Seed of the random baselines (Fig 4 random panel, Table 7 random directions, Fig 8 random panel).
    public var randomSeed: UInt64 = 0

    public init(rankPairs: [[Int]] = [[8, 64]], maxI: Int = 8, maxJ: Int = 64, seedSimilarityRank: Int? = 64,
                seedMaxI: Int? = nil, seedMaxJ: Int? = nil,
                projectionLayers: [Int]? = nil, projection: Bool = true, directionOverlap: Bool = true, spectra: Bool = true,
                accuracy: Bool = true, plantedRecovery: Bool = false, randomSeed: UInt64 = 0) {
        self.rankPairs = rankPairs
        self.maxI = maxI
        self.maxJ = maxJ
        self.seedSimilarityRank = seedSimilarityRank
        self.seedMaxI = seedMaxI
        self.seedMaxJ = seedMaxJ
        self.projectionLayers = projectionLayers
        self.projection = projection
        self.directionOverlap = directionOverlap
        self.spectra = spectra
        self.accuracy = accuracy
        self.plantedRecovery = plantedRecovery
        self.randomSeed = randomSeed
    }

    enum CodingKeys: String, CodingKey {
        case rankPairs, maxI, maxJ, seedSimilarityRank, seedMaxI, seedMaxJ, projectionLayers, projection, directionOverlap, spectra, accuracy
        case plantedRecovery, randomSeed
    }

    /// Missing keys take their defaults.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = AnalysisOptions()
        rankPairs = try c.decodeIfPresent([[Int]].self, forKey: .rankPairs) ?? d.rankPairs
        maxI = try c.decodeIfPresent(Int.self, forKey: .maxI) ?? d.maxI
        maxJ = try c.decodeIfPresent(Int.self, forKey: .maxJ) ?? d.maxJ
        seedSimilarityRank = c.contains(.seedSimilarityRank)
            ? try c.decodeIfPresent(Int.self, forKey: .seedSimilarityRank) : d.seedSimilarityRank
        seedMaxI = try c.decodeIfPresent(Int.self, forKey: .seedMaxI)
        seedMaxJ = try c.decodeIfPresent(Int.self, forKey: .seedMaxJ)
        projectionLayers = try c.decodeIfPresent([Int].self, forKey: .projectionLayers)
        projection = try c.decodeIfPresent(Bool.self, forKey: .projection) ?? d.projection
        directionOverlap = try c.decodeIfPresent(Bool.self, forKey: .directionOverlap) ?? d.directionOverlap
        spectra = try c.decodeIfPresent(Bool.self, forKey: .spectra) ?? d.spectra
        accuracy = try c.decodeIfPresent(Bool.self, forKey: .accuracy) ?? d.accuracy
        plantedRecovery = try c.decodeIfPresent(Bool.self, forKey: .plantedRecovery) ?? d.plantedRecovery
        randomSeed = try c.decodeIfPresent(UInt64.self, forKey: .randomSeed) ?? d.randomSeed
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rankPairs, forKey: .rankPairs)
        try c.encode(maxI, forKey: .maxI)
        try c.encode(maxJ, forKey: .maxJ)
        if let r = seedSimilarityRank { try c.encode(r, forKey: .seedSimilarityRank) } else { try c.encodeNil(forKey: .seedSimilarityRank) }
        if let v = seedMaxI { try c.encode(v, forKey: .seedMaxI) } else { try c.encodeNil(forKey: .seedMaxI) }
        if let v = seedMaxJ { try c.encode(v, forKey: .seedMaxJ) } else { try c.encodeNil(forKey: .seedMaxJ) }
        if let l = projectionLayers { try c.encode(l, forKey: .projectionLayers) } else { try c.encodeNil(forKey: .projectionLayers) }
        try c.encode(projection, forKey: .projection)
        try c.encode(directionOverlap, forKey: .directionOverlap)
        try c.encode(spectra, forKey: .spectra)
        try c.encode(accuracy, forKey: .accuracy)
        try c.encode(plantedRecovery, forKey: .plantedRecovery)
        try c.encode(randomSeed, forKey: .randomSeed)
    }
}

/// What a report build did, for the CLI to print. (Not written to disk: it carries the elapsed time.)
public struct ReportSummary: Equatable, Sendable {
    /// Files written, relative to the results directory, sorted ("accuracy.csv", "figures/fig3-q-layer3.svg", …).
    public var filesWritten: [String]
    /// Stale files of earlier builds that this build removed (an analysis switched off), relative paths.
    public var filesRemoved: [String]
    /// Every claim with its computed verdict (numbers 1–8).
    public var claims: [ClaimResult]
    /// Runs whose adapters were analysed / runs skipped (diverged) by id.
    public var runsAnalysed: Int
    public var runsSkipped: [String]
    /// Wall-clock seconds of the analyses and writing.
    public var seconds: Double
    /// Wall-clock seconds per phase ("read adapters", "W SVDs", "subspace similarity", …), in order.
    public var phases: [Phase]

    public struct Phase: Equatable, Sendable {
        public var name: String
        public var seconds: Double
        public init(name: String, seconds: Double) { self.name = name; self.seconds = seconds }
    }

    public init(filesWritten: [String], filesRemoved: [String], claims: [ClaimResult], runsAnalysed: Int,
                runsSkipped: [String], seconds: Double, phases: [Phase] = []) {
        self.filesWritten = filesWritten
        self.filesRemoved = filesRemoved
        self.claims = claims
        self.runsAnalysed = runsAnalysed
        self.runsSkipped = runsSkipped
        self.seconds = seconds
        self.phases = phases
    }

    /// Lines for a terminal: files, then one line per claim ("claim 3 (Fig 3): does not hold").
    public var lines: [String] {
        var out = ["wrote \(filesWritten.count) files (\(runsAnalysed) runs analysed"
                   + (runsSkipped.isEmpty ? "" : ", \(runsSkipped.count) skipped: \(runsSkipped.joined(separator: ", "))")
                   + ") in \(NumberFormatShim.seconds(seconds))"]
        if !phases.isEmpty { out.append("  " + phases.map { "\($0.name) \(NumberFormatShim.seconds($0.seconds))" }.joined(separator: ", ")) }
        out += filesWritten.map { "  " + $0 }
        if !filesRemoved.isEmpty { out += filesRemoved.map { "  removed stale " + $0 } }
        out += claims.map { "claim \($0.number) (\($0.source)): \($0.verdict.rawValue)" }
        return out
    }
}

enum NumberFormatShim {
    static func seconds(_ s: Double) -> String { String(format: "%.2f s", s) }
}

/// Errors of the report builder; each names the file (and field) at fault.
public enum ReportError: Error, Equatable, CustomStringConvertible {
    /// A run folder or results file is not as the contract says.
    case invalidInput(file: String, reason: String)
    /// A CSV file of a results folder cannot be read back.
    case invalidCSV(file: String, line: Int, reason: String)
    /// A notebook's generated-section markers are malformed.
    case invalidNotebook(file: String, line: Int, reason: String)
    /// A numerical analysis failed on one adapter.
    case analysisFailed(file: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidInput(file, reason): return "\(file): \(reason)"
        case let .invalidCSV(file, line, reason): return "\(file):\(line): \(reason)"
        case let .invalidNotebook(file, line, reason): return "\(file):\(line): \(reason)"
        case let .analysisFailed(file, reason): return "\(file): \(reason)"
        }
    }
}
