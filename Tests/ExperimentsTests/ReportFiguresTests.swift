import Foundation
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// The report's figures: Fig 4 laid out as the paper's, Fig 8's colour scale fitted to its values.
final class ReportFiguresTests: XCTestCase {
    func testColorScaleTopFitsTheData() {
        XCTAssertEqual(ReportFigures.colorScaleTop([0, 0.031, 0.071]), 0.08, accuracy: 1e-12)
        XCTAssertEqual(ReportFigures.colorScaleTop([0.2, 0.23]), 0.25, accuracy: 1e-12)
        XCTAssertEqual(ReportFigures.colorScaleTop([0.97]), 1)
        XCTAssertEqual(ReportFigures.colorScaleTop([0, .nan]), 1)
    }

    /// fig4-layer<L>.svg holds ΔW_q and ΔW_v side by side and one random panel; Fig 8 states its scale.
    func testFig4AndFig8Layout() throws {
        let root = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (results, _) = try ReportFixture.build(in: root)
        let fig4 = try String(contentsOf: results.appendingPathComponent("figures/fig4-layer1.svg"), encoding: .utf8)
        XCTAssertEqual(fig4.components(separatedBy: "<g class=\"panel\">").count - 1, 3)
        XCTAssertTrue(fig4.contains(">ΔW_q: r") && fig4.contains(">ΔW_v: r") && fig4.contains(">random<"), "q, v and random panels")
        XCTAssertTrue(fig4.contains("r64-s1 = the run of rank 64"), "the caption defines the panel labels")
        let fig8 = try String(contentsOf: results.appendingPathComponent("figures/fig8-q.svg"), encoding: .utf8)
        XCTAssertTrue(fig8.contains("Colour scale 0–"))
        XCTAssertTrue(fig8.contains(">scale 0–"))
    }
}
