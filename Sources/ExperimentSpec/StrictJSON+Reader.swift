/// A JSON value at a known path, with typed accessors that throw a `SpecError` naming the file and the path.
///
/// Types are never coerced: an integer field rejects `32.5`, `32.0` and `1e3`; a boolean field rejects `1`;
/// a string field rejects `8`; `null` is accepted only where a reader asks for it (`JSONObjectReader.nullable`).
public struct JSONReader: Sendable {
    public let value: JSONValue
    public let path: JSONPath
    public let file: String

    public init(root: JSONValue, file: String) { self.init(value: root, path: JSONPath(), file: file) }

    init(value: JSONValue, path: JSONPath, file: String) {
        self.value = value
        self.path = path
        self.file = file
    }

    /// An error located at this value.
    public func error(_ reason: String) -> SpecError { SpecError(file: file, path: path, reason: reason) }

    public var isNull: Bool { value == .null }

    /// How the value is named in "got …": the literal for numbers, the quoted text for strings, `an array`…
    public var shortDescription: String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n.literal
        case .string(let s):
            let clipped = s.count > 40 ? String(s.prefix(40)) + "…" : s
            return "\"\(clipped)\""
        case .array(let a): return a.isEmpty ? "an empty array" : "an array"
        case .object: return "an object"
        }
    }

    func mismatch(_ expected: String) -> SpecError { error("expected \(expected), got \(shortDescription)") }

    // MARK: types

    /// This value as an object whose keys must all be in `allowed`. The first unknown key (in document order)
    /// is an error at this object's path, with a "did you mean" when a known key is close, else the list of keys.
    /// `hint` may explain an unknown key better (e.g. a key that belongs to another task kind).
    public func object(allowed: [String], hint: (String) -> String? = { _ in nil }) throws -> JSONObjectReader {
        guard case .object(let members) = value else { throw mismatch("an object") }
        for m in members where !allowed.contains(m.key) {
            if let h = hint(m.key) { throw error("unknown key '\(m.key)' — \(h)") }
            if let near = Suggestion.nearest(to: m.key, among: allowed) {
                throw error("unknown key '\(m.key)' — did you mean '\(near)'?")
            }
            throw error("unknown key '\(m.key)' (allowed: \(allowed.joined(separator: ", ")))")
        }
        return JSONObjectReader(reader: self, members: members)
    }

    /// This value as an object, without checking its keys (to read a discriminator such as `kind` first).
    public func anyObject() throws -> JSONObjectReader {
        guard case .object(let members) = value else { throw mismatch("an object") }
        return JSONObjectReader(reader: self, members: members)
    }

    /// The elements of an array, each with its own path (`…[0]`, `…[1]`).
    public func array() throws -> [JSONReader] {
        guard case .array(let elements) = value else { throw mismatch("an array") }
        return elements.enumerated().map { JSONReader(value: $1, path: path.appending($0), file: file) }
    }

    /// As `array()`, and at least one element.
    public func nonEmptyArray() throws -> [JSONReader] {
        let a = try array()
        if a.isEmpty { throw error("must not be empty") }
        return a
    }

    public func string() throws -> String {
        guard case .string(let s) = value else { throw mismatch("a string") }
        return s
    }

    public func nonEmptyString() throws -> String {
        let s = try string()
        if s.isEmpty { throw error("must not be empty") }
        return s
    }

    public func bool() throws -> Bool {
        guard case .bool(let b) = value else { throw mismatch("true or false") }
        return b
    }

    /// Any JSON number (integer literals included).
    public func double() throws -> Double {
        guard case .number(let n) = value else { throw mismatch("a number") }
        return n.value
    }

    /// An integer literal (no fraction, no exponent) that fits in `Int`.
    public func int() throws -> Int {
        guard case .number(let n) = value, n.isIntegerLiteral else { throw mismatch("an integer") }
        guard let i = Int(n.literal) else { throw error("the integer \(n.literal) is out of range") }
        return i
    }

    /// A non-negative integer literal that fits in `UInt64` (seeds).
    public func uint64() throws -> UInt64 {
        guard case .number(let n) = value, n.isIntegerLiteral else { throw mismatch("a non-negative integer") }
        if n.literal.hasPrefix("-") { throw error("must be ≥ 0, got \(n.literal)") }
        guard let u = UInt64(n.literal) else { throw error("the integer \(n.literal) is out of range (at most \(UInt64.max))") }
        return u
    }

    // MARK: constrained values

    /// An integer ≥ `minimum`.
    public func int(atLeast minimum: Int) throws -> Int {
        let i = try int()
        if i < minimum { throw error("must be ≥ \(minimum), got \(i)") }
        return i
    }

    /// An integer ≥ 1.
    public func positiveInt() throws -> Int { try int(atLeast: 1) }

    /// A number > 0.
    public func positiveDouble() throws -> Double {
        let d = try double()
        if !(d > 0) { throw error("must be > 0, got \(shortDescription)") }
        return d
    }

    /// A number ≥ 0.
    public func nonNegativeDouble() throws -> Double {
        let d = try double()
        if d < 0 { throw error("must be ≥ 0, got \(shortDescription)") }
        return d
    }

    /// A number in [lower, upper], or [lower, upper) when `upperOpen`.
    public func double(in lower: Double, _ upper: Double, upperOpen: Bool = false) throws -> Double {
        let d = try double()
        let ok = d >= lower && (upperOpen ? d < upper : d <= upper)
        if !ok {
            throw error("must be in [\(Self.format(lower)), \(Self.format(upper))\(upperOpen ? ")" : "]"), got \(shortDescription)")
        }
        return d
    }

    /// A string that is one of `E`'s raw values; otherwise "unknown <what> 'x' (expected one of a, b, c)".
    public func enumeration<E: CaseIterable & RawRepresentable>(_ type: E.Type, what: String) throws -> E where E.RawValue == String {
        guard case .string(let s) = value else {
            throw mismatch("one of \(E.allCases.map { $0.rawValue }.joined(separator: ", "))")
        }
        guard let e = E(rawValue: s) else {
            throw error("unknown \(what) '\(s)' (expected one of \(E.allCases.map { $0.rawValue }.joined(separator: ", ")))")
        }
        return e
    }

    /// The elements of an array read by `read`, each distinct: a repeat is "duplicate <what> x (also at [i])"
    /// at the repeat's path. With `nonEmpty`, an empty array is an error.
    public func uniqueArray<T: Hashable>(nonEmpty: Bool = true, what: String,
                                         _ read: (JSONReader) throws -> T) throws -> [T] {
        let elements = nonEmpty ? try nonEmptyArray() : try array()
        var seen: [T: Int] = [:]
        var out: [T] = []
        for (k, e) in elements.enumerated() {
            let v = try read(e)
            if let first = seen[v] {
                let shown: String
                switch e.value {
                case .array, .object: shown = ""
                default: shown = " " + e.shortDescription
                }
                throw e.error("duplicate \(what)\(shown) (also at [\(first)])")
            }
            seen[v] = k
            out.append(v)
        }
        return out
    }

    static func format(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : d.description
    }
}

/// The members of a JSON object, looked up by key; a missing required key is an error at the object's path.
public struct JSONObjectReader: Sendable {
    public let reader: JSONReader
    let members: [JSONMember]

    public var path: JSONPath { reader.path }

    /// Whether `key` is present (even as `null`).
    public func has(_ key: String) -> Bool { members.contains { $0.key == key } }

    /// The value of `key`, or nil when absent.
    public subscript(key: String) -> JSONReader? {
        guard let m = members.first(where: { $0.key == key }) else { return nil }
        return JSONReader(value: m.value, path: path.appending(key), file: reader.file)
    }

    /// The value of `key`; absent is "missing required key 'key'".
    public func required(_ key: String) throws -> JSONReader {
        guard let r = self[key] else { throw reader.error("missing required key '\(key)'") }
        return r
    }

    /// `read` applied to `key`'s value, or `defaultValue` when the key is absent (`null` goes to `read`,
    /// which rejects it unless it accepts null).
    public func optional<T>(_ key: String, default defaultValue: T, _ read: (JSONReader) throws -> T) throws -> T {
        guard let r = self[key] else { return defaultValue }
        return try read(r)
    }

    /// For keys where `null` means "none": absent → `defaultValue`, `null` → nil, otherwise `read`.
    public func nullable<T>(_ key: String, default defaultValue: T?, _ read: (JSONReader) throws -> T) throws -> T? {
        guard let r = self[key] else { return defaultValue }
        if r.isNull { return nil }
        return try read(r)
    }
}
