import Foundation

/// A JSON file that could not be read into the type a caller expects. The description names the file, the field (as
/// a path such as `machine.cores` or `target_modules[1]`) and the reason in words — never Swift's `DecodingError` text.
public struct JSONFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    /// The field concerned, or nil for the document as a whole (syntax errors, an unreadable file).
    public var field: String?
    public var reason: String

    public init(file: String, field: String?, reason: String) {
        self.file = file
        self.field = field
        self.reason = reason
    }

    public var description: String { field.map { "\(file): field '\($0)': \(reason)" } ?? "\(file): \(reason)" }
}

public enum JSONFile {
    /// Decodes `data` (the contents of `file`) as `T`. Syntax errors give "not valid JSON (syntax error at line 2,
    /// column 3)"; structural errors become "missing", "expected an integer, got a string", "expected a number,
    /// got null" and similar, with the field's path.
    /// - Throws: `JSONFileError`, or any error `T`'s own `init(from:)` throws that is not a `DecodingError`.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, file: String) throws -> T {
        do { _ = try JSONParser.parse(data) } catch {
            throw JSONFileError(file: file, field: nil, reason: "not valid JSON (syntax error at line \(error.line), column \(error.column))")
        }
        do { return try JSONDecoder().decode(type, from: data) } catch let error as DecodingError {
            throw describe(error, file: file)
        }
    }

    /// Reads and decodes the file at `url`; an unreadable file is a `FileSystemError` with operation `.read`.
    public static func read<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FileSystemError(path: url.path, operation: .read, code: FileManager.default.fileExists(atPath: url.path) ? EACCES : ENOENT)
        }
        return try decode(type, from: data, file: url.path)
    }

    /// The `JSONFileError` for a `DecodingError` thrown while decoding `file`.
    public static func describe(_ error: DecodingError, file: String) -> JSONFileError {
        switch error {
        case let .keyNotFound(key, context):
            return JSONFileError(file: file, field: path(context.codingPath + [key]), reason: "missing")
        case let .typeMismatch(type, context):
            return JSONFileError(file: file, field: path(context.codingPath), reason: "expected \(noun(type))\(found(context))")
        case let .valueNotFound(type, context):
            return JSONFileError(file: file, field: path(context.codingPath), reason: "expected \(noun(type)), got null")
        case let .dataCorrupted(context):
            let field = context.codingPath.isEmpty ? nil : path(context.codingPath)
            return JSONFileError(file: file, field: field, reason: "invalid value")
        @unknown default:
            return JSONFileError(file: file, field: nil, reason: "cannot be read")
        }
    }

    /// `a.b[2].c` from a coding path.
    static func path(_ keys: [CodingKey]) -> String {
        var out = ""
        for k in keys {
            if let i = k.intValue, k.stringValue.hasPrefix("Index") || k.stringValue == String(i) { out += "[\(i)]" }
            else { out += (out.isEmpty ? "" : ".") + k.stringValue }
        }
        return out.isEmpty ? "(top level)" : out
    }

    /// "an integer", "a number", "a string", "true or false", "a list", "an object" for a Swift type.
    static func noun(_ type: Any.Type) -> String {
        switch type {
        case is Bool.Type: return "true or false"
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt64.Type, is UInt32.Type, is UInt.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") || name.hasPrefix("[") { return "a list" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "a value of type \(name)"
        }
    }

    /// ", got a string" and similar, read from Foundation's debug description ("… but found a string instead.").
    static func found(_ context: DecodingError.Context) -> String {
        let text = context.debugDescription
        guard let r = text.range(of: "but found ") else { return "" }
        var what = text[r.upperBound...]
        if let end = what.range(of: " instead") { what = what[..<end.lowerBound] }
        if what.hasPrefix("number") { what = "a " + what }
        return what.isEmpty ? "" : ", got \(what)"
    }
}
