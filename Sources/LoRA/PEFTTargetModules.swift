import Foundation

/// PEFT's `target_modules`: a list of module names, or one string.
///
/// Selection rules (PEFT's, for the modules this harness supports — a family's `<layers path>.L.<module>`, named by its
/// `ModuleNaming`, e.g. `encoder.layer.L.<module>` of a BERT encoder):
/// - a list entry selects a module whose name equals it or ends with `.` + it (`query`, `attention.output.dense`,
///   `encoder.layer.3.output.dense`, or a task model's `bert.encoder.layer.3.output.dense`);
/// - a string selects a module whose whole name it matches as a regular expression (PEFT's `re.fullmatch`), tried on
///   the module's name under each of the family's task-model prefixes; a string that is a plain name (`"query"`) also
///   selects as a one-entry list would.
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

    /// True when the module `name` (`<layers path>.L.<module suffix>` of `naming`'s family) is selected.
    public func selects(_ name: String, naming: ModuleNaming = .bert) -> Bool {
        switch self {
        case .names(let entries): return entries.contains { Self.entry($0, selects: name, naming: naming) }
        case .pattern(let p):
            return Self.entry(p, selects: name, naming: naming) || naming.taskModelPrefixes.contains { Self.fullMatch(p, $0 + name) }
        }
    }

    /// Checks that every list entry, or the pattern, selects at least one of `modules`.
    /// - Returns: nil when it does, else the reason in words (naming the entry), for a `field 'target_modules'` error.
    public func problem(among modules: [String], naming: ModuleNaming = .bert) -> String? {
        switch self {
        case .names(let entries):
            if entries.isEmpty { return "is an empty list: it names no module" }
            for e in entries where !modules.contains(where: { Self.entry(e, selects: $0, naming: naming) }) {
                return "entry \"\(e)\" names no module this harness can adapt (\(naming.supportedText))"
            }
        case .pattern(let p):
            if (try? NSRegularExpression(pattern: p)) == nil { return "\"\(p)\" is not a valid regular expression" }
            if !modules.contains(where: { selects($0, naming: naming) }) {
                return "\"\(p)\" matches no module this harness can adapt (\(naming.supportedText))"
            }
        }
        return nil
    }

    /// A list entry against a module name, also as a task model names it (BERT's SEQ_CLS model: `bert.` in front).
    static func entry(_ e: String, selects name: String, naming: ModuleNaming) -> Bool {
        naming.taskModelPrefixes.map { $0 + name }.contains { $0 == e || $0.hasSuffix("." + e) }
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
