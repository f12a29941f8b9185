/// One panel of a heatmap figure: `values[i-1][j-1]` drawn as the cell in row i (top to bottom) and column j.
public struct HeatmapPanel: Equatable, Sendable {
    public var title: String
    /// Rectangular, at least 1 × 1; NaN cells are drawn grey.
    public var values: [[Double]]
    /// Axis labels: rows (vertical) and columns (horizontal). Fig 3/4: "i" and "j".
    public var rowLabel: String
    public var columnLabel: String
    /// Index shown for the first row / column (1 for Fig 3/4; e.g. 1 again for a zoomed panel).
    public var firstRow: Int
    public var firstColumn: Int

    public init(title: String, values: [[Double]], rowLabel: String = "i", columnLabel: String = "j",
                firstRow: Int = 1, firstColumn: Int = 1) {
        precondition(!values.isEmpty && !values[0].isEmpty, "a heatmap panel needs at least one cell")
        precondition(values.allSatisfy { $0.count == values[0].count }, "heatmap rows must have equal length")
        self.title = title
        self.values = values
        self.rowLabel = rowLabel
        self.columnLabel = columnLabel
        self.firstRow = firstRow
        self.firstColumn = firstColumn
    }

    public var rows: Int { values.count }
    public var columns: Int { values[0].count }
}

extension SVG {
    /// A φ heatmap figure like the paper's Fig 3 / Fig 4 (Sec 7.2) or Fig 8 (App. H.3).
    ///
    /// Panels sit side by side (e.g. Fig 3's full i ≤ 8, j ≤ 64 panel beside its zoomed j ≤ 8 panel; Fig 4's
    /// seed-A-vs-seed-B and random panels), each with its title, one <rect> per (i, j) inside `<g class="cells">`
    /// (rows i top to bottom, columns j left to right), tick labels and axis labels. One colour bar on the right
    /// maps `range` (default 0…1, φ's range) through `colorMap` (default viridis: dark = 0, yellow = 1); values
    /// outside `range` are clamped. Grids of at most 12 × 12 cells of readable size also print each value.
    /// Cells are at most 40 px; a panel is at most 448 × 320 px, cells square unless the grid's aspect
    /// exceeds 2:1. `caption` lines (size 11) sit under the title and define the panel labels; `colorBarNote`, when
    /// given, is printed under the colour bar (e.g. the scale when `range` is not φ's 0…1).
    public static func heatmaps(_ panels: [HeatmapPanel], title: String, caption: [String] = [], range: ClosedRange<Double> = 0...1,
                                colorMap: ColorMap = .viridis, colorBarLabel: String = "φ", colorBarNote: String? = nil) -> String {
        precondition(!panels.isEmpty, "a heatmap figure needs at least one panel")
        let margin = 16.0
        let plotTop = 76.0 + 14 * Double(caption.count)
        var body = text(title, x: margin, y: 28, size: 16, bold: true)
        for (k, c) in caption.enumerated() { body += text(c, x: margin, y: 48 + 14 * Double(k), size: 11, fill: "#444444") }
        var x = margin
        var maxPlotHeight = 0.0
        for panel in panels {
            let (rows, cols) = (panel.rows, panel.columns)
            var cw = Swift.min(40, 448 / Double(cols))
            var ch = Swift.min(40, 320 / Double(rows))
            if Swift.max(rows, cols) <= 2 * Swift.min(rows, cols) { cw = Swift.min(cw, ch); ch = cw }
            let plotW = cw * Double(cols), plotH = ch * Double(rows)
            maxPlotHeight = Swift.max(maxPlotHeight, plotH)
            let rowDigits = Swift.max(String(panel.firstRow).count, String(panel.firstRow + rows - 1).count)
            let gutter = 20 + Double(rowDigits) * 6 + 8
            // A title wider than its plot overhangs equally on both sides; keep it clear of the neighbours.
            let overhang = Swift.max(0, (textWidth(panel.title, size: 13) * 1.1 - plotW) / 2)
            let px = x + Swift.max(gutter, overhang)
            body += "<g class=\"panel\">\n"
            body += text(panel.title, x: px + plotW / 2, y: plotTop - 12, size: 13, anchor: .middle, bold: true)
            body += "<g class=\"cells\" shape-rendering=\"crispEdges\">\n"
            for r in 0..<rows {
                for c in 0..<cols {
                    let v = panel.values[r][c]
                    let fill = v.isNaN ? "#d9d9d9" : colorMap.color(for: v, in: range).hex
                    body += "<rect x=\"\(num(px + Double(c) * cw))\" y=\"\(num(plotTop + Double(r) * ch))\" "
                        + "width=\"\(num(cw))\" height=\"\(num(ch))\" fill=\"\(fill)\"/>\n"
                }
            }
            body += "</g>\n"
            if rows * cols <= 144 && cw >= 26 && ch >= 14 {
                body += "<g class=\"cell-values\">\n"
                for r in 0..<rows {
                    for c in 0..<cols {
                        let v = panel.values[r][c]
                        let dark = v.isNaN || colorMap.color(for: v, in: range).relativeLuminance > 0.4
                        body += text(v.isNaN ? "–" : NumberFormat.fixed(v, digits: 2),
                                     x: px + (Double(c) + 0.5) * cw, y: plotTop + (Double(r) + 0.5) * ch + 3.5,
                                     size: 9, anchor: .middle, fill: dark ? "#000000" : "#ffffff")
                    }
                }
                body += "</g>\n"
            }
            body += "<rect x=\"\(num(px))\" y=\"\(num(plotTop))\" width=\"\(num(plotW))\" height=\"\(num(plotH))\" "
                + "fill=\"none\" stroke=\"#333333\"/>\n"
            // Row ticks (i), left of the plot.
            body += "<g class=\"row-ticks\">\n"
            for k in indexTicks(first: panel.firstRow, count: rows, spacing: ch, minSpacing: 13) {
                let y = plotTop + (Double(k - panel.firstRow) + 0.5) * ch
                body += line(x1: px - 3, y1: y, x2: px, y2: y)
                body += text(String(k), x: px - 5, y: y + 3.5, size: 10, anchor: .end)
            }
            body += "</g>\n<g class=\"column-ticks\">\n"
            let colDigits = String(panel.firstColumn + cols - 1).count
            for k in indexTicks(first: panel.firstColumn, count: cols, spacing: cw, minSpacing: Double(colDigits) * 6 + 8) {
                let cx = px + (Double(k - panel.firstColumn) + 0.5) * cw
                body += line(x1: cx, y1: plotTop + plotH, x2: cx, y2: plotTop + plotH + 3)
                body += text(String(k), x: cx, y: plotTop + plotH + 14, size: 10, anchor: .middle)
            }
            body += "</g>\n"
            body += text(panel.rowLabel, x: px - gutter + 6, y: plotTop + plotH / 2 + 4, size: 13, anchor: .middle, italic: true)
            body += text(panel.columnLabel, x: px + plotW / 2, y: plotTop + plotH + 32, size: 13, anchor: .middle, italic: true)
            body += "</g>\n"
            x = px + plotW + Swift.max(28, overhang + 16)
        }
        // Colour bar.
        let barH = Swift.max(maxPlotHeight, 120), barW = 14.0, barX = x
        let stops = colorMap.anchors.enumerated().map { k, c in
            "<stop offset=\"\(num(Double(k) / Double(colorMap.anchors.count - 1)))\" stop-color=\"\(c.hex)\"/>"
        }.joined(separator: "\n")
        body += "<g class=\"colorbar\">\n"
        body += "<defs><linearGradient id=\"colorbar-\(colorMap.name)\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">\n\(stops)\n</linearGradient></defs>\n"
        body += "<rect x=\"\(num(barX))\" y=\"\(num(plotTop))\" width=\"\(num(barW))\" height=\"\(num(barH))\" "
            + "fill=\"url(#colorbar-\(colorMap.name))\" stroke=\"#333333\"/>\n"
        let (ticks, step) = niceTicks(lower: range.lowerBound, upper: range.upperBound, target: 5)
        var labelW = 0.0
        for t in ticks {
            let span = range.upperBound - range.lowerBound
            let y = plotTop + barH * (span > 0 ? 1 - (t - range.lowerBound) / span : 0.5)
            let label = tickLabel(t, step: step)
            labelW = Swift.max(labelW, textWidth(label, size: 10))
            body += line(x1: barX + barW, y1: y, x2: barX + barW + 3, y2: y)
            body += text(label, x: barX + barW + 5, y: y + 3.5, size: 10)
        }
        body += text(colorBarLabel, x: barX + barW / 2, y: plotTop - 12, size: 13, anchor: .middle, italic: true)
        if let note = colorBarNote {
            body += text(note, x: barX, y: plotTop + barH + 16, size: 10, fill: "#444444")
            labelW = Swift.max(labelW, textWidth(note, size: 10) - barW - 5)
        }
        body += "</g>\n"
        let captionW = caption.map { textWidth($0, size: 11) * 1.05 + 2 * margin }.max() ?? 0
        let width = Swift.max(barX + barW + 5 + Swift.max(labelW, 20) + margin, textWidth(title, size: 16) * 1.1 + 2 * margin, captionW)
        let height = plotTop + Swift.max(maxPlotHeight, barH) + 40 + margin
        return document(width: width, height: height, title: title, body: body)
    }

    /// Labelled indices for `count` cells of `spacing` px starting at index `first`: the multiples of the
    /// smallest step in 1, 2, 4, 5, 8, 10, 16, 20, 25, 32, 50, 64, 100, … whose labels are ≥ minSpacing apart,
    /// plus `first` itself when it is not too close to the next label.
    static func indexTicks(first: Int, count: Int, spacing: Double, minSpacing: Double) -> [Int] {
        var candidates = [1, 2, 4, 5, 8, 10, 16, 20, 25, 32, 50, 64]
        var scale = 100
        while candidates.last! < count { candidates += [scale, 2 * scale, 5 * scale]; scale *= 10 }
        let step = candidates.first { Double($0) * spacing >= minSpacing } ?? candidates.last!
        let last = first + count - 1
        var ticks = [Int]()
        var k = ((first + step - 1) / step) * step
        if k < first { k += step }
        while k <= last { ticks.append(k); k += step }
        if ticks.first != first {
            if let next = ticks.first {
                if Double(next - first) * spacing >= minSpacing { ticks.insert(first, at: 0) }
            } else {
                ticks = [first]
            }
        }
        return ticks
    }
}
