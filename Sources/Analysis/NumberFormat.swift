import Foundation

/// Deterministic, locale-free number formatting for CSVs, tables and figures: the same input always gives the
/// same bytes, with '.' as decimal separator and no grouping. Non-finite values print as `nan`, `inf`, `-inf`
/// (which pandas.read_csv parses as floats); a negative zero result prints without its sign ("0.000").
public enum NumberFormat {
    /// Fixed-point with `digits` decimals (C `%.{digits}f`, round-half-even on the binary value): 0.8123 → "0.812".
    public static func fixed(_ x: Double, digits: Int) -> String {
        precondition(digits >= 0 && digits <= 17, "digits \(digits) outside 0…17")
        if let s = nonFinite(x) { return s }
        return dropNegativeZero(String(format: "%.\(digits)f", x))
    }

    /// `digits` significant digits, trailing zeros dropped (C `%.{digits}g`): 21.5 → "21.5", 1e-5 → "1e-05".
    public static func significant(_ x: Double, digits: Int) -> String {
        precondition(digits >= 1 && digits <= 17, "digits \(digits) outside 1…17")
        if let s = nonFinite(x) { return s }
        return dropNegativeZero(String(format: "%.\(digits)g", x))
    }

    /// The shortest decimal that parses back to exactly `x` (Swift's own algorithm, locale-free): "0.1", "1e-05".
    public static func roundTrip(_ x: Double) -> String {
        if let s = nonFinite(x) { return s }
        return x == 0 ? "0.0" : x.description
    }

    /// A CSV number cell: 10 significant digits (`significant(x, digits: 10)`), empty for nil. Ten digits keep
    /// every Float32-derived value exact (Float32 needs 9 to round-trip) and hide Float64 last-bit noise, so
    /// reruns give byte-identical CSVs.
    public static func csv(_ x: Double?) -> String {
        guard let x else { return "" }
        return significant(x, digits: 10)
    }

    /// A fraction as a percentage with `digits` decimals, no sign: 0.8123 → "81.2" (digits 1).
    public static func percent(_ x: Double, digits: Int) -> String { fixed(100 * x, digits: digits) }

    /// An SVG coordinate: at most 2 decimals, trailing zeros and point dropped ("12", "12.5", "12.25").
    public static func coordinate(_ x: Double) -> String {
        var s = fixed(x, digits: 2)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }

    private static func nonFinite(_ x: Double) -> String? {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return nil
    }

    /// "-0.000" → "0.000", "-0" → "0": a value that rounds to zero carries no sign.
    private static func dropNegativeZero(_ s: String) -> String {
        guard s.hasPrefix("-") else { return s }
        let body = s.dropFirst()
        let digitsOnly = body.prefix { $0 != "e" }
        return digitsOnly.allSatisfy({ $0 == "0" || $0 == "." }) ? String(body) : s
    }
}
