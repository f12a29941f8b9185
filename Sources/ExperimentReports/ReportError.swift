/// Errors of the report builder; each names the file (and field) at fault.
public enum ReportError: Error, Equatable, CustomStringConvertible {
    /// A run folder or results file is not as the contract says.
    case invalidInput(file: String, reason: String)
    /// A CSV file of a results folder cannot be read back.
    case invalidCSV(file: String, line: Int, reason: String)
    /// A notebook's generated-section markers are malformed.
    case invalidNotebook(file: String, line: Int, reason: String)
    /// A numerical analysis failed on one adapter.
    case analysisFailed(file: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidInput(file, reason): return "\(file): \(reason)"
        case let .invalidCSV(file, line, reason): return "\(file):\(line): \(reason)"
        case let .invalidNotebook(file, line, reason): return "\(file):\(line): \(reason)"
        case let .analysisFailed(file, reason): return "\(file): \(reason)"
        }
    }
}
