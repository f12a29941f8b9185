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
    /// Fixed y range; nil = fit the data, error bars and reference lines, rounded out to nice ticks.
    public var yRange: ClosedRange<Double>?

    public init(title: String, xLabel: String, yLabel: String, series: [Series], xScale: XScale = .linear,
                referenceLines: [ReferenceLine] = [], yRange: ClosedRange<Double>? = nil) {
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

    /// A line chart: one polyline per series with markers (shape and colour cycle per series), optional
    /// ± error bars with caps, dashed reference lines with their labels, nice ticks (powers of two on a log₂
    /// x axis), axis labels, title and a legend right of the plot. Deterministic bytes.
    public static func lineChart(_ chart: LineChart) -> String {
        let plotLeft = 70.0, plotTop = 48.0, plotW = 420.0, plotH = 280.0
        let legendX = plotLeft + plotW + 24
        let legendW = (chart.series.map { textWidth($0.name, size: 11) }.max() ?? 0) + 40
        let width = Swift.max(legendX + Swift.max(legendW, 60) + 16, textWidth(chart.title, size: 16) * 1.1 + 32)
        let height = plotTop + plotH + 64

        let pts = chart.series.flatMap { $0.points }.filter { $0.x.isFinite && $0.y.isFinite }
        if chart.xScale == .log2 { precondition(pts.allSatisfy { $0.x > 0 }, "log2 x axis needs x > 0") }
        func tx(_ x: Double) -> Double { chart.xScale == .log2 ? Foundation.log2(x) : x }

        // x domain and ticks.
        var xLo = pts.map { tx($0.x) }.min() ?? 0, xHi = pts.map { tx($0.x) }.max() ?? 1
        if xHi <= xLo { xLo -= chart.xScale == .log2 ? 1 : 0.5; xHi += chart.xScale == .log2 ? 1 : 0.5 }
        var xTicks: [(pos: Double, label: String)]
        if chart.xScale == .log2 {
            let lo = Int(xLo.rounded(.down)), hi = Int(xHi.rounded(.up))
            let stepPow = Swift.max(1, Int((Double(hi - lo) / 8).rounded(.up)))
            xTicks = stride(from: lo, through: hi, by: stepPow).map { (e: Int) -> (pos: Double, label: String) in
                let label: String = e >= 0 ? String(1 << e) : NumberFormat.significant(Foundation.pow(2, Double(e)), digits: 3)
                return (pos: Double(e), label: label)
            }
            xLo = Double(lo); xHi = Double(hi)
        } else {
            let (t, step) = niceTicks(lower: xLo, upper: xHi, target: 6)
            xTicks = t.map { ($0, tickLabel($0, step: step)) }
        }
        let xPad = (xHi - xLo) * 0.04
        let (xMin, xMax) = (xLo - xPad, xHi + xPad)

        // y domain and ticks.
        var yLo: Double, yHi: Double
        if let r = chart.yRange {
            (yLo, yHi) = (r.lowerBound, r.upperBound)
        } else {
            let ys = pts.flatMap { [$0.y - ($0.error ?? 0), $0.y + ($0.error ?? 0)] } + chart.referenceLines.map(\.y)
            yLo = ys.min() ?? 0; yHi = ys.max() ?? 1
            if yHi <= yLo { yLo -= 0.5; yHi += 0.5 }
            let step = niceStep((yHi - yLo) / 5)
            yLo = (yLo / step).rounded(.down) * step
            yHi = (yHi / step).rounded(.up) * step
        }
        let (yTickValues, yStep) = niceTicks(lower: yLo, upper: yHi, target: 5)

        func px(_ x: Double) -> Double { plotLeft + (tx(x) - xMin) / (xMax - xMin) * plotW }
        func pxT(_ t: Double) -> Double { plotLeft + (t - xMin) / (xMax - xMin) * plotW }
        func py(_ y: Double) -> Double { plotTop + (1 - (y - yLo) / (yHi - yLo)) * plotH }

        var body = text(chart.title, x: 16, y: 28, size: 16, bold: true)
        body += "<g class=\"grid\">\n"
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
        body += text(chart.yLabel, x: 18, y: plotTop + plotH / 2, size: 12, anchor: .middle, rotate: -90)
        body += "</g>\n"

        body += "<g class=\"reference-lines\">\n"
        for ref in chart.referenceLines where ref.y >= yLo && ref.y <= yHi {
            body += line(x1: plotLeft, y1: py(ref.y), x2: plotLeft + plotW, y2: py(ref.y), stroke: "#777777", width: 1.2, dash: "5 4")
            body += text(ref.label, x: plotLeft + plotW - 4, y: py(ref.y) - 4, size: 10, anchor: .end, fill: "#555555")
        }
        body += "</g>\n"

        for (k, s) in chart.series.enumerated() {
            let color = seriesColors[k % seriesColors.count]
            let marker = Marker.allCases[k % Marker.allCases.count]
            body += "<g class=\"series\">\n"
            // Polyline segments, broken at non-finite points.
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
            for p in s.points where p.x.isFinite && p.y.isFinite {
                body += markerElement(marker, x: px(p.x), y: py(p.y), color: color)
            }
            body += "</g>\n"
        }

        body += "<g class=\"legend\">\n"
        for (k, s) in chart.series.enumerated() {
            let color = seriesColors[k % seriesColors.count]
            let y = plotTop + 8 + Double(k) * 20
            body += line(x1: legendX, y1: y, x2: legendX + 24, y2: y, stroke: color, width: 2)
            body += markerElement(Marker.allCases[k % Marker.allCases.count], x: legendX + 12, y: y, color: color)
            body += text(s.name, x: legendX + 30, y: y + 4, size: 11)
        }
        body += "</g>\n"
        return document(width: width, height: height, title: chart.title, body: body)
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
