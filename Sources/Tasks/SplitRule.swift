import Support

/// Deterministic train/validation/test assignment by hashing a key.
///
/// Rule: take SHA-256 of the key's UTF-8 bytes, read its first 8 hex digits (first 4 bytes, big-endian) as a
/// `UInt32` h, and compute b = h mod (trainBuckets + validationBuckets + testBuckets). Buckets
/// `0..<trainBuckets` are train, the next `validationBuckets` validation, the rest test. The default 8/1/1 is
/// "h mod 10: 0–7 train, 8 validation, 9 test". The hash (not Swift's per-process `hashValue`, not file order)
/// makes a key's split the same in every run, on every machine, whatever else is in the data.
///
/// WordNet keys are the category letter plus the 8-digit offset exactly as written in the data file
/// (`n02084071`); with the default rule this gives the reference calibration's 65,587 training noun synsets.
public struct SplitRule: Codable, Equatable, Sendable {
    public var trainBuckets: Int
    public var validationBuckets: Int
    public var testBuckets: Int

    public init(trainBuckets: Int = 8, validationBuckets: Int = 1, testBuckets: Int = 1) {
        self.trainBuckets = trainBuckets
        self.validationBuckets = validationBuckets
        self.testBuckets = testBuckets
    }

    /// The 8/1/1 rule.
    public static let `default` = SplitRule()

    public var totalBuckets: Int { trainBuckets + validationBuckets + testBuckets }

    /// Throws unless every bucket count is ≥ 0 and their sum is ≥ 1.
    public func validate() throws {
        for (name, v) in [("trainBuckets", trainBuckets), ("validationBuckets", validationBuckets), ("testBuckets", testBuckets)]
        where v < 0 {
            throw DataError.invalidOption(field: "splitRule.\(name)", reason: "must be ≥ 0, got \(v)")
        }
        if totalBuckets < 1 { throw DataError.invalidOption(field: "splitRule", reason: "needs at least one bucket") }
    }

    /// The bucket of a key: first 4 bytes of SHA-256(key) as a big-endian UInt32, mod `totalBuckets`.
    public func bucket(forKey key: String) -> Int {
        let d = SHA256.digest(Array(key.utf8))
        let h = UInt32(d[0]) << 24 | UInt32(d[1]) << 16 | UInt32(d[2]) << 8 | UInt32(d[3])
        return Int(h % UInt32(max(1, totalBuckets)))
    }

    /// The split of a key under this rule.
    public func split(forKey key: String) -> Split {
        let b = bucket(forKey: key)
        if b < trainBuckets { return .train }
        if b < trainBuckets + validationBuckets { return .validation }
        return .test
    }

    /// The split of a key under the default 8/1/1 rule.
    public static func split(forKey key: String) -> Split { SplitRule.default.split(forKey: key) }

    /// A WordNet synset key: category letter (`n v a r`; satellites use `a`) + offset as 8 zero-padded digits.
    public static func key(pos: PartOfSpeech, offset: Int) -> String { pos.letter + pad8(offset) }

    enum CodingKeys: String, CodingKey { case trainBuckets, validationBuckets, testBuckets }

    /// Missing keys take their defaults, so a config may give only the counts it changes.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        trainBuckets = try c.decodeIfPresent(Int.self, forKey: .trainBuckets) ?? 8
        validationBuckets = try c.decodeIfPresent(Int.self, forKey: .validationBuckets) ?? 1
        testBuckets = try c.decodeIfPresent(Int.self, forKey: .testBuckets) ?? 1
    }
}
