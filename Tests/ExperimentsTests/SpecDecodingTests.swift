import Foundation
import LoRA
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

final class SpecDecodingTests: XCTestCase {
    func testFullSpecDecodes() throws {
        let s = try Fixtures.spec("valid-qv-rank.json")
        XCTAssertEqual(s.name, "qv-rank")
        XCTAssertTrue(s.title.hasPrefix("Table 6 and Figs 3–4"))
        XCTAssertEqual(s.model, .checkpoint("models/all-MiniLM-L6-v2"))
        guard case .wordnetSupersense(let t) = s.task else { return XCTFail("task kind") }
        XCTAssertEqual(t.parts, [.noun])
        XCTAssertEqual(t.maxValidation, 2000)
        XCTAssertNil(t.maxTrain)
        XCTAssertEqual(t.maxTokens, 48)
        XCTAssertEqual(s.adapters, [
            AdapterSetSpec(targets: [.q, .v], size: .ranks([1, 2, 4, 8, 64])),
            AdapterSetSpec(targets: [.q], size: .budget(18432), layers: [0, 1, 2, 3, 4, 5]),
        ])
        XCTAssertEqual(s.lora, LoRASpec(alpha: .value(8)))
        XCTAssertEqual(s.training, TrainingSpec(length: .steps(300), clipNorm: 1.0, evalEvery: 100))
        XCTAssertEqual(s.checkpointEvery, 50)
        XCTAssertEqual(s.seeds, SeedSpec(data: [1], initialization: [1],
                                         extra: [ExtraSeeds(targets: [.q, .v], ranks: [64], data: [1], initialization: [2])]))
        XCTAssertEqual(s.analyses, AnalysesSpec(subspaceSimilarity: SubspaceSimilaritySpec(pairs: [RankPair(8, 64)], maxI: 8, maxJ: 64),
                                                seedSimilarity: SeedSimilaritySpec(rank: 64), projection: ProjectionSpec(layer: nil),
                                                directionOverlap: true, spectra: true, accuracy: true, plantedRecovery: false))
        XCTAssertEqual(s.reference, .table6)
    }

    func testDefaultsAreFilledIn() throws {
        let s = try Fixtures.spec("valid-minimal.json")
        XCTAssertEqual(s.title, "minimal")
        XCTAssertNil(s.notes)
        XCTAssertEqual(s.model, .builtin(.tiny))
        XCTAssertEqual(s.task, .wordnetSupersense(WordNetSupersenseTask()))
        guard case .wordnetSupersense(let t) = s.task else { return XCTFail("task kind") }
        XCTAssertEqual(t.parts, [.noun])
        XCTAssertFalse(t.includeLemmas)
        XCTAssertNil(t.maxTrain)
        XCTAssertEqual(t.maxValidation, 2000)
        XCTAssertFalse(t.classBalanced)
        XCTAssertEqual(t.maxTokens, 48)
        XCTAssertNil(t.wordnetDirectory)
        XCTAssertEqual(s.adapters, [AdapterSetSpec(targets: [.q, .v], size: .ranks([8]), layers: nil)], "targets are a set, stored sorted")
        XCTAssertEqual(s.lora.alpha, .value(8))
        XCTAssertFalse(s.lora.rsLoRA)
        XCTAssertEqual(s.lora.initialization, .gaussian)
        XCTAssertNil(s.lora.gaussianStd)
        XCTAssertEqual(s.lora.dropout, 0)
        XCTAssertEqual(s.training.length, .steps(300))
        XCTAssertEqual(s.training.batchSize, 32)
        XCTAssertEqual(s.training.learningRate, 1e-3)
        XCTAssertNil(s.training.headLearningRate)
        XCTAssertEqual(s.training.schedule, .linear)
        XCTAssertEqual(s.training.warmupFraction, 0.1)
        XCTAssertEqual(s.training.weightDecay, 0)
        XCTAssertNil(s.training.clipNorm)
        XCTAssertNil(s.training.evalEvery)
        XCTAssertNil(s.checkpointEvery)
        XCTAssertEqual(s.seeds, SeedSpec(data: [1], initialization: [1], extra: []))
        // No `analyses` key: every analysis one rank and one seed pair support (no Fig 3 pair, no Fig 4 seeds).
        XCTAssertEqual(s.analyses, AnalysesSpec(projection: ProjectionSpec(), directionOverlap: true, spectra: true,
                                                accuracy: true, plantedRecovery: false))
        XCTAssertNil(s.reference)
    }

    func testEveryTaskKindHasDefaults() throws {
        func task(_ json: String) throws -> TaskSpec {
            try Fixtures.spec(json: """
            {"name": "t", "model": {"builtin": "tiny"}, "task": \(json),
             "adapters": [{"targets": ["q"], "ranks": [1]}], "training": {"steps": 1}}
            """).task
        }
        XCTAssertEqual(try task(#"{"kind": "wordnet-pairs"}"#), .wordnetPairs(WordNetPairsTask()))
        guard case .plantedRank(let p) = try task(#"{"kind": "planted-rank", "plantRank": 3}"#) else { return XCTFail("kind") }
        XCTAssertEqual(p.singularValues, [0.5, 0.25, 0.125])
        XCTAssertEqual(p.targets, [.q, .v])
        XCTAssertEqual(p.inputs, .randomTokens)
        XCTAssertEqual(p.plantSeed, 7)
        XCTAssertEqual(p.trainExamples, 4096)
        XCTAssertEqual(p.validationExamples, 512)
        XCTAssertEqual(try task(#"{"kind": "jsonl", "train": "a.jsonl", "validation": "b.jsonl"}"#),
                       .jsonl(JSONLTask(train: "a.jsonl", validation: "b.jsonl")))
        XCTAssertEqual(try task(#"{"kind": "glue-tsv", "train": "a.tsv", "validation": "b.tsv"}"#),
                       .glueTSV(GLUETSVTask(train: "a.tsv", validation: "b.tsv")))
        XCTAssertEqual(specError { _ = try task(#"{"kind": "planted-rank", "plantRank": 2, "singularValues": [0.5]}"#) }?.reason,
                       "expected 2 values (one per planted direction, plantRank = 2), got 1")
        XCTAssertEqual(specError { _ = try task(#"{"kind": "wordnet-pairs", "parts": ["adj"]}"#) }?.description,
                       "test.json: task.parts[0]: part 'adj' has no hypernyms in WordNet (allowed: noun, verb)")
        XCTAssertEqual(specError { _ = try task(#"{"parts": ["noun"]}"#) }?.description,
                       "test.json: task: missing required key 'kind' (one of wordnet-supersense, wordnet-pairs, planted-rank, jsonl, glue-tsv, wordnet-gloss)")
    }

    func testPlantedRankTurnsOnPlantedRecoveryByDefault() throws {
        let s = try Fixtures.spec(json: """
        {"name": "p", "model": {"builtin": "tiny"}, "task": {"kind": "planted-rank"},
         "adapters": [{"targets": ["q", "v"], "ranks": [2]}], "training": {"steps": 10}}
        """)
        XCTAssertTrue(s.analyses.plantedRecovery)
    }

    func testNullMeansNoneOnlyWhereItHasAMeaning() throws {
        func training(_ extra: String) throws -> TrainingSpec {
            try Fixtures.spec(json: """
            {"name": "t", "model": {"builtin": "tiny"}, "task": {"kind": "wordnet-supersense"},
             "adapters": [{"targets": ["q"], "ranks": [1]}], "training": {"steps": 1\(extra)}}
            """).training
        }
        XCTAssertNil(try training(#", "clipNorm": null"#).clipNorm)
        XCTAssertEqual(try training(#", "clipNorm": 0.5"#).clipNorm, 0.5)
        XCTAssertEqual(specError { _ = try training(#", "batchSize": null"#) }?.reason, "expected an integer, got null")
        // steps/epochs: exactly one key present (null counts as present).
        XCTAssertEqual(specError { _ = try training(#", "epochs": null"#) }?.reason, "give exactly one of 'steps' or 'epochs', not both")
    }

    func testAlphaRankAndEpochs() throws {
        let s = try Fixtures.spec(json: """
        {"name": "t", "model": {"builtin": "tiny"}, "task": {"kind": "wordnet-supersense"},
         "adapters": [{"targets": ["q"], "ranks": [4]}], "lora": {"alpha": "rank", "rsLoRA": true},
         "training": {"epochs": 1.5, "batchSize": 32}}
        """)
        XCTAssertEqual(s.lora.parameters(rank: 16).alpha, 16)
        XCTAssertEqual(s.lora.parameters(rank: 16).scaling, 4, "rsLoRA: α/√r")
        XCTAssertEqual(s.training.length, .epochs(1.5))
        XCTAssertEqual(s.training.totalSteps(trainExamples: 65587), 3075, "⌈1.5 · 65587 / 32⌉")
        XCTAssertEqual(s.training.warmupSteps(totalSteps: 3075), 307)
    }

    func testAnalysesAcceptFalseAndNullAsOff() throws {
        let s = try Fixtures.spec(json: """
        {"name": "t", "model": {"builtin": "tiny"}, "task": {"kind": "wordnet-supersense"},
         "adapters": [{"targets": ["q"], "ranks": [4]}], "training": {"steps": 1},
         "analyses": {"subspaceSimilarity": false, "seedSimilarity": null, "projection": {}}}
        """)
        XCTAssertNil(s.analyses.subspaceSimilarity)
        XCTAssertNil(s.analyses.seedSimilarity)
        XCTAssertEqual(s.analyses.projection, ProjectionSpec(layer: nil))
        XCTAssertEqual(specError {
            _ = try Fixtures.spec(json: """
            {"name": "t", "model": {"builtin": "tiny"}, "task": {"kind": "wordnet-supersense"},
             "adapters": [{"targets": ["q"], "ranks": [4]}], "training": {"steps": 1},
             "analyses": {"subspaceSimilarity": {"pairs": [[8, 64]], "maxI": 9}}}
            """)
        }?.description, "test.json: analyses.subspaceSimilarity.maxI: 9 exceeds the first rank of pairs[0] = [8, 64] (i counts directions of A at rank 8)")
        XCTAssertEqual(specError {
            _ = try Fixtures.spec(json: """
            {"name": "t", "model": {"builtin": "tiny"}, "task": {"kind": "wordnet-supersense"},
             "adapters": [{"targets": ["q"], "ranks": [4]}], "training": {"steps": 1},
             "analyses": {"subspaceSimilarity": {"pairs": [[8, 64], [8, 64]]}}}
            """)
        }?.description, "test.json: analyses.subspaceSimilarity.pairs[1]: duplicate pair (also at [0])")
    }

    /// Spec → JSON (every default explicit) → spec gives the same value, through the strict decoder and
    /// through Codable.
    func testFullSpecRoundTrips() throws {
        for name in ["valid-qv-rank.json", "valid-minimal.json"] {
            let s = try Fixtures.spec(name)
            let text = CanonicalJSON.pretty(s.json)
            XCTAssertEqual(try ExperimentSpec.decode(data: Data(text.utf8), file: "round-trip.json"), s, name)
            let encoded = try JSONEncoder().encode(s)
            XCTAssertEqual(try JSONDecoder().decode(ExperimentSpec.self, from: encoded), s, name)
            XCTAssertEqual(try ExperimentSpec.decode(data: encoded, file: "encoded.json"), s, "JSONEncoder output is valid spec JSON")
        }
    }

    func testCodableDecodingIsStrictToo() {
        let data = Data(#"{"name": "x", "model": {"builtin": "tiny"}}"#.utf8)
        XCTAssertThrowsError(try JSONDecoder().decode(ExperimentSpec.self, from: data)) { error in
            guard case DecodingError.dataCorrupted(let c) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(c.debugDescription.hasSuffix("(top level): missing required key 'task'"), c.debugDescription)
        }
    }
}
