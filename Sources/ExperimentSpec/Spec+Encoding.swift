import LoRA

// Every section written back as spec JSON with all defaults explicit; `ExperimentSpec.decode` reads it back
// to an equal value (the round trip the tests check).

extension ExperimentSpec {
    public var json: JSONValue {
        var trainingJSON = training.json
        if case .object(var members) = trainingJSON {
            members.append(JSONMember("checkpointEvery", .optional(checkpointEvery, JSONValue.int)))
            trainingJSON = .object(members)
        }
        // `adapters` is left out when a rank search stands alone, and `rankSearch` when there is none (so specs without
        // one are written exactly as before it existed).
        let grid = adapters.isEmpty && rankSearch != nil ? [] : [JSONMember("adapters", .array(adapters.map(\.json)))]
        var members = [
            JSONMember("name", .string(name)),
            JSONMember("title", .string(title)),
            JSONMember("notes", .optional(notes, JSONValue.string)),
            JSONMember("model", model.json),
            JSONMember("task", task.json),
        ] + grid + (rankSearch.map { [JSONMember("rankSearch", $0.json)] } ?? []) + [
            JSONMember("lora", lora.json),
            JSONMember("training", trainingJSON),
            JSONMember("seeds", seeds.json),
            JSONMember("analyses", analyses.json),
            JSONMember("reference", .optional(reference) { .string($0.rawValue) }),
        ]
        // Written only when set, so specs without it keep their resolved JSON byte for byte.
        if let quickLookOf { members.append(JSONMember("quickLookOf", .string(quickLookOf))) }
        if let lengthCheckOf { members.append(JSONMember("lengthCheckOf", .string(lengthCheckOf))) }
        if let lengthCheckedBy { members.append(JSONMember("lengthCheckedBy", .string(lengthCheckedBy))) }
        return .object(members)
    }
}

extension ModelSource {
    public var json: JSONValue {
        switch self {
        case .checkpoint(let p): return .object([JSONMember("checkpoint", .string(p))])
        case .builtin(let b): return .object([JSONMember("builtin", .string(b.rawValue))])
        }
    }
}

extension AdapterSetSpec {
    /// `{"headOnly": true}` for the baseline, else targets, ranks or budget, and layers.
    public var json: JSONValue {
        var m = [JSONMember("targets", .strings(targets.map(\.rawValue)))]
        switch size {
        case .ranks(let r): m.append(JSONMember("ranks", .ints(r)))
        case .budget(let b): m.append(JSONMember("budget", .int(b)))
        case .headOnly: return .object([JSONMember("headOnly", .bool(true))])
        }
        m.append(JSONMember("layers", .optional(layers, JSONValue.ints)))
        return .object(m)
    }
}

extension LoRASpec {
    public var json: JSONValue {
        let a: JSONValue
        switch alpha {
        case .value(let v): a = .double(v)
        case .rank: a = .string("rank")
        }
        return .object([
            JSONMember("alpha", a),
            JSONMember("rsLoRA", .bool(rsLoRA)),
            JSONMember("init", .string(initialization.rawValue)),
            JSONMember("gaussianStd", .optional(gaussianStd, JSONValue.double)),
            JSONMember("dropout", .double(dropout)),
        ])
    }
}

extension TrainingSpec {
    public var json: JSONValue {
        let length: JSONMember
        switch self.length {
        case .steps(let s): length = JSONMember("steps", .int(s))
        case .epochs(let e): length = JSONMember("epochs", .double(e))
        }
        // accumulationSteps is written only when not 1, so run identities of specs written before it existed stay the same.
        return .object([
            length,
            JSONMember("batchSize", .int(batchSize)),
            JSONMember("learningRate", .double(learningRate)),
            JSONMember("headLearningRate", .optional(headLearningRate, JSONValue.double)),
            JSONMember("schedule", .string(schedule.rawValue)),
            JSONMember("warmupFraction", .double(warmupFraction)),
            JSONMember("weightDecay", .double(weightDecay)),
            JSONMember("clipNorm", .optional(clipNorm, JSONValue.double)),
            JSONMember("evalEvery", .optional(evalEvery, JSONValue.int)),
        ] + (accumulationSteps == 1 ? [] : [JSONMember("accumulationSteps", .int(accumulationSteps))]))
    }
}

extension SeedSpec {
    public var json: JSONValue {
        .object([
            JSONMember("data", .array(data.map(JSONValue.uint))),
            JSONMember("init", .array(initialization.map(JSONValue.uint))),
            JSONMember("extra", .array(extra.map(\.json))),
        ])
    }
}

extension ExtraSeeds {
    /// `headOnly: true` in place of `targets` and `ranks` for an entry of the head-only baseline.
    public var json: JSONValue {
        let which = isHeadOnly ? [JSONMember("headOnly", .bool(true))]
            : [JSONMember("targets", .strings(targets.map(\.rawValue))), JSONMember("ranks", .optional(ranks, JSONValue.ints))]
        return .object(which + [
            JSONMember("data", .array(data.map(JSONValue.uint))),
            JSONMember("init", .array(initialization.map(JSONValue.uint))),
        ])
    }
}

extension AnalysesSpec {
    public var json: JSONValue {
        .object([
            JSONMember("subspaceSimilarity", .optional(subspaceSimilarity) { s in
                .object([
                    JSONMember("pairs", .array(s.pairs.map { .ints([$0.first, $0.second]) })),
                    JSONMember("maxI", .optional(s.maxI, JSONValue.int)),
                    JSONMember("maxJ", .optional(s.maxJ, JSONValue.int)),
                ])
            }),
            JSONMember("seedSimilarity", .optional(seedSimilarity) { s in
                .object([
                    JSONMember("rank", .int(s.rank)),
                    JSONMember("maxI", .optional(s.maxI, JSONValue.int)),
                    JSONMember("maxJ", .optional(s.maxJ, JSONValue.int)),
                ])
            }),
            JSONMember("projection", .optional(projection) { .object([JSONMember("layer", .optional($0.layer, JSONValue.int))]) }),
            JSONMember("directionOverlap", .bool(directionOverlap)),
            JSONMember("spectra", .bool(spectra)),
            JSONMember("accuracy", .bool(accuracy)),
            JSONMember("learningDiagnostics", .bool(learningDiagnostics)),
            JSONMember("plantedRecovery", .bool(plantedRecovery)),
            JSONMember("dataMetric", .bool(dataMetric)),
            JSONMember("accuracySplit", .string(accuracySplit.rawValue)),
            JSONMember("randomSeed", .uint(randomSeed)),
            JSONMember("nullDraws", .int(nullDraws)),
        ])
    }
}

extension TaskSpec {
    public var json: JSONValue {
        var m = [JSONMember("kind", .string(kind.rawValue))]
        func cap(_ key: String, _ v: Int?) { m.append(JSONMember(key, .optional(v, JSONValue.int))) }
        func path(_ key: String, _ v: String?) { m.append(JSONMember(key, .optional(v, JSONValue.string))) }
        switch self {
        case .wordnetSupersense(let t):
            m.append(JSONMember("parts", .strings(t.parts.map(\.rawValue))))
            m.append(JSONMember("includeLemmas", .bool(t.includeLemmas)))
            cap("maxTrain", t.maxTrain)
            cap("maxValidation", t.maxValidation)
            m.append(JSONMember("classBalanced", .bool(t.classBalanced)))
            m.append(JSONMember("maxTokens", .int(t.maxTokens)))
            path("wordnetDirectory", t.wordnetDirectory)
        case .wordnetPairs(let t):
            m.append(JSONMember("parts", .strings(t.parts.map(\.rawValue))))
            m.append(JSONMember("hypernymDepth", .int(t.hypernymDepth)))
            cap("maxTrain", t.maxTrain)
            cap("maxValidation", t.maxValidation)
            m.append(JSONMember("maxTokens", .int(t.maxTokens)))
            path("wordnetDirectory", t.wordnetDirectory)
        case .plantedRank(let t):
            m.append(JSONMember("plantRank", .int(t.plantRank)))
            m.append(JSONMember("targets", .strings(t.targets.map(\.rawValue))))
            m.append(JSONMember("layers", .optional(t.layers, JSONValue.ints)))
            m.append(JSONMember("singularValues", .array(t.singularValues.map(JSONValue.double))))
            m.append(JSONMember("inputs", .string(t.inputs.rawValue)))
            m.append(JSONMember("plantSeed", .uint(t.plantSeed)))
            m.append(JSONMember("maxTokens", .int(t.maxTokens)))
            m.append(JSONMember("trainExamples", .int(t.trainExamples)))
            m.append(JSONMember("validationExamples", .int(t.validationExamples)))
            path("wordnetDirectory", t.wordnetDirectory)
            // Written only when not the default, so run identities of specs written before these keys existed stay the same.
            if t.directions != .random {
                m.append(JSONMember("directions", .string(t.directions.rawValue)))
                m.append(JSONMember("principalDimensions", .int(t.principalDimensions)))
            }
        case .jsonl(let t):
            m.append(JSONMember("train", .string(t.train)))
            m.append(t.validationFraction.map { JSONMember("validationFraction", .double($0)) } ?? JSONMember("validation", .string(t.validation)))
            path("test", t.test)
            m.append(JSONMember("textField", .string(t.textField)))
            path("textPairField", t.textPairField)
            m.append(JSONMember("labelField", .string(t.labelField)))
            m.append(JSONMember("skipInvalid", .bool(t.skipInvalid)))
            cap("maxTrain", t.maxTrain)
            cap("maxValidation", t.maxValidation)
            m.append(JSONMember("maxTokens", .int(t.maxTokens)))
        case .glueTSV(let t):
            m.append(JSONMember("train", .string(t.train)))
            m.append(t.validationFraction.map { JSONMember("validationFraction", .double($0)) } ?? JSONMember("validation", .string(t.validation)))
            path("test", t.test)
            m.append(JSONMember("textColumn", .string(t.textColumn)))
            path("textPairColumn", t.textPairColumn)
            m.append(JSONMember("labelColumn", .string(t.labelColumn)))
            m.append(JSONMember("skipInvalid", .bool(t.skipInvalid)))
            cap("maxTrain", t.maxTrain)
            cap("maxValidation", t.maxValidation)
            m.append(JSONMember("maxTokens", .int(t.maxTokens)))
        case .wordnetGloss(let t):
            m += t.jsonMembers
        }
        return .object(m)
    }
}
