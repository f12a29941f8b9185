import Foundation

/// A line chart description (e.g. Table 6-style validation accuracy vs rank r per target set, ± std over seeds).
public struct LineChart: Equatable, Sendable {
    public struct Point: Equatable, Sendable {
        public var x: Double
        public var y: Double
        /// Half-length of the error bar (e.g. the sample std over seeds); nil = none.
        public var error: Double?
        public init(x: Double, y: Double, error: Double? = nil) { self.x = x; self.y = y; self.error = error }
    }

    public struct Series: Equatable, Sendable {
        public var name: String
        /// Drawn in the given order; a NaN y breaks the line.
        public var points: [Point]
        public init(name: String, points: [Point]) { self.name = name; self.points = points }
    }

    /// A dashed horizontal line across the plot, e.g. the majority-class baseline.
    public struct ReferenceLine: Equatable, Sendable {
        public var y: Double
        public var label: String
        public init(y: Double, label: String) { self.y = y; self.label = label }
    }

    public enum XScale: String, Sendable { case linear, log2 }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// `.log2`: x positioned by log₂ x, ticks at powers of two (ranks 1, 2, 4, …, 64); x must be > 0.
    public var xScale: XScale
    public var referenceLines: [ReferenceLine]
    /// Fixed y range; nil = fit the data and error bars (not the reference lines), rounded out to nice ticks. A
    /// reference line outside the range is not drawn: the legend names it with its value, "below/above the axis".
    public var yRange: ClosedRange<Double>?
    /// Lines under the title (size 11) defining the series and panel labels.
    public var caption: [String]
    /// Integer x values (ranks, k): linear ticks are whole numbers only (a step of at least 1).
    public var integerX: Bool

    public init(title: String, xLabel: String, yLabel: String, series: [Series], xScale: XScale = .linear,
                referenceLines: [ReferenceLine] = [], yRange: ClosedRange<Double>? = nil, caption: [String] = [],
                integerX: Bool = false) {
        self.caption = caption
        self.integerX = integerX
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.xScale = xScale
        self.referenceLines = referenceLines
        self.yRange = yRange
    }
}

extension SVG {
    /// Okabe–Ito colour-blind-safe palette, yellow last (weakest on white).
    static let seriesColors = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#f0e442"]
    enum Marker: CaseIterable { case circle, square, triangleUp, diamond, triangleDown }

    /// A line chart: `chart.title` as the figure title, `chart.caption` under it, then one panel (`lineCharts`).
    public static func lineChart(_ chart: LineChart) -> String {
        lineCharts([chart], title: chart.title, caption: chart.caption)
    }

    /// Line charts side by side under one title and caption (e.g. our accuracy vs rank beside the paper's Table 6, each
    /// on its own y range). With two or more charts each panel is headed by its chart's title. Each panel: one polyline
    /// per series with markers (shape and colour cycle per series), optional ± error bars with caps, dashed reference
    /// lines with their labels, nice ticks (powers of two on a log₂ x axis; whole numbers when `integerX`), axis labels
    /// and a legend right of the plot. Plots are 420 × 280 px, widened evenly when the title or caption is wider than
    /// the panels, so the figure has no empty band. Deterministic bytes.
    public static func lineCharts(_ charts: [LineChart], title: String, caption: [String] = []) -> String {
        precondition(!charts.isEmpty, "a line-chart figure needs at least one chart")
        let margin = 16.0, gutter = 70.0, plotH = 280.0
        let panelTitles = charts.count > 1
        let plotTop = 48 + 14 * Double(caption.count) + (panelTitles ? 22 : 0)
        let legendWs = charts.map { legendWidth($0) }
        let textW = Swift.max(textWidth(title, size: 16) * 1.1, caption.map { textWidth($0, size: 11) * 1.05 }.max() ?? 0) + 2 * margin
        let fixedW = charts.indices.map { gutter + 24 + legendWs[$0] + 16 }.reduce(0, +) + margin
        let plotW = Swift.max(420, (textW - fixedW) / Double(charts.count))
        var body = text(title, x: margin, y: 28, size: 16, bold: true)
        for (k, c) in caption.enumerated() { body += text(c, x: margin, y: 48 + 14 * Double(k), size: 11, fill: "#444444") }
        var x = 0.0
        for (k, chart) in charts.enumerated() {
            let plotLeft = x + gutter
            if panelTitles { body += text(chart.title, x: plotLeft + plotW / 2, y: plotTop - 10, size: 13, anchor: .middle, bold: true) }
            body += linePanel(chart, plotLeft: plotLeft, plotTop: plotTop, plotW: plotW, plotH: plotH)
            x = plotLeft + plotW + 24 + legendWs[k] + 16
        }
        return document(width: x + margin, height: plotTop + plotH + 64, title: title, body: body)
    }

    private static func legendWidth(_ chart: LineChart) -> Double {
        let names = chart.series.map(\.name) + chart.referenceLines.map { $0.label + " 0.000 (below the axis)" }
        return Swift.max((names.map { textWidth($0, size: 11) }.max() ?? 0) + 40, 60)
    }

    /// The x ticks (position in transformed x, label) and the padded domain.
    private static func xAxis(_ chart: LineChart, _ pts: [LineChart.Point]) -> (ticks: [(pos: Double, label: String)], min: Double, max: Double) {
        func tx(_ x: Double) -> Double { chart.xScale == .log2 ? Foundation.log2(x) : x }
        var xLo = pts.map { tx($0.x) }.min() ?? 0, xHi = pts.map { tx($0.x) }.max() ?? 1
        if xHi <= xLo { xLo -= chart.xScale == .log2 ? 1 : 0.5; xHi += chart.xScale == .log2 ? 1 : 0.5 }
        var ticks: [(pos: Double, label: String)]
        if chart.xScale == .log2 {
            let lo = Int(xLo.rounded(.down)), hi = Int(xHi.rounded(.up))
            let stepPow = Swift.max(1, Int((Double(hi - lo) / 8).rounded(.up)))
            ticks = stride(from: lo, through: hi, by: stepPow).map { (e: Int) -> (pos: Double, label: String) in
                let label: String = e >= 0 ? String(1 << e) : NumberFormat.significant(Foundation.pow(2, Double(e)), digits: 3)
                return (pos: Double(e), label: label)
            }
            xLo = Double(lo); xHi = Double(hi)
        } else if chart.integerX {
            let step = Swift.max(1, niceStep((xHi - xLo) / 6).rounded(.up))
            let first = (xLo / step).rounded(.up) * step
            ticks = stride(from: first, through: xHi + 1e-9, by: step).map { ($0, String(Int($0))) }
        } else {
            let (t, step) = niceTicks(lower: xLo, upper: xHi, target: 6)
            ticks = t.map { ($0, tickLabel($0, step: step)) }
        }
        let pad = (xHi - xLo) * 0.04
        return (ticks, xLo - pad, xHi + pad)
    }

    /// The y domain: `chart.yRange`, or the data ± error bars rounded out to a nice step.
    private static func yDomain(_ chart: LineChart, _ pts: [LineChart.Point]) -> (lo: Double, hi: Double) {
        if let r = chart.yRange { return (r.lowerBound, r.upperBound) }
        let ys = pts.flatMap { [$0.y - ($0.error ?? 0), $0.y + ($0.error ?? 0)] }
        var yLo = ys.min() ?? 0, yHi = ys.max() ?? 1
        if yHi <= yLo { yLo -= 0.5; yHi += 0.5 }
        let step = niceStep((yHi - yLo) / 5)
        return ((yLo / step).rounded(.down) * step, (yHi / step).rounded(.up) * step)
    }

    /// One panel with its plot's top-left corner at (plotLeft, plotTop) and its legend right of the plot.
    private static func linePanel(_ chart: LineChart, plotLeft: Double, plotTop: Double, plotW: Double, plotH: Double) -> String {
        let legendX = plotLeft + plotW + 24
        let pts = chart.series.flatMap { $0.points }.filter { $0.x.isFinite && $0.y.isFinite }
        if chart.xScale == .log2 { precondition(pts.allSatisfy { $0.x > 0 }, "log2 x axis needs x > 0") }
        func tx(_ x: Double) -> Double { chart.xScale == .log2 ? Foundation.log2(x) : x }
        let (xTicks, xMin, xMax) = xAxis(chart, pts)
        let (yLo, yHi) = yDomain(chart, pts)
        let (yTickValues, yStep) = niceTicks(lower: yLo, upper: yHi, target: 5)

        func px(_ x: Double) -> Double { plotLeft + (tx(x) - xMin) / (xMax - xMin) * plotW }
        func pxT(_ t: Double) -> Double { plotLeft + (t - xMin) / (xMax - xMin) * plotW }
        func py(_ y: Double) -> Double { plotTop + (1 - (y - yLo) / (yHi - yLo)) * plotH }

        var body = "<g class=\"grid\">\n"
        for t in yTickValues { body += line(x1: plotLeft, y1: py(t), x2: plotLeft + plotW, y2: py(t), stroke: "#e5e5e5") }
        for t in xTicks { body += line(x1: pxT(t.pos), y1: plotTop, x2: pxT(t.pos), y2: plotTop + plotH, stroke: "#e5e5e5") }
        body += "</g>\n<g class=\"axes\">\n"
        body += "<rect x=\"\(num(plotLeft))\" y=\"\(num(plotTop))\" width=\"\(num(plotW))\" height=\"\(num(plotH))\" fill=\"none\" stroke=\"#333333\"/>\n"
        for t in yTickValues {
            body += line(x1: plotLeft - 4, y1: py(t), x2: plotLeft, y2: py(t))
            body += text(tickLabel(t, step: yStep), x: plotLeft - 7, y: py(t) + 3.5, size: 10, anchor: .end)
        }
        for t in xTicks {
            body += line(x1: pxT(t.pos), y1: plotTop + plotH, x2: pxT(t.pos), y2: plotTop + plotH + 4)
            body += text(t.label, x: pxT(t.pos), y: plotTop + plotH + 16, size: 10, anchor: .middle)
        }
        body += text(chart.xLabel, x: plotLeft + plotW / 2, y: plotTop + plotH + 38, size: 12, anchor: .middle)
        body += text(chart.yLabel, x: plotLeft - 52, y: plotTop + plotH / 2, size: 12, anchor: .middle, rotate: -90)
        body += "</g>\n"

        body += "<g class=\"reference-lines\">\n"
        for ref in chart.referenceLines where ref.y >= yLo && ref.y <= yHi {
            body += line(x1: plotLeft, y1: py(ref.y), x2: plotLeft + plotW, y2: py(ref.y), stroke: "#777777", width: 1.2, dash: "5 4")
            body += text(ref.label, x: plotLeft + plotW - 4, y: py(ref.y) - 4, size: 10, anchor: .end, fill: "#555555")
        }
        body += "</g>\n"
        for (k, s) in chart.series.enumerated() { body += seriesElements(s, k, px: px, py: py) }
        body += "<g class=\"legend\">\n"
        for (k, s) in chart.series.enumerated() {
            let color = seriesColors[k % seriesColors.count]
            let y = plotTop + 8 + Double(k) * 20
            body += line(x1: legendX, y1: y, x2: legendX + 24, y2: y, stroke: color, width: 2)
            body += markerElement(Marker.allCases[k % Marker.allCases.count], x: legendX + 12, y: y, color: color)
            body += text(s.name, x: legendX + 30, y: y + 4, size: 11)
        }
        for (k, ref) in chart.referenceLines.filter({ $0.y < yLo || $0.y > yHi }).enumerated() {
            let y = plotTop + 8 + Double(chart.series.count + k) * 20
            body += line(x1: legendX, y1: y, x2: legendX + 24, y2: y, stroke: "#777777", width: 1.2, dash: "5 4")
            let side = ref.y < yLo ? "below" : "above"
            body += text("\(ref.label) \(NumberFormat.significant(ref.y, digits: 3)) (\(side) the axis)", x: legendX + 30, y: y + 4, size: 11)
        }
        body += "</g>\n"
        return body
    }

    /// One series: polyline segments broken at non-finite points, error bars, markers.
    private static func seriesElements(_ s: LineChart.Series, _ k: Int, px: (Double) -> Double, py: (Double) -> Double) -> String {
        let color = seriesColors[k % seriesColors.count]
        let marker = Marker.allCases[k % Marker.allCases.count]
        var body = "<g class=\"series\">\n"
        var segment = [String]()
        func flush() {
            if segment.count >= 2 {
                body += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(segment.joined(separator: " "))\"/>\n"
            }
            segment = []
        }
        for p in s.points {
            if p.x.isFinite && p.y.isFinite { segment.append("\(num(px(p.x))),\(num(py(p.y)))") } else { flush() }
        }
        flush()
        for p in s.points where p.x.isFinite && p.y.isFinite {
            if let e = p.error, e.isFinite, e > 0 {
                let (x, y0, y1) = (px(p.x), py(p.y - e), py(p.y + e))
                body += "<path class=\"error-bar\" d=\"M\(num(x)) \(num(y0))V\(num(y1))M\(num(x - 4)) \(num(y0))H\(num(x + 4))"
                    + "M\(num(x - 4)) \(num(y1))H\(num(x + 4))\" stroke=\"\(color)\" stroke-width=\"1.2\" fill=\"none\"/>\n"
            }
        }
        for p in s.points where p.x.isFinite && p.y.isFinite { body += markerElement(marker, x: px(p.x), y: py(p.y), color: color) }
        return body + "</g>\n"
    }

    static func markerElement(_ m: Marker, x: Double, y: Double, color: String) -> String {
        let r = 4.0
        let style = "fill=\"\(color)\" stroke=\"#ffffff\" stroke-width=\"0.8\""
        switch m {
        case .circle:
            return "<circle class=\"marker\" cx=\"\(num(x))\" cy=\"\(num(y))\" r=\"\(num(r))\" \(style)/>\n"
        case .square:
            return "<rect class=\"marker\" x=\"\(num(x - r))\" y=\"\(num(y - r))\" width=\"\(num(2 * r))\" height=\"\(num(2 * r))\" \(style)/>\n"
        case .triangleUp:
            return polygon([(x, y - r * 1.2), (x + r * 1.1, y + r * 0.8), (x - r * 1.1, y + r * 0.8)], style)
        case .diamond:
            return polygon([(x, y - r * 1.3), (x + r * 1.1, y), (x, y + r * 1.3), (x - r * 1.1, y)], style)
        case .triangleDown:
            return polygon([(x, y + r * 1.2), (x + r * 1.1, y - r * 0.8), (x - r * 1.1, y - r * 0.8)], style)
        }
    }

    private static func polygon(_ pts: [(Double, Double)], _ style: String) -> String {
        "<polygon class=\"marker\" points=\"\(pts.map { "\(num($0.0)),\(num($0.1))" }.joined(separator: " "))\" \(style)/>\n"
    }
}
