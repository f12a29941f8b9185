import ExperimentSpec
import Foundation

/// Inputs `experiment analyze` refuses before reading any adapter.
public enum AnalyzeInputError: Error, Equatable, CustomStringConvertible {
    /// The same adapter directory (after resolving `.`/`..` and symbolic links) is given at 1-based positions `first`
    /// and `second`; comparing an adapter with itself gives φ = 1 and means nothing.
    case duplicateAdapter(path: String, first: Int, second: Int)
    /// A φ-grid bound below 1 (`option` is `--max-i` or `--max-j`).
    case invalidBound(option: String, value: Int)

    public var description: String {
        switch self {
        case let .duplicateAdapter(path, first, second):
            return "adapter directory \(path) is given twice (arguments \(first) and \(second)); an adapter compared with itself has φ = 1"
        case let .invalidBound(option, value): return "\(option) must be at least 1, got \(value)"
        }
    }
}

extension AdapterAnalysis {
    /// Checks the inputs of `analyze`: φ-grid bounds `maxI`, `maxJ` ≥ 1 and no adapter directory twice.
    /// - Throws: `AnalyzeInputError`.
    public static func checkInputs(adapterDirectories: [URL], maxI: Int, maxJ: Int) throws {
        if maxI < 1 { throw AnalyzeInputError.invalidBound(option: "--max-i", value: maxI) }
        if maxJ < 1 { throw AnalyzeInputError.invalidBound(option: "--max-j", value: maxJ) }
        var seen: [String: Int] = [:]
        for (i, url) in adapterDirectories.enumerated() {
            let path = url.standardizedFileURL.resolvingSymlinksInPath().path
            if let first = seen[path] { throw AnalyzeInputError.duplicateAdapter(path: path, first: first + 1, second: i + 1) }
            seen[path] = i
        }
    }
}
