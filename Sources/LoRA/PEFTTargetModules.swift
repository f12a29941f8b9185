import Foundation

/// PEFT's `target_modules`: a list of module names, or one string.
///
/// Selection rules (PEFT's, for the modules this harness supports — `encoder.layer.L.<module>` of a BERT encoder):
/// - a list entry selects a module whose name equals it or ends with `.` + it (`query`, `attention.output.dense`,
///   `encoder.layer.3.output.dense`, or a task model's `bert.encoder.layer.3.output.dense`);
/// - a string selects a module whose whole name it matches as a regular expression (PEFT's `re.fullmatch`), tried on
///   both `encoder.layer.L.<module>` and a task model's `bert.encoder.layer.L.<module>`; a string that is a plain name
///   (`"query"`) also selects as a one-entry list would.
public enum PEFTTargetModules: Equatable, Sendable {
    case names([String])
    case pattern(String)

    /// The entries as written, for display (`query, value` or the pattern).
    public var displayText: String {
        switch self {
        case .names(let n): return n.joined(separator: ", ")
        case .pattern(let p): return p
        }
    }

    /// True when the module `name` (`encoder.layer.L.<module suffix>`) is selected.
    public func selects(_ name: String) -> Bool {
        switch self {
        case .names(let entries): return entries.contains { Self.entry($0, selects: name) }
        case .pattern(let p):
            return Self.entry(p, selects: name) || Self.fullMatch(p, name) || Self.fullMatch(p, "bert." + name)
        }
    }

    /// Checks that every list entry, or the pattern, selects at least one of `modules`.
    /// - Returns: nil when it does, else the reason in words (naming the entry), for a `field 'target_modules'` error.
    public func problem(among modules: [String]) -> String? {
        switch self {
        case .names(let entries):
            if entries.isEmpty { return "is an empty list: it names no module" }
            for e in entries where !modules.contains(where: { Self.entry(e, selects: $0) }) {
                return "entry \"\(e)\" names no module this harness can adapt (\(Self.supportedText))"
            }
        case .pattern(let p):
            if (try? NSRegularExpression(pattern: p)) == nil { return "\"\(p)\" is not a valid regular expression" }
            if !modules.contains(where: selects) {
                return "\"\(p)\" matches no module this harness can adapt (\(Self.supportedText))"
            }
        }
        return nil
    }

    static let supportedText = "encoder.layer.<L>. followed by attention.self.query, attention.self.key, attention.self.value, "
        + "attention.output.dense, intermediate.dense or output.dense"

    /// A list entry against `encoder.layer.L.<module>`, also as a SEQ_CLS model names it (`bert.` in front).
    static func entry(_ e: String, selects name: String) -> Bool {
        [name, "bert." + name].contains { $0 == e || $0.hasSuffix("." + e) }
    }

    static func fullMatch(_ pattern: String, _ name: String) -> Bool {
        guard let re = try? NSRegularExpression(pattern: "^(?:" + pattern + ")$") else { return false }
        return re.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
    }
}

extension PEFTTargetModules: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { self = .pattern(s) } else { self = .names(try c.decode([String].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .names(let n): try c.encode(n)
        case .pattern(let p): try c.encode(p)
        }
    }
}
