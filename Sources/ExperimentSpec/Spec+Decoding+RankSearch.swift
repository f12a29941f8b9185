import LoRA

// The `rankSearch` section read strictly and written back with every default explicit (see `RankSearchSpec`).

extension RankSearchSpec {
    static let keys = ["targets", "ranks", "minGain", "z", "thenTargets"]

    /// Throws the first `SpecError`: an unknown or missing key, fewer than two ranks, a rank not above the one before it,
    /// `minGain` outside [0, 1), a negative `z`, a `thenTargets` set equal to `targets` or repeated.
    public init(reading r: JSONReader) throws {
        let o = try r.object(allowed: Self.keys)
        targets = try SpecRead.targets(o.required("targets"))
        let ranksReader = try o.required("ranks")
        ranks = try SpecRead.ranks(ranksReader)
        if ranks.count < 2 {
            throw ranksReader.error("needs at least two ranks to search, got \(ranks.count)")
        }
        let elements = try ranksReader.array()
        for k in 1..<ranks.count where ranks[k] <= ranks[k - 1] {
            throw elements[k].error("must be larger than the rank before it (ranks are tried in increasing order), got \(ranks[k]) after \(ranks[k - 1])")
        }
        minGain = try o.required("minGain").double(in: 0, 1, upperOpen: true)
        z = try o.optional("z", default: 1) { try $0.nonNegativeDouble() }
        let searched = targets
        thenTargets = try o.optional("thenTargets", default: []) { list in
            let sets = try list.uniqueArray(nonEmpty: false, what: "target set") { try SpecRead.targets($0) }
            let readers = try list.array()
            for (k, set) in sets.enumerated() where set == searched {
                throw readers[k].error("is the searched target set \(set.map(\.rawValue).joined(separator: "+")) itself "
                                       + "(thenTargets lists the other sets to try at the chosen rank)")
            }
            return sets
        }
    }

    public var json: JSONValue {
        .object([
            JSONMember("targets", .strings(targets.map(\.rawValue))),
            JSONMember("ranks", .ints(ranks)),
            JSONMember("minGain", .double(minGain)),
            JSONMember("z", .double(z)),
            JSONMember("thenTargets", .array(thenTargets.map { .strings($0.map(\.rawValue)) })),
        ])
    }
}
