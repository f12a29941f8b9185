import Foundation

/// The one error a spec produces: which file, where in it, and why.
///
/// `description` is `<file>: <json.path>: <reason>`, e.g.
/// `specs/qv-rank.json: training.batchSize: expected an integer, got 32.5`. Syntax errors are located by
/// byte instead (`specs/x.json: byte 231 (line 12, column 5): expected ',' or '}' …`), and problems with the
/// file as a whole (not found, unreadable) have no location (`specs/x.json: spec file not found …`).
/// Errors about an object's keys (unknown, missing, duplicate) name the object (`training`, or `(top level)`);
/// errors about a value name the value (`adapters[0].ranks[2]`).
///
/// Decoding and resolution stop at the first error, so a spec never produces more than one.
public struct SpecError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    public enum Location: Equatable, Sendable {
        /// A JSON path such as `adapters[1].budget`; `(top level)` for the document itself.
        case path(String)
        /// A 0-based byte offset with its 1-based line and column (syntax errors).
        case byte(offset: Int, line: Int, column: Int)
        /// The file as a whole.
        case file
    }

    /// The spec file as the user named it (or as found by the lookup).
    public var file: String
    public var location: Location
    /// What is wrong, and where useful, what would be right.
    public var reason: String

    public init(file: String, location: Location, reason: String) {
        self.file = file
        self.location = location
        self.reason = reason
    }

    init(file: String, path: JSONPath, reason: String) {
        self.init(file: file, location: .path(path.description), reason: reason)
    }

    init(file: String, byteOffset: Int, line: Int, column: Int, reason: String) {
        self.init(file: file, location: .byte(offset: byteOffset, line: line, column: column), reason: reason)
    }

    /// The JSON path, when the error has one.
    public var jsonPath: String? {
        if case .path(let p) = location { return p }
        return nil
    }

    public var description: String {
        switch location {
        case .path(let p): return "\(file): \(p): \(reason)"
        case .byte(let o, let line, let column): return "\(file): byte \(o) (line \(line), column \(column)): \(reason)"
        case .file: return "\(file): \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
