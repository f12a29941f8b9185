import Foundation

/// Deterministic JSON text: the bytes depend only on the value, never on dictionary order, process or platform.
///
/// Both forms sort object keys by their UTF-8 bytes and write strings with `JSONValue.quoted` (escaping only `"`,
/// `\` and control characters).
/// - `canonical`: no whitespace; numbers normalised so that equal values print equally (`1`, `1.0` and `1e0`
///   all print `1`; integer literals print as written, so 64-bit seeds keep every digit; other numbers use
///   Swift's shortest round-trip form, e.g. `0.001`). This is what run ids hash.
/// - `pretty`: two-space indentation, arrays of scalars on one line, a final newline; integer literals as
///   written, other numbers in Swift's shortest round-trip form (`1.0`, `0.001`). For files people read.
public enum CanonicalJSON {
    public static func canonical(_ value: JSONValue) -> String {
        var out = ""
        write(value, into: &out, pretty: false, indent: 0)
        return out
    }

    public static func pretty(_ value: JSONValue) -> String {
        var out = ""
        write(value, into: &out, pretty: true, indent: 0)
        return out + "\n"
    }

    /// Any `Encodable` as a `JSONValue` (through `JSONEncoder`, then the strict parser).
    public static func value<T: Encodable>(of encodable: T) throws -> JSONValue {
        let data = try JSONEncoder().encode(encodable)
        return try StrictJSON.parse(data, file: "(encoded \(T.self))")
    }

    /// Pretty, sorted-key UTF-8 bytes of any `Encodable`: identical for equal values.
    public static func prettyData<T: Encodable>(_ encodable: T) throws -> Data {
        Data(pretty(try value(of: encodable)).utf8)
    }

    // MARK: writing

    static func sortedMembers(_ members: [JSONMember]) -> [JSONMember] {
        members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    static func isScalar(_ v: JSONValue) -> Bool {
        switch v {
        case .object, .array: return false
        default: return true
        }
    }

    static func write(_ value: JSONValue, into out: inout String, pretty: Bool, indent: Int) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .string(let s): out += JSONValue.quoted(s)
        case .number(let n): out += pretty ? prettyNumber(n) : canonicalNumber(n)
        case .array(let elements):
            if elements.isEmpty { out += "[]"; return }
            if !pretty || elements.allSatisfy(isScalar) {
                out += "["
                for (k, e) in elements.enumerated() {
                    if k > 0 { out += pretty ? ", " : "," }
                    write(e, into: &out, pretty: pretty, indent: indent)
                }
                out += "]"
                return
            }
            out += "[\n"
            for (k, e) in elements.enumerated() {
                out += String(repeating: "  ", count: indent + 1)
                write(e, into: &out, pretty: pretty, indent: indent + 1)
                out += k + 1 < elements.count ? ",\n" : "\n"
            }
            out += String(repeating: "  ", count: indent) + "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            let sorted = sortedMembers(members)
            out += pretty ? "{\n" : "{"
            for (k, m) in sorted.enumerated() {
                if pretty { out += String(repeating: "  ", count: indent + 1) }
                out += JSONValue.quoted(m.key)
                out += pretty ? ": " : ":"
                write(m.value, into: &out, pretty: pretty, indent: indent + 1)
                if k + 1 < sorted.count { out += pretty ? ",\n" : "," } else if pretty { out += "\n" }
            }
            if pretty { out += String(repeating: "  ", count: indent) }
            out += "}"
        }
    }

    static func canonicalNumber(_ n: JSONNumber) -> String {
        if n.isIntegerLiteral { return n.literal == "-0" ? "0" : n.literal }
        let v = n.value
        if v == v.rounded(), abs(v) < 9_007_199_254_740_992 { return String(Int64(v)) }
        return v.description
    }

    static func prettyNumber(_ n: JSONNumber) -> String {
        n.isIntegerLiteral ? n.literal : n.value.description
    }
}
