import Analysis
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// Counts elements by name and by `class` while parsing; fails on malformed XML.
private final class SVGCensus: NSObject, XMLParserDelegate {
    var elements: [String: Int] = [:]
    /// Elements inside a <g class="…">, keyed "class/element".
    var insideGroup: [String: Int] = [:]
    var texts: [String] = []
    var root: String?
    private var groupStack: [String?] = []
    private var currentText = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if root == nil { root = name }
        elements[name, default: 0] += 1
        if let group = groupStack.compactMap({ $0 }).last { insideGroup["\(group)/\(name)", default: 0] += 1 }
        if name == "g" { groupStack.append(attributes["class"]) }
        if let c = attributes["class"] { elements[".\(c)", default: 0] += 1 }
        currentText = ""
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "g" { groupStack.removeLast() }
        if name == "text" || name == "title" { texts.append(currentText) }
        currentText = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { currentText += string }

    static func parse(_ svg: String, file: StaticString = #filePath, line: UInt = #line) -> SVGCensus {
        let census = SVGCensus()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = census
        XCTAssertTrue(parser.parse(), "malformed SVG: \(String(describing: parser.parserError))", file: file, line: line)
        return census
    }
}

final class SVGTests: XCTestCase {
    private func fig3Panels() -> [HeatmapPanel] {
        let full = (1...8).map { i in (1...64).map { j in Double(i * j % 17) / 16 } }
        let zoom = full.map { Array($0.prefix(8)) }
        return [HeatmapPanel(title: "ΔWq: r=8 vs r=64 & <all>", values: full),
                HeatmapPanel(title: "zoom j ≤ 8", values: zoom)]
    }

    /// Fig 3 layout: an 8 × 64 panel and its 8 × 8 zoom ⇒ 512 + 64 cells; deterministic bytes; well-formed XML.
    func testHeatmapIsDeterministicWellFormedWithAllCells() {
        let svg = SVG.heatmaps(fig3Panels(), title: "Fig 3 — φ(A_{r=8}, A_{r=64}, i, j)")
        XCTAssertEqual(svg, SVG.heatmaps(fig3Panels(), title: "Fig 3 — φ(A_{r=8}, A_{r=64}, i, j)"))
        let census = SVGCensus.parse(svg)
        XCTAssertEqual(census.root, "svg")
        XCTAssertEqual(census.insideGroup["cells/rect"], 512 + 64)
        XCTAssertEqual(census.elements[".panel"], 2)
        XCTAssertEqual(census.elements[".colorbar"], 1)
        // The 8 × 8 zoom panel is small enough to print values: 64 labels.
        XCTAssertEqual(census.insideGroup["cell-values/text"], 64)
        XCTAssertTrue(census.texts.contains("ΔWq: r=8 vs r=64 & <all>"))  // escaped in the file, intact after parsing
        XCTAssertTrue(census.texts.contains("i") && census.texts.contains("j"))
        XCTAssertTrue(census.texts.contains("64"))  // last column tick of the full panel
        XCTAssertFalse(svg.contains("http://") && svg.contains("href"))  // no external references
    }

    /// Cell colours follow the map: value 0 → #440154, 1 → #fde725, values outside the range clamp, NaN grey.
    func testHeatmapColours() {
        let svg = SVG.heatmaps([HeatmapPanel(title: "t", values: [[0, 1], [2, .nan]])], title: "colours")
        let cells = svg.components(separatedBy: "\n").filter { $0.hasPrefix("<rect") && $0.contains("width=\"40\"") }
        XCTAssertEqual(cells.count, 4)
        XCTAssertTrue(cells[0].hasSuffix("fill=\"#440154\"/>"))
        XCTAssertTrue(cells[1].hasSuffix("fill=\"#fde725\"/>"))
        XCTAssertTrue(cells[2].hasSuffix("fill=\"#fde725\"/>"))
        XCTAssertTrue(cells[3].hasSuffix("fill=\"#d9d9d9\"/>"))
        XCTAssertEqual(SVGCensus.parse(svg).insideGroup["cells/rect"], 4)
    }

    /// Fig 4 layout: two 64 × 64 panels, 8192 cells; tick labels thinned (not all 64 printed).
    func testLargeHeatmap() {
        let grid = (0..<64).map { i in (0..<64).map { j in i == j ? 1.0 : 0.01 } }
        let svg = SVG.heatmaps([HeatmapPanel(title: "seed 1 vs 2", values: grid), HeatmapPanel(title: "random", values: grid)],
                               title: "Fig 4")
        let census = SVGCensus.parse(svg)
        XCTAssertEqual(census.insideGroup["cells/rect"], 8192)
        XCTAssertNil(census.insideGroup["cell-values/text"])
        XCTAssertLessThan(census.insideGroup["row-ticks/text"]!, 2 * 20)
    }

    private func rankChart() -> LineChart {
        LineChart(title: "Accuracy vs rank", xLabel: "rank r", yLabel: "validation accuracy",
                  series: [
                      .init(name: "q,v", points: [.init(x: 1, y: 0.80, error: 0.01), .init(x: 8, y: 0.83, error: 0.004),
                                                  .init(x: 64, y: 0.835, error: nil)]),
                      .init(name: "q", points: [.init(x: 1, y: 0.70), .init(x: 8, y: .nan), .init(x: 64, y: 0.79)]),
                  ],
                  xScale: .log2, referenceLines: [.init(y: 0.15, label: "majority class")])
    }

    /// Markers for every finite point (5 + 2 in the legend), error bars where given, log₂ ticks 1 … 64.
    func testLineChart() {
        let svg = SVG.lineChart(rankChart())
        XCTAssertEqual(svg, SVG.lineChart(rankChart()))
        let census = SVGCensus.parse(svg)
        XCTAssertEqual(census.root, "svg")
        XCTAssertEqual(census.elements[".marker"], 5 + 2)
        XCTAssertEqual(census.elements[".error-bar"], 2)
        XCTAssertEqual(census.insideGroup["series/polyline"], 1)  // "q" is broken by its NaN into two single points
        // The y range fits the data (0.79–0.839), not the majority line at 0.15: the legend names it instead.
        XCTAssertNil(census.insideGroup["reference-lines/line"])
        XCTAssertTrue(census.texts.contains("majority class 0.15 (below the axis)"))
        XCTAssertFalse(census.texts.contains("0.2"))
        for tick in ["1", "2", "4", "8", "16", "32", "64"] { XCTAssertTrue(census.texts.contains(tick), tick) }
        XCTAssertTrue(census.texts.contains("q,v"))
    }

    /// Integer x axes get whole-number ticks only; a reference line inside the range is drawn with its label.
    func testIntegerTicksAndReferenceLineInRange() {
        let chart = LineChart(title: "recovery", xLabel: "k", yLabel: "φ", series: [.init(name: "q", points: [.init(x: 1, y: 0.2),
                              .init(x: 2, y: 0.9)])], referenceLines: [.init(y: 0.5, label: "half")], integerX: true)
        let census = SVGCensus.parse(SVG.lineChart(chart))
        XCTAssertEqual(census.insideGroup["reference-lines/line"], 1)
        XCTAssertTrue(census.texts.contains("half"))
        XCTAssertTrue(census.texts.contains("1") && census.texts.contains("2"))
        XCTAssertFalse(census.texts.contains { $0.hasPrefix("1.") }, "a fractional tick on an integer axis")
    }

    /// Panels side by side: one title, each panel headed by its chart's title, caption lines under the title.
    func testLineChartsSideBySide() {
        let svg = SVG.lineCharts([rankChart(), rankChart()], title: "two", caption: ["left: ours", "right: paper"])
        let census = SVGCensus.parse(svg)
        XCTAssertEqual(census.elements[".marker"], 2 * (5 + 2))
        XCTAssertEqual(census.texts.filter { $0 == "Accuracy vs rank" }.count, 2)
        XCTAssertTrue(census.texts.contains("left: ours") && census.texts.contains("right: paper"))
    }

    func testColorMap() {
        let v = ColorMap.viridis
        XCTAssertEqual(v.color(at: 0).hex, "#440154")
        XCTAssertEqual(v.color(at: 1).hex, "#fde725")
        XCTAssertEqual(v.color(at: 0.5).hex, "#21918c")
        // t = 0.25 lies halfway between anchors 0.2 (#414487) and 0.3 (#355f8d): (59, 81.5, 138) → #3b528a
        // (matplotlib's own 256-entry table gives #3b528b: the 11-anchor interpolation is within 1 unit here).
        XCTAssertEqual(v.color(at: 0.25).hex, "#3b528a")
        XCTAssertEqual(v.color(at: -3).hex, "#440154")  // clamped
        XCTAssertEqual(v.color(at: .nan).hex, "#440154")
        XCTAssertEqual(v.reversed.color(at: 0).hex, "#fde725")
        XCTAssertEqual(v.color(for: 5, in: 0...10).hex, "#21918c")
        XCTAssertLessThan(v.color(at: 0).relativeLuminance, v.color(at: 1).relativeLuminance)
    }
}
