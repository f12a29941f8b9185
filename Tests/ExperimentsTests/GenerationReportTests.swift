import Foundation
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec

/// The report pieces of a causal LM's runs, without a model: `generations.csv` round-trips texts with commas, quotes
/// and line breaks; the generations section shows the reference, the base model and one run per rank; a loss as the
/// primary metric gets its own Table 6 heading, no paper accuracies beside it, and a perplexity column in Runs.
final class GenerationReportTests: XCTestCase {
    static func row(_ run: String, rank: Int, prompt: String, tuned: String) -> GenerationRow {
        GenerationRow(run: run, targets: "q+v", rank: rank, dataSeed: 1, initSeed: 1, promptId: "n1", prompt: prompt,
                      reference: " a \"quoted\", two-line\ngloss", base: " a person, who", baseStopped: false, tuned: tuned, tunedStopped: true)
    }

    static func lossRow(_ run: String, rank: Int, loss: Double) -> AccuracyRow {
        AccuracyRow(run: run, targets: "q+v", rank: rank, dataSeed: 1, initSeed: 1, trainableParams: 100, status: "finished", steps: 300,
                    metric: "loss", split: "validation", value: loss, majorityBaseline: nil, alpha: 8, scaling: 8 / Double(rank), trainSeconds: 1,
                    examples: 200, extras: ["perplexity": exp(loss)])
    }

    func testGenerationsCSVRoundTrips() throws {
        let rows = [Self.row("qv-r1", rank: 1, prompt: "dog (noun):", tuned: " a | b, \"c\""), Self.row("qv-r8", rank: 8, prompt: "dog (noun):", tuned: "\n")]
        let text = ReportCSVEncoder.generations(rows)
        XCTAssertTrue(text.hasPrefix(GenerationRow.header.joined(separator: ",") + "\n"))
        XCTAssertEqual(try ReportCSVDecoder.generations(CSVDocument.parse(Data(text.utf8), file: "generations.csv")), rows)
    }

    func testSectionsOfALossMetricAndGenerations() throws {
        var data = ReportData()
        data.accuracy = [Self.lossRow("qv-r1", rank: 1, loss: 3.5), Self.lossRow("qv-r8", rank: 8, loss: 3.25)]
        data.generations = [Self.row("qv-r1", rank: 1, prompt: "dog (noun):", tuned: " a pet"),
                            Self.row("qv-r8", rank: 8, prompt: "dog (noun):", tuned: " a canine")]
        let env = SectionEnvironment(data: data, context: nil)
        XCTAssertEqual(ReportMarkdown.heading(.table6, env), "Table 6 shape: validation loss by rank r")
        let table6 = try XCTUnwrap(ReportMarkdown.body(.table6, env))
        XCTAssertFalse(table6.contains("WikiSQL (paper"), "no paper accuracies beside a loss")
        XCTAssertTrue(table6.contains("3.5 (n=1)") && table6.contains("25.79 (n=1)"), table6)
        let runs = try XCTUnwrap(ReportMarkdown.body(.accuracy, env))
        XCTAssertTrue(runs.contains("| Perplexity |"), runs)
        let section = try XCTUnwrap(ReportMarkdown.body(.generations, env))
        XCTAssertTrue(section.contains("Prompt `dog (noun):` (n1)"))
        XCTAssertTrue(section.contains("| base model") && section.contains(" a person, who"), section)
        XCTAssertTrue(section.contains("q+v r = 8 (`qv-r8`)") && section.contains(" a canine ⏹"), section)
        XCTAssertTrue(section.contains("two-line<br>gloss"), "line breaks cannot break the table")
        XCTAssertNil(ReportMarkdown.body(.generations, SectionEnvironment(data: ReportData(), context: nil)))
    }
}
