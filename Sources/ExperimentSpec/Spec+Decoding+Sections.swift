import LoRA

/// Readers shared by several sections.
enum SpecRead {
    /// A non-empty list of distinct targets (q, k, v, o, ffn_up, ffn_down), sorted.
    static func targets(_ r: JSONReader) throws -> [LoRATarget] {
        try r.uniqueArray(what: "target") { try $0.enumeration(LoRATarget.self, what: "target") }.sorted()
    }

    /// A non-empty list of distinct layer indices ≥ 0, in the order given (so resolution errors can name
    /// `layers[k]`; runs use them sorted).
    static func layers(_ r: JSONReader) throws -> [Int] {
        try r.uniqueArray(what: "layer") { try $0.int(atLeast: 0) }
    }

    /// A non-empty list of distinct seeds (integers ≥ 0), in the order given.
    static func seeds(_ r: JSONReader) throws -> [UInt64] {
        try r.uniqueArray(what: "seed") { try $0.uint64() }
    }

    /// A non-empty list of distinct ranks ≥ 1, in the order given.
    static func ranks(_ r: JSONReader) throws -> [Int] {
        try r.uniqueArray(what: "rank") { try $0.positiveInt() }
    }

    /// Whether an adapter set or extra-seeds entry is the head-only baseline: `"headOnly": true` (absent: not). `false`
    /// is refused, so there is one way to write each thing, and so is any key of `keys` beside `true` (a baseline has
    /// no adapters, so no targets, ranks, budget or layers).
    static func headOnly(_ o: JSONObjectReader, without keys: [String]) throws -> Bool {
        guard let h = o["headOnly"] else { return false }
        guard try h.bool() else { throw h.error("must be true (leave the key out for a set of LoRA adapters)") }
        for key in keys {
            if let k = o[key] {
                throw k.error("not allowed with \"headOnly\": true (the head-only baseline trains the task head alone, "
                              + "with no adapters)")
            }
        }
        return true
    }
}

extension AdapterSetSpec {
    /// `{"headOnly": true}` alone, or a LoRA set with `targets` and exactly one of `ranks`/`budget`.
    public init(reading r: JSONReader) throws {
        let o = try r.object(allowed: ["targets", "ranks", "budget", "layers", "headOnly"])
        if try SpecRead.headOnly(o, without: ["targets", "ranks", "budget", "layers"]) {
            self = .headOnly
            return
        }
        targets = try SpecRead.targets(o.required("targets"))
        switch (o["ranks"], o["budget"]) {
        case (let ranks?, nil): size = .ranks(try SpecRead.ranks(ranks))
        case (nil, let budget?): size = .budget(try budget.positiveInt())
        case (_?, _?): throw r.error("give exactly one of 'ranks' or 'budget', not both")
        case (nil, nil):
            throw r.error("give exactly one of 'ranks' (a list of ranks) or 'budget' (trainable parameters; the rank is derived as in Table 5)")
        }
        layers = try o.nullable("layers", default: nil) { try SpecRead.layers($0) }
    }
}

extension LoRASpec {
    public init(reading r: JSONReader) throws {
        let o = try r.object(allowed: ["alpha", "rsLoRA", "init", "gaussianStd", "dropout"])
        alpha = try o.optional("alpha", default: .value(8)) { a in
            if case .string(let s) = a.value {
                guard s == "rank" else { throw a.error("unknown alpha '\(s)' (expected a number > 0, or \"rank\" for α = r)") }
                return .rank
            }
            guard case .number = a.value else { throw a.mismatch("a number > 0 or \"rank\"") }
            return .value(try a.positiveDouble())
        }
        rsLoRA = try o.optional("rsLoRA", default: false) { try $0.bool() }
        initialization = try o.optional("init", default: .gaussian) { try $0.enumeration(LoRAInitialization.self, what: "init") }
        gaussianStd = try o.nullable("gaussianStd", default: nil) { try $0.positiveDouble() }
        if gaussianStd != nil, initialization != .gaussian, let g = o["gaussianStd"] {
            throw g.error("applies only to init 'gaussian' (init is '\(initialization.rawValue)')")
        }
        dropout = try o.optional("dropout", default: 0) { try $0.double(in: 0, 1, upperOpen: true) }
    }
}

extension TrainingSpec {
    static let keys = ["steps", "epochs", "batchSize", "learningRate", "headLearningRate", "schedule", "warmupFraction",
                       "weightDecay", "clipNorm", "evalEvery", "accumulationSteps"]

    public init(reading r: JSONReader) throws { (self, _) = try Self.read(r, allowCheckpointEvery: false) }

    /// Reads the spec's `training` object; `checkpointEvery` is accepted there but returned separately
    /// (see `ExperimentSpec.checkpointEvery`).
    static func read(_ r: JSONReader, allowCheckpointEvery: Bool) throws -> (TrainingSpec, Int?) {
        let o = try r.object(allowed: keys + (allowCheckpointEvery ? ["checkpointEvery"] : []))
        let length: TrainingLength
        switch (o["steps"], o["epochs"]) {
        case (let s?, nil): length = .steps(try s.positiveInt())
        case (nil, let e?): length = .epochs(try e.positiveDouble())
        case (_?, _?): throw r.error("give exactly one of 'steps' or 'epochs', not both")
        case (nil, nil): throw r.error("missing 'steps' or 'epochs' (give exactly one)")
        }
        var t = TrainingSpec(length: length)
        t.batchSize = try o.optional("batchSize", default: 32) { try $0.positiveInt() }
        t.learningRate = try o.optional("learningRate", default: 1e-3) { try $0.positiveDouble() }
        t.headLearningRate = try o.nullable("headLearningRate", default: nil) { try $0.positiveDouble() }
        t.schedule = try o.optional("schedule", default: .linear) { try $0.enumeration(LearningRateSchedule.self, what: "schedule") }
        t.warmupFraction = try o.optional("warmupFraction", default: 0.1) { try $0.double(in: 0, 1) }
        t.weightDecay = try o.optional("weightDecay", default: 0) { try $0.nonNegativeDouble() }
        t.clipNorm = try o.nullable("clipNorm", default: nil) { try $0.positiveDouble() }
        t.evalEvery = try o.nullable("evalEvery", default: nil) { try $0.positiveInt() }
        t.accumulationSteps = try o.optional("accumulationSteps", default: 1) { a in
            let k = try a.positiveInt()
            if k > 65_536 { throw a.error("must be at most 65536 batches per step, got \(k)") }
            return k
        }
        let checkpointEvery = try o.nullable("checkpointEvery", default: nil) { try $0.positiveInt() }
        return (t, checkpointEvery)
    }
}

extension SeedSpec {
    public init(reading r: JSONReader) throws {
        let o = try r.object(allowed: ["data", "init", "extra"])
        data = try o.optional("data", default: [1]) { try SpecRead.seeds($0) }
        initialization = try o.optional("init", default: [1]) { try SpecRead.seeds($0) }
        let (d, i) = (data, initialization)
        extra = try o.optional("extra", default: []) { try $0.array().map { try ExtraSeeds(reading: $0, defaultData: d, defaultInit: i) } }
    }
}

extension ExtraSeeds {
    /// `targets` (and optional `ranks`) for LoRA sets, or `"headOnly": true` (and no `targets` or `ranks`) for the
    /// head-only baseline; then `data` and `init`.
    init(reading r: JSONReader, defaultData: [UInt64], defaultInit: [UInt64]) throws {
        let o = try r.object(allowed: ["targets", "headOnly", "ranks", "data", "init"])
        if try SpecRead.headOnly(o, without: ["targets", "ranks"]) {
            targets = []
            ranks = nil
        } else {
            targets = try SpecRead.targets(o.required("targets"))
            ranks = try o.nullable("ranks", default: nil) { try SpecRead.ranks($0) }
        }
        data = try o.optional("data", default: defaultData) { try SpecRead.seeds($0) }
        initialization = try o.optional("init", default: defaultInit) { try SpecRead.seeds($0) }
    }
}

extension AnalysesSpec {
    static let keys = ["subspaceSimilarity", "seedSimilarity", "projection", "directionOverlap", "spectra", "accuracy", "learningDiagnostics", "plantedRecovery",
                       "dataMetric", "accuracySplit", "randomSeed", "nullDraws"]

    public init(reading r: JSONReader) throws { try self.init(reading: r, taskKind: nil) }

    /// `taskKind` sets the default of `plantedRecovery` (nil: off).
    init(reading r: JSONReader, taskKind: TaskKind?) throws {
        let o = try r.object(allowed: Self.keys)
        subspaceSimilarity = try Self.enabled(o, "subspaceSimilarity") { try SubspaceSimilaritySpec(reading: $0) }
        seedSimilarity = try Self.enabled(o, "seedSimilarity") { try SeedSimilaritySpec(reading: $0) }
        projection = try Self.enabled(o, "projection") { try ProjectionSpec(reading: $0) }
        directionOverlap = try o.optional("directionOverlap", default: false) { try $0.bool() }
        spectra = try o.optional("spectra", default: false) { try $0.bool() }
        accuracy = try o.optional("accuracy", default: true) { try $0.bool() }
        learningDiagnostics = try o.optional("learningDiagnostics", default: true) { try $0.bool() }
        plantedRecovery = try o.optional("plantedRecovery", default: taskKind == .plantedRank) { try $0.bool() }
        dataMetric = try o.optional("dataMetric", default: false) { try $0.bool() }
        accuracySplit = try o.optional("accuracySplit", default: .validation) { try $0.enumeration(AccuracySplit.self, what: "accuracy split") }
        randomSeed = try o.optional("randomSeed", default: 0) { try $0.uint64() }
        nullDraws = try o.optional("nullDraws", default: Self.minimumNullDraws) { try $0.int(atLeast: Self.minimumNullDraws) }
    }

    /// An analysis that is off when absent, null or false, and configured by an object.
    static func enabled<T>(_ o: JSONObjectReader, _ key: String, _ read: (JSONReader) throws -> T) throws -> T? {
        guard let r = o[key], !r.isNull, r.value != .bool(false) else { return nil }
        guard case .object = r.value else {
            throw r.error("expected an object (to run it) or false/null (to skip it), got \(r.shortDescription)")
        }
        return try read(r)
    }
}

extension SubspaceSimilaritySpec {
    init(reading r: JSONReader) throws {
        let o = try r.object(allowed: ["pairs", "maxI", "maxJ"])
        pairs = try o.required("pairs").uniqueArray(what: "pair") { try RankPair(reading: $0) }
        maxI = try o.nullable("maxI", default: nil) { try $0.positiveInt() }
        maxJ = try o.nullable("maxJ", default: nil) { try $0.positiveInt() }
        for (k, p) in pairs.enumerated() {
            if let m = maxI, m > p.first, let mr = o["maxI"] {
                throw mr.error("\(m) exceeds the first rank of pairs[\(k)] = [\(p.first), \(p.second)] (i counts directions of A at rank \(p.first))")
            }
            if let m = maxJ, m > p.second, let mr = o["maxJ"] {
                throw mr.error("\(m) exceeds the second rank of pairs[\(k)] = [\(p.first), \(p.second)] (j counts directions of A at rank \(p.second))")
            }
        }
    }
}

extension RankPair {
    /// `[r1, r2]`: two different ranks ≥ 1.
    init(reading r: JSONReader) throws {
        let a = try r.array()
        guard a.count == 2 else { throw r.error("expected two ranks like [8, 64], got \(a.count) value\(a.count == 1 ? "" : "s")") }
        self.init(try a[0].positiveInt(), try a[1].positiveInt())
        if first == second { throw r.error("the two ranks must differ (to compare two seeds at one rank, use seedSimilarity)") }
    }
}

extension SeedSimilaritySpec {
    init(reading r: JSONReader) throws {
        let o = try r.object(allowed: ["rank", "maxI", "maxJ"])
        rank = try o.required("rank").positiveInt()
        maxI = try o.nullable("maxI", default: nil) { try $0.positiveInt() }
        maxJ = try o.nullable("maxJ", default: nil) { try $0.positiveInt() }
        for key in ["maxI", "maxJ"] {
            if let m = o[key], let v = key == "maxI" ? maxI : maxJ, v > rank { throw m.error("\(v) exceeds rank \(rank)") }
        }
    }
}

extension ProjectionSpec {
    init(reading r: JSONReader) throws {
        let o = try r.object(allowed: ["layer"])
        layer = try o.nullable("layer", default: nil) { try $0.int(atLeast: 0) }
    }
}
