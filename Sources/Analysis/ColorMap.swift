import Foundation

/// An sRGB colour with 0…255 channels (fractional until rendered).
public struct RGB: Equatable, Sendable {
    public let red: Double, green: Double, blue: Double

    public init(red: Double, green: Double, blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// From "#rrggbb".
    public init(hex: String) {
        precondition(hex.count == 7 && hex.hasPrefix("#"), "expected #rrggbb, got \(hex)")
        let v = UInt32(hex.dropFirst(), radix: 16)!
        self.init(red: Double((v >> 16) & 0xFF), green: Double((v >> 8) & 0xFF), blue: Double(v & 0xFF))
    }

    /// "#rrggbb", each channel rounded to the nearest integer and clamped to 0…255.
    public var hex: String {
        func byte(_ x: Double) -> String {
            let b = Int(Swift.min(255, Swift.max(0, x.rounded())))
            let s = String(b, radix: 16)
            return b < 16 ? "0" + s : s
        }
        return "#" + byte(red) + byte(green) + byte(blue)
    }

    /// WCAG relative luminance in [0, 1] (linearised sRGB, Rec. 709 weights); picks black or white text on a cell.
    public var relativeLuminance: Double {
        func lin(_ c: Double) -> Double {
            let s = c / 255
            return s <= 0.04045 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * lin(red) + 0.7152 * lin(green) + 0.0722 * lin(blue)
    }
}

/// A continuous colour map: evenly spaced anchor colours, linearly interpolated in sRGB.
///
/// The default is viridis (van der Walt & Smith, matplotlib; perceptually uniform, colour-blind safe, legible in
/// greyscale), from its 11 anchors at t = 0, 0.1, …, 1 (matplotlib's `_viridis_data` rounded to bytes; d3's
/// `schemeViridis` uses the same). Dark purple = low, yellow = high, so lighter cells mean larger φ.
/// The paper's Fig 3/4 use a light-to-dark map (its own choice of map); `reversed` gives light = low if wanted.
public struct ColorMap: Equatable, Sendable {
    public let name: String
    public let anchors: [RGB]

    public init(name: String, anchors: [RGB]) {
        precondition(anchors.count >= 2, "a colour map needs at least two anchors")
        self.name = name
        self.anchors = anchors
    }

    public static let viridis = ColorMap(name: "viridis", anchors: [
        "#440154", "#482475", "#414487", "#355f8d", "#2a788e", "#21918c",
        "#22a884", "#44bf70", "#7ad151", "#bddf26", "#fde725",
    ].map { RGB(hex: $0) })

    /// The same anchors in reverse order (t ↦ 1 − t).
    public var reversed: ColorMap { ColorMap(name: name + "_r", anchors: anchors.reversed()) }

    /// The colour at t ∈ [0, 1] (clamped; NaN maps to 0): linear interpolation between the two nearest anchors.
    public func color(at t: Double) -> RGB {
        let x = t.isNaN ? 0 : Swift.min(1, Swift.max(0, t))
        let scaled = x * Double(anchors.count - 1)
        let k = Swift.min(anchors.count - 2, Int(scaled.rounded(.down)))
        let f = scaled - Double(k)
        let (a, b) = (anchors[k], anchors[k + 1])
        return RGB(red: a.red + f * (b.red - a.red), green: a.green + f * (b.green - a.green),
                   blue: a.blue + f * (b.blue - a.blue))
    }

    /// The colour of `value` on a scale from `range.lowerBound` (t = 0) to `range.upperBound` (t = 1).
    public func color(for value: Double, in range: ClosedRange<Double>) -> RGB {
        let span = range.upperBound - range.lowerBound
        return color(at: span > 0 ? (value - range.lowerBound) / span : 0)
    }
}
