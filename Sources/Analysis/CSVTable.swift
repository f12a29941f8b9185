import Foundation
import Support

/// A CSV file built row by row (RFC 4180): fields containing a comma, double quote, CR or LF are wrapped in
/// double quotes with inner quotes doubled; lines end with "\n", including the last. pandas.read_csv reads it.
/// Analysis CSVs (docs/conventions.md: subspace_similarity.csv, weight_projection.csv, accuracy.csv) are written with it.
public struct CSVTable: Equatable, Sendable {
    public let header: [String]
    public private(set) var rows: [[String]] = []

    public init(header: [String]) {
        precondition(!header.isEmpty, "a CSV needs at least one column")
        self.header = header
    }

    /// Appends one row; it must have as many fields as the header.
    public mutating func append(_ row: [String]) {
        precondition(row.count == header.count, "row has \(row.count) fields, header has \(header.count)")
        rows.append(row)
    }

    /// The file's text.
    public func encoded() -> String {
        var out = ""
        for line in [header] + rows {
            out += line.map(CSVTable.quote).joined(separator: ",")
            out += "\n"
        }
        return out
    }

    /// Writes `encoded()` atomically (UTF-8).
    public func write(to url: URL) throws { try AtomicFile.write(encoded(), to: url) }

    /// One field, quoted when RFC 4180 requires it.
    public static func quote(_ field: String) -> String {
        let needs = field.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
        return needs ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }
}
