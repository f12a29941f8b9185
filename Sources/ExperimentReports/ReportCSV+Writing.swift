import Analysis
import ExperimentSpec
import Foundation

/// Rounds a number exactly as the CSV writes it, so values in memory equal values read back.
func csvRounded(_ x: Double) -> Double {
    guard x.isFinite else { return x }
    return Double(ReportNumber.csv(x))!
}

func csvRoundedOptional(_ x: Double?) -> Double? { x.map(csvRounded) }

/// Builds CSV text line by line: numeric cells through `ReportNumber`, text cells quoted when RFC 4180 needs it.
struct CSVText {
    private(set) var text = ""
    let columns: Int

    init(header: [String]) {
        columns = header.count
        text.reserveCapacity(1 << 16)
        text += header.map(CSVTable.quote).joined(separator: ",") + "\n"
    }

    mutating func append(_ cells: [String]) {
        precondition(cells.count == columns, "row has \(cells.count) cells, header \(columns)")
        var first = true
        for c in cells {
            if !first { text += "," }
            first = false
            text += CSVTable.quote(c)
        }
        text += "\n"
    }
}

func seedCell(_ s: UInt64?) -> String { s.map { String($0) } ?? "" }

/// Formats a column with few distinct values (the random expectations) once per value.
struct RepeatedNumbers {
    private var cache: [UInt64: String] = [:]
    public mutating func csv(_ x: Double) -> String {
        if let s = cache[x.bitPattern] { return s }
        let s = ReportNumber.csv(x)
        cache[x.bitPattern] = s
        return s
    }
}

enum ReportCSVEncoder {
    static func similarity(_ rows: [SimilarityRow]) -> String {
        var out = CSVText(header: SimilarityRow.header)
        var expected = RepeatedNumbers()
        for r in rows {
            out.append([String(r.layer), r.matrix, r.runA, r.runB, String(r.i), String(r.j), ReportNumber.csv(r.phi),
                        expected.csv(r.expectedRandom), r.comparison.rawValue, r.targets, String(r.rankA), String(r.rankB),
                        String(r.ambient)] + CellNull.cells(r.null) + [r.basis.rawValue, r.runAId, r.runBId])
        }
        return out.text
    }

    static func projection(_ rows: [ProjectionRow]) -> String {
        var out = CSVText(header: ProjectionRow.header)
        for r in rows {
            out.append([String(r.layer), r.matrix, String(r.rank), seedCell(r.seed), r.directionsFrom.rawValue,
                        ReportNumber.csv(r.projectionNorm), ReportNumber.csv(r.weightNorm), ReportNumber.csv(r.deltaNorm),
                        ReportNumber.csv(r.amplification), ReportNumber.csv(r.randomExpectation), r.targets, seedCell(r.dataSeed), r.run]
                       + ProjectionNull.cells(r.null) + [seedCell(r.seed)])
        }
        return out.text
    }

    static func overlap(_ rows: [OverlapRow]) -> String {
        var out = CSVText(header: OverlapRow.header)
        var expected = RepeatedNumbers()
        for r in rows {
            out.append([String(r.layer), r.matrix, r.run, String(r.rank), seedCell(r.seed), String(r.i), String(r.j),
                        ReportNumber.csv(r.phi), expected.csv(r.expectedRandom), r.targets, seedCell(r.dataSeed)] + CellNull.cells(r.null)
                       + [seedCell(r.seed)])
        }
        return out.text
    }

    static func spectra(_ rows: [SpectrumRow]) -> String {
        var out = CSVText(header: SpectrumRow.header)
        for r in rows {
            out.append([r.run, String(r.layer), r.matrix, String(r.index), ReportNumber.csv(r.singularValue),
                        ReportNumber.csv(r.stableRank), String(r.energyRank90), ReportNumber.csv(r.cumulativeEnergy), r.targets,
                        String(r.rank), seedCell(r.seed), seedCell(r.dataSeed), seedCell(r.seed)])
        }
        return out.text
    }

    static func planted(_ rows: [PlantedRow]) -> String {
        var out = CSVText(header: PlantedRow.header)
        for r in rows {
            out.append([r.run, String(r.layer), r.matrix, String(r.rank), seedCell(r.seed), String(r.k), ReportNumber.csv(r.recovery),
                        ReportNumber.csv(r.expectedRandom), ReportNumber.csv(r.recoveryData), ReportNumber.csv(r.nullMean),
                        ReportNumber.csv(r.nullUpper), r.targets, String(r.plantedRank), seedCell(r.dataSeed), seedCell(r.seed)])
        }
        return out.text
    }

    /// The extra metric columns of `accuracy.csv` for these rows (sorted).
    static func accuracyExtraColumns(_ rows: [AccuracyRow]) -> [String] {
        Array(Set(rows.flatMap { $0.extras.keys })).sorted()
    }

    static func accuracy(_ rows: [AccuracyRow]) -> String {
        let extras = accuracyExtraColumns(rows)
        var out = CSVText(header: AccuracyRow.fixedHeader + extras)
        for r in rows {
            out.append([r.run, r.targets, String(r.rank), seedCell(r.dataSeed), seedCell(r.initSeed), ReportNumber.int(r.trainableParams),
                        r.status, ReportNumber.int(r.steps), r.metric, r.split, ReportNumber.csv(r.value), ReportNumber.csv(r.majorityBaseline),
                        ReportNumber.csv(r.alpha), ReportNumber.csv(r.scaling), ReportNumber.csv(r.trainSeconds),
                        ReportNumber.int(r.examples)]
                       + extras.map { ReportNumber.csv(r.extras[$0]) })
        }
        return out.text
    }

    static func claims(_ claims: [ClaimResult]) -> String {
        var out = CSVText(header: ClaimResult.csvHeader)
        for c in claims {
            out.append([String(c.number), c.source, c.verdict.rawValue, c.ours, c.paper, c.rule, c.statement, c.uncertainty])
        }
        return out.text
    }
}
