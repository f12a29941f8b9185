import Analysis
import ExperimentSpec
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Number cells of the analysis CSVs: exactly `NumberFormat.csv` (10 significant digits, C `%.10g`, `nan`/`inf`,
/// no negative zero), but through the C library's `vsnprintf` directly — Foundation's `String(format:)` costs
/// about 2 µs a call, and a spec's `subspace_similarity.csv` has 10⁵ cells. `ReportCSVTests` checks the two agree.
public enum ReportNumber {
    public static func csv(_ x: Double?) -> String {
        guard let x else { return "" }
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        let s: String = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 40) { p in
            let n = withVaList([x]) { vsnprintf(p.baseAddress!, 40, "%.10g", $0) }
            precondition(n > 0 && n < 40, "vsnprintf failed for \(x)")
            return String(decoding: UnsafeRawBufferPointer(start: p.baseAddress!, count: Int(n)), as: UTF8.self)
        }
        if s.hasPrefix("-") {
            let mantissa = s.dropFirst().prefix { $0 != "e" }
            if mantissa.allSatisfy({ $0 == "0" || $0 == "." }) { return String(s.dropFirst()) }
        }
        return s
    }

    static func int(_ x: Int?) -> String { x.map(String.init) ?? "" }
}

/// A CSV file read back (RFC 4180: quoted fields, doubled quotes, LF or CRLF line ends), with cells addressed by
/// column name so that files with extra columns at the end still read.
struct CSVDocument {
    let file: String
    let header: [String]
    let rows: [[String]]
    private let index: [String: Int]

    init(file: String, header: [String], rows: [[String]]) {
        self.file = file
        self.header = header
        self.rows = rows
        var index: [String: Int] = [:]
        for (k, name) in header.enumerated() where index[name] == nil { index[name] = k }
        self.index = index
    }

    /// Reads `url`; nil when the file does not exist.
    static func read(_ url: URL, displayName: String) throws -> CSVDocument? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return try parse(data, file: displayName)
    }

    static func parse(_ data: Data, file: String) throws -> CSVDocument {
        let bytes = [UInt8](data)
        var records: [[String]] = []
        var record: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var k = 0
        var line = 1
        var fieldStarted = false
        while k < bytes.count {
            let c = bytes[k]
            if inQuotes {
                if c == UInt8(ascii: "\"") {
                    if k + 1 < bytes.count && bytes[k + 1] == UInt8(ascii: "\"") { field.append(c); k += 2; continue }
                    inQuotes = false
                } else {
                    if c == UInt8(ascii: "\n") { line += 1 }
                    field.append(c)
                }
                k += 1
                continue
            }
            switch c {
            case UInt8(ascii: "\""):
                guard field.isEmpty else { throw ReportError.invalidCSV(file: file, line: line, reason: "a quote inside an unquoted field") }
                inQuotes = true
                fieldStarted = true
            case UInt8(ascii: ","):
                record.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true)
                fieldStarted = true
            case UInt8(ascii: "\r"):
                break
            case UInt8(ascii: "\n"):
                record.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true)
                records.append(record); record = []
                fieldStarted = false
                line += 1
            default:
                field.append(c)
                fieldStarted = true
            }
            k += 1
        }
        if inQuotes { throw ReportError.invalidCSV(file: file, line: line, reason: "a quoted field is not closed") }
        if fieldStarted || !field.isEmpty || !record.isEmpty {
            record.append(String(decoding: field, as: UTF8.self))
            records.append(record)
        }
        guard let header = records.first else { throw ReportError.invalidCSV(file: file, line: 1, reason: "no header row") }
        let rows = Array(records.dropFirst())
        for (n, row) in rows.enumerated() where row.count != header.count {
            throw ReportError.invalidCSV(file: file, line: n + 2, reason: "\(row.count) fields, the header has \(header.count)")
        }
        return CSVDocument(file: file, header: header, rows: rows)
    }

    /// Checks that every named column is present.
    func require(_ columns: [String]) throws {
        for c in columns where index[c] == nil {
            throw ReportError.invalidCSV(file: file, line: 1, reason: "column '\(c)' is missing")
        }
    }

    func has(_ column: String) -> Bool { index[column] != nil }

    /// A cursor over one row.
    func row(_ n: Int) -> Row { Row(document: self, number: n) }

    struct Row {
        let document: CSVDocument
        let number: Int
        var line: Int { number + 2 }

        func string(_ column: String) -> String {
            guard let k = document.index[column] else { return "" }
            return document.rows[number][k]
        }

        func optionalString(_ column: String) -> String? {
            let s = string(column)
            return s.isEmpty ? nil : s
        }

        func int(_ column: String) throws -> Int {
            guard let v = try optionalInt(column) else { throw error(column, "is empty, expected an integer") }
            return v
        }

        func optionalInt(_ column: String) throws -> Int? {
            let s = string(column)
            if s.isEmpty { return nil }
            guard let v = Int(s) else { throw error(column, "'\(s)' is not an integer") }
            return v
        }

        func double(_ column: String) throws -> Double {
            guard let v = try optionalDouble(column) else { throw error(column, "is empty, expected a number") }
            return v
        }

        func optionalDouble(_ column: String) throws -> Double? {
            let s = string(column)
            if s.isEmpty { return nil }
            switch s {
            case "nan": return .nan
            case "inf": return .infinity
            case "-inf": return -.infinity
            default:
                guard let v = Double(s) else { throw error(column, "'\(s)' is not a number") }
                return v
            }
        }

        func error(_ column: String, _ reason: String) -> ReportError {
            .invalidCSV(file: document.file, line: line, reason: "column '\(column)' \(reason)")
        }
    }
}
