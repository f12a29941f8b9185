/// A GitHub-flavoured Markdown table for `report.md`.
///
/// Cells are escaped so they cannot break the table: `\` → `\\`, `|` → `\|`, line breaks → `<br>`.
/// Columns are padded to equal width (by Character count) so the raw text also reads as a table.
public struct MarkdownTable: Equatable, Sendable {
    public enum Alignment: String, Sendable { case left, center, right }

    public let header: [String]
    public let alignments: [Alignment]
    public private(set) var rows: [[String]] = []

    /// `alignments` nil means all left.
    public init(header: [String], alignments: [Alignment]? = nil) {
        precondition(!header.isEmpty, "a table needs at least one column")
        precondition(alignments == nil || alignments!.count == header.count, "one alignment per column")
        self.header = header
        self.alignments = alignments ?? Array(repeating: .left, count: header.count)
    }

    /// Appends one row; it must have as many cells as the header.
    public mutating func append(_ row: [String]) {
        precondition(row.count == header.count, "row has \(row.count) cells, header has \(header.count)")
        rows.append(row)
    }

    /// The table's Markdown, each line ending in "\n".
    public func rendered() -> String {
        let escapedHeader = header.map(MarkdownTable.escape)
        let escapedRows = rows.map { $0.map(MarkdownTable.escape) }
        var widths = escapedHeader.map { Swift.max(3, $0.count) }
        for row in escapedRows { for (c, cell) in row.enumerated() { widths[c] = Swift.max(widths[c], cell.count) } }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { c, cell -> String in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return alignments[c] == .right ? pad + cell : cell + pad
            }
            return "| " + padded.joined(separator: " | ") + " |\n"
        }
        let rule = alignments.enumerated().map { c, a -> String in
            let w = widths[c]
            switch a {
            case .left: return String(repeating: "-", count: w)
            case .right: return String(repeating: "-", count: w - 1) + ":"
            case .center: return ":" + String(repeating: "-", count: w - 2) + ":"
            }
        }
        return line(escapedHeader) + "| " + rule.joined(separator: " | ") + " |\n" + escapedRows.map(line).joined()
    }

    /// Escapes one cell (see the type's doc).
    public static func escape(_ cell: String) -> String {
        var out = ""
        var previousCR = false
        for ch in cell.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "|": out += "\\|"
            case "\r": out += "<br>"
            case "\n": if !previousCR { out += "<br>" }
            default: out.unicodeScalars.append(ch)
            }
            previousCR = ch == "\r"
        }
        return out
    }
}
