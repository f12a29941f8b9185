import Analysis
import Foundation
import LinearAlgebra
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

final class ReportCSVTests: XCTestCase {
    /// The fast number formatter gives exactly `NumberFormat.csv`'s bytes.
    func testFastNumberFormatEqualsNumberFormatCSV() {
        var rng = SeededGenerator(seed: 7, stream: "csv-format")
        var values: [Double] = [0, -0.0, 1, -1, 0.1, 1e-5, -1e-300, 1e300, 123456789012, 0.30000000000000004, 21.5, 1.88,
                                -0.00000000001, .nan, .infinity, -.infinity, Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude]
        for _ in 0..<2000 {
            let m = rng.nextGaussian(), e = Double(rng.nextInt(below: 40) - 20)
            values.append(m * pow(10, e))
            values.append(Double(Float(m)))
        }
        for x in values { XCTAssertEqual(ReportNumber.csv(x), NumberFormat.csv(x), "\(x)") }
        XCTAssertEqual(ReportNumber.csv(nil), "")
    }

    func testParseQuotedFieldsAndLineEnds() throws {
        let text = "a,b,c\r\n1,\"x, \"\"y\"\"\",\n2,\"multi\nline\",3"
        let doc = try CSVDocument.parse(Data(text.utf8), file: "t.csv")
        XCTAssertEqual(doc.header, ["a", "b", "c"])
        XCTAssertEqual(doc.rows, [["1", "x, \"y\"", ""], ["2", "multi\nline", "3"]])
        XCTAssertEqual(try doc.row(0).optionalDouble("c"), nil)
        XCTAssertEqual(try doc.row(1).int("c"), 3)
    }

    func testMalformedCSVNamesFileLineAndColumn() {
        XCTAssertThrowsError(try CSVDocument.parse(Data("a,b\n1\n".utf8), file: "t.csv")) {
            XCTAssertEqual("\($0)", "t.csv:2: 1 fields, the header has 2")
        }
        XCTAssertThrowsError(try CSVDocument.parse(Data("a\n\"open\n".utf8), file: "t.csv")) {
            XCTAssertTrue("\($0)".contains("not closed"))
        }
        let doc = try! CSVDocument.parse(Data("layer,phi\nx,0.5\n".utf8), file: "s.csv")
        XCTAssertThrowsError(try doc.row(0).int("layer")) { XCTAssertEqual("\($0)", "s.csv:2: column 'layer' 'x' is not an integer") }
        XCTAssertThrowsError(try ReportCSVDecoder.similarity(doc)) { XCTAssertTrue("\($0)".contains("column 'matrix' is missing")) }
    }

    /// Every CSV the builder writes reads back to the same rows.
    func testEncodeDecodeRoundTrip() throws {
        let sim = [SimilarityRow(layer: 0, matrix: "", runA: "a", runB: "b", i: 1, j: 2, phi: 0.25, expectedRandom: 0.125,
                                 comparison: .seed, targets: "", rankA: 8, rankB: 8, ambient: 16, null: nil, basis: .learned,
                                 runAId: "a", runBId: "b"),
                   SimilarityRow(layer: 3, matrix: "q", runA: "r8-s1", runB: "r64-s1", i: 1, j: 1, phi: csvRounded(1 / 3.0),
                                 expectedRandom: csvRounded(1 / 384.0), comparison: .rank, targets: "q+v", rankA: 8, rankB: 64, ambient: 384,
                                 null: CellNull(mean: 0.0026, lower: 0, upper: 0.0125, quantile: 1), runAId: "qv-r8-d1-i1-67cbfe90a3",
                                 runBId: "qv-r64-d1-i1-9059c92cf0")]
        XCTAssertEqual(try ReportCSVDecoder.similarity(CSVDocument.parse(Data(ReportCSVEncoder.similarity(sim).utf8), file: "s")), sim)
        let proj = [ProjectionRow(layer: 0, matrix: "v", rank: 4, seed: 1, directionsFrom: .deltaW, projectionNorm: 0.32, weightNorm: 61.95,
                                  deltaNorm: 6.91, amplification: .infinity, randomExpectation: nil, targets: "q+v", dataSeed: 2, run: "x,y",
                                  null: ProjectionNull(mean: 0.02, standardDeviation: 0.01, lower: 0.005, upper: 0.04, draws: 200, z: 30,
                                                       quantile: 1, randomAmplification: 345.5, ratio: 0.0625, ratioLower: 0.016,
                                                       ratioUpper: 0.125)),
                    ProjectionRow(layer: 0, matrix: "v", rank: 4, seed: nil, directionsFrom: .w, projectionNorm: 21.67, weightNorm: 61.95,
                                  deltaNorm: nil, amplification: nil, randomExpectation: nil, targets: "q+v", dataSeed: nil, run: "r", null: nil)]
        XCTAssertEqual(try ReportCSVDecoder.projection(CSVDocument.parse(Data(ReportCSVEncoder.projection(proj).utf8), file: "p")), proj)
        let acc = [AccuracyRow(run: "r", targets: "q", rank: 1, dataSeed: nil, initSeed: 18446744073709551615, trainableParams: 10,
                               status: "finished", steps: 3, metric: "accuracy", split: "validation", value: 0.5, majorityBaseline: nil, alpha: 8, scaling: 8,
                               trainSeconds: 1.5, examples: 2000, extras: ["macro_f1": 0.4, "val_steps": 2])]
        XCTAssertEqual(try ReportCSVDecoder.accuracy(CSVDocument.parse(Data(ReportCSVEncoder.accuracy(acc).utf8), file: "a")), acc)
        let claims = [ClaimResult(number: 1, source: "Table 5", statement: "s, with \"quotes\"", verdict: .notTested, ours: "a\nb",
                                  paper: "p", rule: "r", uncertainty: "u")]
        let nulls = [NullRow(statistic: .projectionGrowth, layer: 3, matrix: "q", rankA: 4, rankB: 64, k: nil, draws: 200, mean: 16.5,
                             standardDeviation: 4, lower: 10, upper: 25, stream: "null/table7/L3/q/r64 ÷ null/table7/L3/q/r4")]
        XCTAssertEqual(try ReportCSVDecoder.nulls(CSVDocument.parse(Data(ReportCSVEncoder.growthNulls(nulls).utf8), file: "n")), nulls)
        let diagonal = [NullRow(statistic: .diagonalMean, layer: 3, matrix: "q", rankA: 8, rankB: 8, k: 8, draws: 200, mean: 0.01,
                                standardDeviation: 0.002, lower: 0.007, upper: 0.017, stream: "null/similarity/L3/q/r8/8x8")]
        XCTAssertEqual(try ReportCSVDecoder.nulls(CSVDocument.parse(Data(ReportCSVEncoder.nulls(diagonal).utf8), file: "n")), diagonal)
        let overlap = [OverlapRow(layer: 1, matrix: "q", run: "r", rank: 8, seed: 1, i: 2, j: 3, phi: 0.5, expectedRandom: 0.1875,
                                  targets: "q", dataSeed: 1, null: CellNull(mean: 0.19, lower: 0.05, upper: 0.4, quantile: 0.995))]
        XCTAssertEqual(try ReportCSVDecoder.overlap(CSVDocument.parse(Data(ReportCSVEncoder.overlap(overlap).utf8), file: "o")), overlap)
        XCTAssertEqual(try ReportCSVDecoder.claims(CSVDocument.parse(Data(ReportCSVEncoder.claims(claims).utf8), file: "c")), claims)
    }
}
