import Analysis
import ExperimentSpec
import Foundation

extension ReportData {
    /// Reads the analysis CSVs of a results folder (each `ReportAnalysis`'s file, then `claims.csv`); absent files stay
    /// nil. Errors name the file and line.
    static func load(from directory: URL, displayPrefix: String = "") throws -> ReportData {
        func doc(_ name: String) throws -> CSVDocument? {
            try CSVDocument.read(directory.appendingPathComponent(name), displayName: displayPrefix + name)
        }
        var data = ReportData()
        for analysis in ReportAnalysis.all {
            if let d = try doc(analysis.file) { try analysis.read(d, &data) }
        }
        if let d = try doc(ReportFiles.claims) { data.claims = try ReportCSVDecoder.claims(d) }
        return data
    }
}

enum ReportCSVDecoder {
    /// A seed column: empty = nil, else an integer ≥ 0 (the error names file, line and column).
    static func seed(_ row: CSVDocument.Row, _ column: String) throws -> UInt64? {
        guard let s = row.optionalString(column) else { return nil }
        guard let v = UInt64(s) else { throw row.error(column, "'\(s)' is not a seed (an integer ≥ 0)") }
        return v
    }

    private static func basis(_ r: CSVDocument.Row) throws -> SimilarityBasis {
        guard let s = r.optionalString("basis") else { return .a }
        guard let b = SimilarityBasis(rawValue: s) else { throw r.error("basis", "'\(s)' is not a, a_minus_a0 or delta_w") }
        return b
    }

    static func similarity(_ d: CSVDocument) throws -> [SimilarityRow] {
        try d.require(SimilarityRow.requiredHeader)
        return try (0..<d.rows.count).map { n in
            let r = d.row(n)
            guard let comparison = SimilarityComparison(rawValue: r.string("comparison")) else {
                throw r.error("comparison", "'\(r.string("comparison"))' is not rank or seed")
            }
            return SimilarityRow(layer: try r.int("layer"), matrix: r.string("matrix"), runA: r.string("run_a"),
                                 runB: r.string("run_b"), i: try r.int("i"), j: try r.int("j"), phi: try r.double("phi"),
                                 expectedRandom: try r.double("expected_random"), comparison: comparison, targets: r.string("targets"),
                                 rankA: try r.int("rank_a"), rankB: try r.int("rank_b"), ambient: try r.int("ambient_dim"),
                                 null: try CellNull.read(r), basis: try basis(r),
                                 runAId: r.optionalString("run_a_id") ?? r.string("run_a"),
                                 runBId: r.optionalString("run_b_id") ?? r.string("run_b"))
        }
    }

    static func projection(_ d: CSVDocument) throws -> [ProjectionRow] {
        try d.require(ProjectionRow.header.filter { $0 != "init_seed" })
        return try (0..<d.rows.count).map { n in
            let r = d.row(n)
            guard let source = DirectionSource(rawValue: r.string("directions_from")) else {
                throw r.error("directions_from", "'\(r.string("directions_from"))' is not delta_w, w or random")
            }
            return ProjectionRow(layer: try r.int("layer"), matrix: r.string("matrix"), rank: try r.int("rank"), seed: try seed(r, "seed"),
                                 directionsFrom: source, projectionNorm: try r.double("projection_norm"),
                                 weightNorm: try r.double("weight_norm"), deltaNorm: try r.optionalDouble("delta_norm"),
                                 amplification: try r.optionalDouble("amplification"),
                                 randomExpectation: try r.optionalDouble("random_expectation"), targets: r.string("targets"),
                                 dataSeed: try seed(r, "data_seed"), run: r.string("run"), null: try ProjectionNull.read(r))
        }
    }

    static func overlap(_ d: CSVDocument) throws -> [OverlapRow] {
        try d.require(OverlapRow.header.filter { $0 != "init_seed" })
        return try (0..<d.rows.count).map { n in
            let r = d.row(n)
            return OverlapRow(layer: try r.int("layer"), matrix: r.string("matrix"), run: r.string("run"), rank: try r.int("rank"),
                              seed: try seed(r, "seed"), i: try r.int("i"), j: try r.int("j"), phi: try r.double("phi"),
                              expectedRandom: try r.double("expected_random"), targets: r.string("targets"),
                              dataSeed: try seed(r, "data_seed"), null: try CellNull.read(r))
        }
    }

    static func spectra(_ d: CSVDocument) throws -> [SpectrumRow] {
        try d.require(SpectrumRow.header.filter { $0 != "init_seed" })
        return try (0..<d.rows.count).map { n in
            let r = d.row(n)
            return SpectrumRow(run: r.string("run"), layer: try r.int("layer"), matrix: r.string("matrix"), index: try r.int("index"),
                               singularValue: try r.double("singular_value"), stableRank: try r.double("stable_rank"),
                               energyRank90: try r.int("energy_rank_90"), cumulativeEnergy: try r.double("cumulative_energy"),
                               targets: r.string("targets"), rank: try r.int("rank"), seed: try seed(r, "seed"),
                               dataSeed: try seed(r, "data_seed"))
        }
    }

    static func planted(_ d: CSVDocument) throws -> [PlantedRow] {
        try d.require(PlantedRow.header.filter { $0 != "init_seed" })
        return try (0..<d.rows.count).map { n in
            let r = d.row(n)
            return PlantedRow(run: r.string("run"), layer: try r.int("layer"), matrix: r.string("matrix"), rank: try r.int("rank"),
                              seed: try seed(r, "seed"), k: try r.int("k"), recovery: try r.double("recovery"),
                              expectedRandom: try r.double("expected_random"),
                              recoveryData: try r.optionalDouble("recovery_data_metric"), nullMean: try r.optionalDouble("null_mean"),
                              nullUpper: try r.optionalDouble("null_upper"), targets: r.string("targets"),
                              plantedRank: try r.int("planted_rank"), dataSeed: try seed(r, "data_seed"))
        }
    }

    static func accuracy(_ d: CSVDocument) throws -> [AccuracyRow] {
        try d.require(AccuracyRow.fixedHeader)
        let extraColumns = d.header.filter { !AccuracyRow.fixedHeader.contains($0) }
        return try (0..<d.rows.count).map { n in
            let r = d.row(n)
            var extras: [String: Double] = [:]
            for c in extraColumns { if let v = try r.optionalDouble(c) { extras[c] = v } }
            return AccuracyRow(run: r.string("run"), targets: r.string("targets"), rank: try r.int("rank"),
                               dataSeed: try seed(r, "data_seed"), initSeed: try seed(r, "init_seed"),
                               trainableParams: try r.optionalInt("trainable_params"), status: r.string("status"),
                               steps: try r.optionalInt("steps"), metric: r.string("metric"), split: r.string("split"), value: try r.optionalDouble("value"),
                               majorityBaseline: try r.optionalDouble("majority_baseline"), alpha: try r.optionalDouble("alpha"),
                               scaling: try r.optionalDouble("scaling"), trainSeconds: try r.optionalDouble("train_seconds"),
                               examples: try r.optionalInt("examples"), extras: extras)
        }
    }

    static func claims(_ d: CSVDocument) throws -> [ClaimResult] {
        try d.require(ClaimResult.csvHeader)
        return try (0..<d.rows.count).map { n in
            let r = d.row(n)
            guard let verdict = Verdict(rawValue: r.string("verdict")) else {
                throw r.error("verdict", "'\(r.string("verdict"))' is not a verdict")
            }
            return ClaimResult(number: try r.int("claim"), source: r.string("source"), statement: r.string("statement"),
                               verdict: verdict, ours: r.string("ours"), paper: r.string("paper"), rule: r.string("rule"),
                               uncertainty: r.string("uncertainty"))
        }
    }
}
