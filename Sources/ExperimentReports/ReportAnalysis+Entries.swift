import Analysis
import ExperimentSpec
import Foundation

/// The entries of `ReportAnalysis.all`. Conventions (docs/conventions.md): ΔW = scaling·B·A (α/r, rsLoRA α/√r), W the frozen
/// weight in (out, in) layout, φ on the RIGHT singular vectors of A (Sec 7.2, Eq. 4), Table 7 on the top-r singular
/// vectors as columns (Sec 7.3).
extension ReportAnalysis {
    /// The primary metric of every run on the spec's accuracy split (Tables 5 and 6; claims 1 and 2). Needs run records:
    /// spec scope only.
    static let accuracy = make(
        key: "accuracy", file: ReportFiles.accuracy, rows: \.accuracy, sections: [.table6, .table5, .accuracy],
        figurePrefixes: ["accuracy-vs-rank"], claims: [1, 2], needsAdapters: false,
        isOn: { o, scope in o.accuracy && scope == .spec },
        compute: { try ReportBuilder.accuracyRows($0.runs, split: $0.options.accuracySplit, validationExamples: $0.validationExamples) },
        encode: ReportCSVEncoder.accuracy, decode: ReportCSVDecoder.accuracy,
        figures: { env in ReportFigures.accuracy(env.data, context: env.context).map { [(ReportFigures.accuracyName, $0)] } ?? [] })

    /// φ between A factors (Sec 7.2): Fig 3 (two ranks, same seeds) and Fig 4 (two seeds at one rank) for a spec; every
    /// pair of adapters for `experiment analyze` (two ranks as Fig 3, one rank as Fig 4); each grid on A (the paper's
    /// definition, which the claims read), on A − A₀ and on ΔW, each cell with its Monte-Carlo null (claims 3, 4, 8).
    static let subspaceSimilarity = make(
        key: "subspaceSimilarity", file: ReportFiles.similarity, rows: \.similarity, sections: [.fig3, .fig4],
        figurePrefixes: ["fig3-", "fig4-"], claims: [3, 4, 8],
        isOn: { o, scope in scope == .adapters || !o.rankPairs.isEmpty || o.seedRank != nil },
        compute: { inputs in
            let e = inputs.engine
            let pairs = inputs.scope == .spec ? e.rankPairs(inputs.subjects) + e.seedPairs(inputs.subjects) : e.adapterPairs(inputs.subjects)
            return inputs.scope == .adapters && pairs.isEmpty ? nil : try e.similarityRows(pairs)
        },
        encode: ReportCSVEncoder.similarity, decode: ReportCSVDecoder.similarity,
        figures: { env in ReportFigures.fig3(env.phi) + ReportFigures.fig4(env.phi) })

    /// The null of D of Fig 4 (claim 4), a statistic that is not one CSV cell (`NullRow`). Runs after the analyses whose
    /// draws it summarises (their nulls are cached in the engine).
    static let nullDistributions = make(
        key: "nullDistributions", file: ReportFiles.nulls, rows: \.nulls, sections: [], claims: [4],
        isOn: { o, scope in o.seedRank != nil || scope == .adapters },
        compute: { inputs in
            let e = inputs.engine
            let seeds = inputs.scope == .spec ? (inputs.options.seedRank != nil ? e.seedPairs(inputs.subjects) : [])
                : e.adapterPairs(inputs.subjects).filter { $0.comparison == .seed }
            let rows = try e.diagonalNullRows(seedPairs: seeds)
            return rows.isEmpty && inputs.scope == .adapters ? nil : rows
        },
        encode: { ReportCSVEncoder.nulls($0) }, decode: ReportCSVDecoder.nulls)

    /// The null of Table 7's projection growth between ranks (claim 6; `NullRow` without `k`), after `projection`.
    static let growthNulls = make(
        key: "growthNulls", file: ReportFiles.growthNulls, rows: \.growthNulls, sections: [], claims: [6],
        isOn: { o, _ in o.projectionOn },
        compute: { inputs in
            let rows = try inputs.engine.growthNullRows(projectionSubjects: inputs.subjects)
            return rows.isEmpty && inputs.scope == .adapters ? nil : rows
        },
        encode: ReportCSVEncoder.growthNulls, decode: ReportCSVDecoder.nulls)

    /// Table 7 (Sec 7.3): ‖UᵀWV‖_F for U, V from ΔW, W and random directions, and the amplification (claims 5, 6).
    static let projection = make(
        key: "projection", file: ReportFiles.projection, rows: \.projection, sections: [.table7], claims: [5, 6],
        isOn: { o, _ in o.projectionOn },
        compute: { try $0.engine.projectionRows($0.subjects) },
        encode: ReportCSVEncoder.projection, decode: ReportCSVDecoder.projection)

    /// App. H.3 / Fig 8: φ between the top right singular vectors of W and of ΔW (claim 7).
    static let directionOverlap = make(
        key: "directionOverlap", file: ReportFiles.overlap, rows: \.overlap, sections: [.overlap],
        figurePrefixes: ["fig8-"], claims: [7],
        isOn: { o, _ in o.directionOverlap },
        compute: { try $0.engine.overlapRows($0.subjects) },
        encode: ReportCSVEncoder.overlap, decode: ReportCSVDecoder.overlap,
        figures: { ReportFigures.fig8($0.overlapPanels) })

    /// Singular values of ΔW, stable rank and 90 % energy rank.
    static let spectra = make(
        key: "spectra", file: ReportFiles.spectra, rows: \.spectra, sections: [.spectra], figurePrefixes: ["spectra-"],
        isOn: { o, _ in o.spectra },
        compute: { try $0.engine.spectrumRows($0.subjects) },
        encode: ReportCSVEncoder.spectra, decode: ReportCSVDecoder.spectra)

    /// recovery(k) of a planted ΔW* (planted-rank task; spec scope only).
    static let plantedRecovery = make(
        key: "plantedRecovery", file: ReportFiles.planted, rows: \.planted, sections: [.planted],
        figurePrefixes: ["planted-recovery"],
        isOn: { o, scope in o.plantedRecovery && scope == .spec },
        compute: { inputs in
            guard let dir = inputs.plantedDirectory else { return nil }
            let firstLayer = inputs.runs.filter { $0.outcome.status == .finished }.flatMap(\.layers).min() ?? 0
            let planted = try AnalysisSubject.load(directory: dir, id: "planted", label: "planted", targets: nil, rank: nil,
                                                   initSeed: nil, dataSeed: nil, expectedScaling: nil,
                                                   dimensions: inputs.engine.dimensions(layer: firstLayer),
                                                   layerCount: AnalysisSubject.layerCount(ofAdapter: dir))
            return try inputs.engine.plantedRows(inputs.subjects, planted: planted,
                                                 covariances: try InputCovarianceFile.read(directory: dir))
        },
        encode: ReportCSVEncoder.planted, decode: ReportCSVDecoder.planted,
        figures: { env in ReportFigures.planted(env.data).map { [(ReportFigures.plantedName, $0)] } ?? [] })
}
