import LoRA

extension TaskKind {
    /// The keys each kind accepts (besides `kind`).
    var keys: [String] {
        switch self {
        case .wordnetSupersense:
            return ["parts", "includeLemmas", "maxTrain", "maxValidation", "classBalanced", "maxTokens", "wordnetDirectory"]
        case .wordnetPairs:
            return ["parts", "hypernymDepth", "maxTrain", "maxValidation", "maxTokens", "wordnetDirectory"]
        case .plantedRank:
            return ["plantRank", "targets", "layers", "singularValues", "inputs", "plantSeed", "maxTokens", "trainExamples",
                    "directions", "principalDimensions",
                    "validationExamples", "wordnetDirectory"]
        case .jsonl:
            return ["train", "validation", "validationFraction", "test", "textField", "textPairField", "labelField", "skipInvalid", "maxTrain",
                    "maxValidation", "maxTokens"]
        case .glueTSV:
            return ["train", "validation", "validationFraction", "test", "textColumn", "textPairColumn", "labelColumn", "skipInvalid", "maxTrain",
                    "maxValidation", "maxTokens"]
        case .wordnetGloss:
            return WordNetGlossTask.keys
        }
    }
}

extension TaskSpec {
    /// Reads `kind` first, then only that kind's keys; a key of another kind says which kinds it belongs to.
    public init(reading r: JSONReader) throws {
        let kinds = TaskKind.allCases.map(\.rawValue).joined(separator: ", ")
        guard let kindReader = try r.anyObject()["kind"] else {
            throw r.error("missing required key 'kind' (one of \(kinds))")
        }
        let kind = try kindReader.enumeration(TaskKind.self, what: "task kind")
        let o = try r.object(allowed: ["kind"] + kind.keys) { key in
            let owners = TaskKind.allCases.filter { $0.keys.contains(key) }.map(\.rawValue)
            return owners.isEmpty ? nil : "it belongs to task kind \(owners.joined(separator: ", ")), not \(kind.rawValue)"
        }
        switch kind {
        case .wordnetSupersense: self = .wordnetSupersense(try WordNetSupersenseTask(reading: o))
        case .wordnetPairs: self = .wordnetPairs(try WordNetPairsTask(reading: o))
        case .plantedRank: self = .plantedRank(try PlantedRankTask(reading: o))
        case .jsonl: self = .jsonl(try JSONLTask(reading: o))
        case .glueTSV: self = .glueTSV(try GLUETSVTask(reading: o))
        case .wordnetGloss: self = .wordnetGloss(try WordNetGlossTask(reading: o))
        }
    }
}

/// Readers shared by the task kinds.
enum TaskRead {
    static func cap(_ o: JSONObjectReader, _ key: String, default d: Int?) throws -> Int? {
        try o.nullable(key, default: d) { try $0.positiveInt() }
    }

    static func maxTokens(_ o: JSONObjectReader, default d: Int) throws -> Int {
        // [CLS] and [SEP] take two positions.
        try o.optional("maxTokens", default: d) { try $0.int(atLeast: 3) }
    }

    static func path(_ o: JSONObjectReader, _ key: String) throws -> String? {
        try o.nullable(key, default: nil) { try $0.nonEmptyString() }
    }

    static func parts(_ o: JSONObjectReader, allowed: [WordNetPart]) throws -> [WordNetPart] {
        try o.optional("parts", default: [.noun]) { r in
            try r.uniqueArray(what: "part") { e in
                let p = try e.enumeration(WordNetPart.self, what: "part of speech")
                if !allowed.contains(p) {
                    throw e.error("part '\(p.rawValue)' has no hypernyms in WordNet (allowed: \(allowed.map(\.rawValue).joined(separator: ", ")))")
                }
                return p
            }
        }
    }
}

extension WordNetSupersenseTask {
    init(reading o: JSONObjectReader) throws {
        parts = try TaskRead.parts(o, allowed: WordNetPart.allCases)
        includeLemmas = try o.optional("includeLemmas", default: false) { try $0.bool() }
        maxTrain = try TaskRead.cap(o, "maxTrain", default: nil)
        maxValidation = try TaskRead.cap(o, "maxValidation", default: 2000)
        classBalanced = try o.optional("classBalanced", default: false) { try $0.bool() }
        maxTokens = try TaskRead.maxTokens(o, default: 48)
        wordnetDirectory = try TaskRead.path(o, "wordnetDirectory")
    }
}

extension WordNetPairsTask {
    init(reading o: JSONObjectReader) throws {
        parts = try TaskRead.parts(o, allowed: [.noun, .verb])
        hypernymDepth = try o.optional("hypernymDepth", default: 2) { try $0.positiveInt() }
        maxTrain = try TaskRead.cap(o, "maxTrain", default: nil)
        maxValidation = try TaskRead.cap(o, "maxValidation", default: 2000)
        maxTokens = try TaskRead.maxTokens(o, default: 64)
        wordnetDirectory = try TaskRead.path(o, "wordnetDirectory")
    }
}

extension PlantedRankTask {
    init(reading o: JSONObjectReader) throws {
        plantRank = try o.optional("plantRank", default: 2) { try $0.positiveInt() }
        targets = try o.optional("targets", default: [.q, .v]) { try SpecRead.targets($0) }
        layers = try o.nullable("layers", default: nil) { try SpecRead.layers($0) }
        let r = plantRank
        singularValues = try o.optional("singularValues", default: Self.defaultSingularValues(rank: r)) { s in
            let values = try s.nonEmptyArray().map { try $0.positiveDouble() }
            if values.count != r { throw s.error("expected \(r) values (one per planted direction, plantRank = \(r)), got \(values.count)") }
            return values
        }
        inputs = try o.optional("inputs", default: .randomTokens) { try $0.enumeration(PlantedInputs.self, what: "inputs") }
        plantSeed = try o.optional("plantSeed", default: 7) { try $0.uint64() }
        maxTokens = try TaskRead.maxTokens(o, default: 32)
        trainExamples = try o.optional("trainExamples", default: 4096) { try $0.positiveInt() }
        validationExamples = try o.optional("validationExamples", default: 512) { try $0.positiveInt() }
        wordnetDirectory = try TaskRead.path(o, "wordnetDirectory")
        if wordnetDirectory != nil, inputs != .wordnet, let w = o["wordnetDirectory"] {
            throw w.error("applies only to inputs 'wordnet' (inputs is '\(inputs.rawValue)')")
        }
        directions = try o.optional("directions", default: .random) { try $0.enumeration(PlantedDirections.self, what: "directions") }
        principalDimensions = try o.optional("principalDimensions", default: 8) { try $0.positiveInt() }
        if let p = o["principalDimensions"] {
            if directions != .inputPrincipal { throw p.error("applies only to directions 'input-principal'") }
            if principalDimensions < plantRank { throw p.error("must be ≥ plantRank (\(plantRank)), got \(principalDimensions)") }
        }
        if directions == .inputPrincipal, let t = o["targets"] ?? o["directions"],
           !targets.allSatisfy({ [.q, .k, .v, .ffnUp].contains($0) }) {
            throw t.error("directions 'input-principal' needs targets whose input is the layer's input (q, k, v, ffn_up)")
        }
    }
}

extension JSONLTask {
    init(reading o: JSONObjectReader) throws {
        let (train, validation, fraction) = try ValidationSplit.read(o)
        self.init(train: train, validation: validation)
        validationFraction = fraction
        test = try TaskRead.path(o, "test")
        textField = try o.optional("textField", default: "text") { try $0.nonEmptyString() }
        textPairField = try o.nullable("textPairField", default: nil) { try $0.nonEmptyString() }
        labelField = try o.optional("labelField", default: "label") { try $0.nonEmptyString() }
        skipInvalid = try o.optional("skipInvalid", default: false) { try $0.bool() }
        maxTrain = try TaskRead.cap(o, "maxTrain", default: nil)
        maxValidation = try TaskRead.cap(o, "maxValidation", default: nil)
        maxTokens = try TaskRead.maxTokens(o, default: 128)
    }
}

extension GLUETSVTask {
    init(reading o: JSONObjectReader) throws {
        let (train, validation, fraction) = try ValidationSplit.read(o)
        self.init(train: train, validation: validation)
        validationFraction = fraction
        test = try TaskRead.path(o, "test")
        textColumn = try o.optional("textColumn", default: "sentence1") { try $0.nonEmptyString() }
        textPairColumn = try o.nullable("textPairColumn", default: "sentence2") { try $0.nonEmptyString() }
        labelColumn = try o.optional("labelColumn", default: "gold_label") { try $0.nonEmptyString() }
        skipInvalid = try o.optional("skipInvalid", default: false) { try $0.bool() }
        maxTrain = try TaskRead.cap(o, "maxTrain", default: nil)
        maxValidation = try TaskRead.cap(o, "maxValidation", default: nil)
        maxTokens = try TaskRead.maxTokens(o, default: 128)
    }
}
