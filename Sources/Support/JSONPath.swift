import Foundation

/// A location inside a JSON document, printed the way a reader would write it: `adapters[0].ranks[2]`,
/// `training.batchSize`; keys that are not plain identifiers are quoted (`task["max tokens"]`); the document
/// itself is `(top level)`.
public struct JSONPath: Equatable, Hashable, Sendable, CustomStringConvertible {
    public enum Component: Equatable, Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    public private(set) var components: [Component]

    public init(_ components: [Component] = []) { self.components = components }

    public var isRoot: Bool { components.isEmpty }

    public mutating func append(_ c: Component) { components.append(c) }
    public mutating func removeLast() { components.removeLast() }
    /// Puts `c` in front (the parser builds an error's path while unwinding, innermost component first).
    mutating func prepend(_ c: Component) { components.insert(c, at: 0) }

    public func appending(_ key: String) -> JSONPath { JSONPath(components + [.key(key)]) }
    public func appending(_ index: Int) -> JSONPath { JSONPath(components + [.index(index)]) }

    public var description: String {
        if components.isEmpty { return "(top level)" }
        var s = ""
        for c in components {
            switch c {
            case .index(let i): s += "[\(i)]"
            case .key(let k):
                if JSONPath.isIdentifier(k) {
                    s += s.isEmpty ? k : ".\(k)"
                } else {
                    let escaped = k.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                    s += "[\"\(escaped)\"]"
                }
            }
        }
        return s
    }

    /// Letters, digits, `_` and `-`, not starting with a digit or `-`.
    static func isIdentifier(_ k: String) -> Bool {
        guard let first = k.unicodeScalars.first, first.properties.isAlphabetic || first == "_" else { return false }
        return k.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
    }
}
