import Foundation

/// Self-contained SVG figures (no external fonts, images or scripts; generic font families only) with
/// deterministic bytes: coordinates pass through `NumberFormat.coordinate`, nothing depends on locale, time
/// or hashing order. See `SVG+Heatmap.swift` (Fig 3/4/8-style φ maps) and `SVG+LineChart.swift`.
public enum SVG {
    static let fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"

    /// XML-escapes text and attribute values (& < > " ').
    public static func escape(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    static func num(_ x: Double) -> String { NumberFormat.coordinate(x) }

    /// The outer document: white background, an accessible <title>, then `body`.
    static func document(width: Double, height: Double, title: String, body: String) -> String {
        let w = num(width.rounded(.up)), h = num(height.rounded(.up))
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(w)" height="\(h)" viewBox="0 0 \(w) \(h)" \
        font-family="\(fontFamily)" font-size="11">
        <title>\(escape(title))</title>
        <rect x="0" y="0" width="\(w)" height="\(h)" fill="#ffffff"/>

        """ + body + "</svg>\n"
    }

    enum Anchor: String { case start, middle, end }

    /// One <text> element.
    static func text(_ s: String, x: Double, y: Double, size: Double = 11, anchor: Anchor = .start,
                     bold: Bool = false, italic: Bool = false, fill: String = "#222222", rotate: Double? = nil) -> String {
        var attrs = "x=\"\(num(x))\" y=\"\(num(y))\" font-size=\"\(num(size))\""
        if anchor != .start { attrs += " text-anchor=\"\(anchor.rawValue)\"" }
        if bold { attrs += " font-weight=\"bold\"" }
        if italic { attrs += " font-style=\"italic\"" }
        attrs += " fill=\"\(fill)\""
        if let r = rotate { attrs += " transform=\"rotate(\(num(r)) \(num(x)) \(num(y)))\"" }
        return "<text \(attrs)>\(escape(s))</text>\n"
    }

    static func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = "#333333",
                     width: Double = 1, dash: String? = nil) -> String {
        var s = "<line x1=\"\(num(x1))\" y1=\"\(num(y1))\" x2=\"\(num(x2))\" y2=\"\(num(y2))\" stroke=\"\(stroke)\""
        if width != 1 { s += " stroke-width=\"\(num(width))\"" }
        if let d = dash { s += " stroke-dasharray=\"\(d)\"" }
        return s + "/>\n"
    }

    /// A rough text width for layout (≈ 0.6 em per character for the sans-serif fonts named above).
    static func textWidth(_ s: String, size: Double) -> Double { Double(s.count) * size * 0.6 }

    /// "Nice" ticks covering [lower, upper]: step ∈ {1, 2, 5}·10^k giving about `target` intervals;
    /// returns the ticks inside [lower, upper] (with a 1e-9 relative slack) and the step.
    static func niceTicks(lower: Double, upper: Double, target: Int = 5) -> (ticks: [Double], step: Double) {
        let span = upper - lower
        guard span > 0, span.isFinite else { return ([lower], 1) }
        let step = niceStep(span / Double(target))
        let eps = 1e-9 * span
        let k0 = ((lower - eps) / step).rounded(.up)
        let k1 = ((upper + eps) / step).rounded(.down)
        guard k1 >= k0 else { return ([], step) }
        return (stride(from: k0, through: k1, by: 1).map { $0 * step }, step)
    }

    static func niceStep(_ raw: Double) -> Double {
        let mag = Foundation.pow(10, (Foundation.log10(raw)).rounded(.down))
        let f = raw / mag
        return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag
    }

    /// A tick label with just enough decimals for `step` (0.2 → 1 decimal, 0.05 → 2, 10 → none).
    static func tickLabel(_ v: Double, step: Double) -> String {
        let decimals = Swift.max(0, Int((-Foundation.log10(step)).rounded(.up)))
        return NumberFormat.fixed(v, digits: Swift.min(decimals, 10))
    }
}
