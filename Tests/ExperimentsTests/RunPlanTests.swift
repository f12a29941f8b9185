import Foundation
import LoRA
import Support
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

final class RunPlanTests: XCTestCase {
    var repo: TemporaryDirectory!

    override func setUpWithError() throws { repo = try TemporaryDirectory.repository() }
    override func tearDown() { repo = nil }

    func plan(_ spec: ExperimentSpec) throws -> RunPlan {
        try RunPlan.resolve(spec, modelShape: .miniLML6, baseDirectory: repo.url, file: "t.json")
    }

    func spec(adapters: String = #"[{"targets": ["q", "v"], "ranks": [8, 64]}]"#, seeds: String = "{}", extra: String = "") throws -> ExperimentSpec {
        try Fixtures.spec(json: """
        {"name": "t", "model": {"checkpoint": "models/all-MiniLM-L6-v2"}, "task": {"kind": "wordnet-supersense"},
         "adapters": \(adapters), "training": {"steps": 300}, "seeds": \(seeds)\(extra)}
        """)
    }

    // MARK: grid

    func testFullSpecExpandsInOrder() throws {
        let p = try plan(Fixtures.spec("valid-qv-rank.json"))
        XCTAssertEqual(p.runs.map(\.prefix), ["qv-r1-d1-i1", "qv-r2-d1-i1", "qv-r4-d1-i1", "qv-r8-d1-i1",
                                              "qv-r64-d1-i1", "qv-r64-d1-i2", "q-r4-d1-i1"])
        XCTAssertEqual(p.adapterSetIndices, [0, 0, 0, 0, 0, 0, 1])
        XCTAssertEqual(p.adapterSets[1], ResolvedAdapterSet(targets: [.q], layers: [0, 1, 2, 3, 4, 5], ranks: [4], budget: 18432,
                                                            parametersPerRank: 4608))
        XCTAssertEqual(p.runs(targets: [.v, .q], rank: 64).map(\.initSeed), [1, 2])
        XCTAssertEqual(p.run(id: p.runs[2].id), p.runs[2])
        XCTAssertEqual(Set(p.runs.map(\.id)).count, 7)
    }

    func testSeedGridIsDataMajorThenExtras() throws {
        let s = try spec(seeds: #"{"data": [3, 1], "init": [1, 2], "extra": [{"targets": ["v", "q"], "ranks": [64], "data": [1, 5], "init": [2, 9]}]}"#)
        let p = try plan(s)
        XCTAssertEqual(p.runs.map(\.prefix), [
            "qv-r8-d3-i1", "qv-r8-d3-i2", "qv-r8-d1-i1", "qv-r8-d1-i2",
            "qv-r64-d3-i1", "qv-r64-d3-i2", "qv-r64-d1-i1", "qv-r64-d1-i2",
            // extras at r = 64 only; (1, 2) already runs, so it is not repeated
            "qv-r64-d1-i9", "qv-r64-d5-i2", "qv-r64-d5-i9",
        ])
        XCTAssertEqual(p.runs.count, 11)
    }

    func testExtraSeedsWithoutRanksApplyToEveryRankOfTheirTargets() throws {
        let p = try plan(spec(adapters: #"[{"targets": ["q"], "ranks": [1, 2]}, {"targets": ["q", "v"], "ranks": [1]}]"#,
                              seeds: #"{"extra": [{"targets": ["q"], "init": [7]}]}"#))
        XCTAssertEqual(p.runs.map(\.prefix), ["q-r1-d1-i1", "q-r1-d1-i7", "q-r2-d1-i1", "q-r2-d1-i7", "qv-r1-d1-i1"])
    }

    func testExtraSeedRankMustExist() throws {
        let s = try spec(seeds: #"{"extra": [{"targets": ["q", "v"], "ranks": [16], "init": [2]}]}"#)
        XCTAssertEqual(specError { _ = try plan(s) }?.description,
                       "t.json: seeds.extra[0].ranks[0]: rank 16 is not a rank of the adapter sets with targets q+v (their ranks: 8, 64)")
    }

    func testTheSameRunTwiceIsAnError() throws {
        let s = try spec(adapters: #"[{"targets": ["q"], "ranks": [4]}, {"targets": ["q"], "budget": 18432}]"#)
        XCTAssertEqual(specError { _ = try plan(s) }?.description,
                       "t.json: adapters[1]: repeats run q-r4-d1-i1 of adapters[0] (same targets, layers, rank and seeds)")
        // Different layers make different runs.
        XCTAssertEqual(try plan(spec(adapters: #"[{"targets": ["q"], "ranks": [4]}, {"targets": ["q"], "ranks": [4], "layers": [5, 4]}]"#))
                        .runs.map(\.layers), [[0, 1, 2, 3, 4, 5], [4, 5]])
    }

    // MARK: run configs

    func testRunConfigHoldsResolvedTrainingInputs() throws {
        let s = try Fixtures.spec(json: """
        {"name": "t", "model": {"checkpoint": "models/all-MiniLM-L6-v2"}, "task": {"kind": "wordnet-supersense"},
         "adapters": [{"targets": ["v", "q"], "ranks": [8], "layers": [3, 1]}],
         "lora": {"alpha": "rank", "init": "kaiming-uniform", "dropout": 0.05},
         "training": {"epochs": 2, "learningRate": 0.002, "clipNorm": 1}, "seeds": {"data": [4], "init": [9]}}
        """)
        let r = try plan(s).runs[0]
        XCTAssertEqual(r.targets, [.q, .v])
        XCTAssertEqual(r.layers, [1, 3])
        XCTAssertEqual(r.lora, LoRAParameters(rank: 8, alpha: 8, rsLoRA: false, initialization: .kaimingUniform, gaussianStd: nil, dropout: 0.05))
        XCTAssertEqual(r.training.length, .epochs(2))
        XCTAssertEqual(r.training.headLearningRate, 0.002, "resolved to the learning rate")
        XCTAssertEqual(r.training.clipNorm, 1)
        XCTAssertEqual(r.dataSeed, 4)
        XCTAssertEqual(r.initSeed, 9)
        XCTAssertEqual(r.trainableParameters, 8 * 2 * 2 * 768)
        XCTAssertEqual(r.model, .checkpoint("models/all-MiniLM-L6-v2"), "paths stay as written")
        XCTAssertTrue(r.id.hasPrefix("qv-r8-d4-i9-"))
        XCTAssertTrue(r.hasCurrentID)
    }

    // MARK: ids

    /// A fixed config has a fixed id: the hash depends only on the canonical text, never on the process
    /// (Swift's hashing is randomised per process, so a constant checked here proves independence).
    func testRunIDIsAFixedFunctionOfTheConfig() {
        let r = RunConfig(model: .checkpoint("models/all-MiniLM-L6-v2"), task: .wordnetSupersense(WordNetSupersenseTask()),
                          targets: [.v, .q], layers: [0, 1, 2, 3, 4, 5], lora: LoRAParameters(rank: 8, alpha: 8),
                          training: TrainingSpec(length: .steps(300)), dataSeed: 1, initSeed: 1, trainableParameters: 73728)
        XCTAssertEqual(r.canonicalIdentity, """
        {"dataSeed":1,"initSeed":1,"layers":[0,1,2,3,4,5],"lora":{"alpha":8,"dropout":0,"gaussianStd":null,"init":"gaussian",\
        "rank":8,"rsLoRA":false},"model":{"checkpoint":"models/all-MiniLM-L6-v2"},"targets":["q","v"],"task":{"classBalanced":false,\
        "includeLemmas":false,"kind":"wordnet-supersense","maxTokens":48,"maxTrain":null,"maxValidation":2000,"parts":["noun"],\
        "wordnetDirectory":null},"trainableParameters":73728,"training":{"batchSize":32,"clipNorm":null,"evalEvery":null,\
        "headLearningRate":0.001,"learningRate":0.001,"schedule":"linear","steps":300,"warmupFraction":0.1,"weightDecay":0}}
        """)
        XCTAssertEqual(r.id, "qv-r8-d1-i1-" + SHA256.hex(r.canonicalIdentity).prefix(10))
        XCTAssertEqual(r.id, "qv-r8-d1-i1-a239af3dbb")
    }

    func testIDsIgnoreEverythingThatDoesNotAffectTraining() throws {
        let base = try plan(Fixtures.spec("valid-qv-rank.json")).runs.map(\.id)
        var s = try Fixtures.spec("valid-qv-rank.json")
        s.name = "other-name"
        s.title = "Another title"
        s.notes = nil
        s.reference = .table7
        s.analyses = AnalysesSpec()
        s.checkpointEvery = 7
        XCTAssertEqual(try plan(s).runs.map(\.id), base)
        // Key order and spelling in the file do not matter either.
        let reordered = try Fixtures.spec(json: """
        {"training": {"checkpointEvery": 50, "evalEvery": 100, "clipNorm": 1, "steps": 300, "learningRate": 0.001},
         "seeds": {"extra": [{"init": [2], "targets": ["v", "q"], "ranks": [64]}]},
         "adapters": [{"ranks": [1, 2, 4, 8, 64], "targets": ["v", "q"]}, {"layers": [5, 4, 3, 2, 1, 0], "budget": 18432, "targets": ["q"]}],
         "task": {"maxTokens": 48, "kind": "wordnet-supersense"}, "model": {"checkpoint": "models/all-MiniLM-L6-v2"}, "name": "x"}
        """)
        XCTAssertEqual(try plan(reordered).runs.map(\.id), base)
    }

    func testIDsChangeWithAnythingThatAffectsTraining() throws {
        let s = try Fixtures.spec("valid-qv-rank.json")
        let base = try plan(s).runs[3].id
        var changes: [(String, (inout ExperimentSpec) -> Void)] = [
            ("learning rate", { $0.training.learningRate = 2e-3 }),
            ("head learning rate", { $0.training.headLearningRate = 1e-2 }),
            ("steps", { $0.training.length = .steps(1000) }),
            ("schedule", { $0.training.schedule = .cosine }),
            ("eval cadence", { $0.training.evalEvery = 50 }),
            ("alpha", { $0.lora.alpha = .value(16) }),
            ("init", { $0.lora.initialization = .kaimingUniform }),
            ("data seed", { $0.seeds.data = [2] }),
            ("task", { $0.task = .wordnetSupersense({ var t = WordNetSupersenseTask(); t.maxTokens = 64; return t }()) }),
            ("model", { $0.model = .builtin(.tiny) }),
        ]
        // (init seed 2 would make the spec's extra entry, which adds init seed 2, add nothing: an error of its own.)
        changes.append(("init seed", { $0.seeds.initialization = [3] }))
        for (what, change) in changes {
            var t = s
            change(&t)
            let ids = try plan(t).runs.map(\.id)
            XCTAssertFalse(ids.contains(base), what)
        }
    }

    func testHeadLearningRateNullEqualsExplicitLearningRate() throws {
        var s = try Fixtures.spec("valid-qv-rank.json")
        let base = try plan(s).runs.map(\.id)
        s.training.headLearningRate = s.training.learningRate
        XCTAssertEqual(try plan(s).runs.map(\.id), base)
    }

    func testChangedFieldsNeedARefreshedID() throws {
        var r = try plan(Fixtures.spec("valid-qv-rank.json")).runs[0]
        let before = r.id
        r.training.learningRate = 5e-4
        XCTAssertFalse(r.hasCurrentID)
        r.refreshID()
        XCTAssertNotEqual(r.id, before)
        XCTAssertTrue(r.hasCurrentID)
    }

    // MARK: files

    func testRunConfigFileRoundTrips() throws {
        let runs = try plan(Fixtures.spec("valid-qv-rank.json")).runs
        for r in runs {
            let data = r.jsonData()
            XCTAssertEqual(data, r.jsonData(), "deterministic bytes")
            let back = try RunConfig(reading: JSONReader(root: StrictJSON.parse(data, file: "config.json"), file: "config.json"))
            XCTAssertEqual(back, r)
            XCTAssertTrue(back.hasCurrentID)
            XCTAssertEqual(try JSONDecoder().decode(RunConfig.self, from: JSONEncoder().encode(r)), r)
        }
    }

    func testResolvedSpecIsDeterministicAndComplete() throws {
        let p = try plan(Fixtures.spec("valid-qv-rank.json"))
        let data = p.resolved.jsonData()
        XCTAssertEqual(data, p.resolved.jsonData())
        let back = try JSONDecoder().decode(ResolvedSpec.self, from: data)
        XCTAssertEqual(back, p.resolved)
        XCTAssertEqual(back.runs, p.runs.map(\.id))
        XCTAssertEqual(back.adapters.map(\.ranks), [[1, 2, 4, 8, 64], [4]])
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains(#""checkpointEvery": 50"#), text)
        XCTAssertTrue(text.contains(#""plantedRecovery": false"#), "defaults are written out")
        XCTAssertTrue(text.contains(#""budget": null"#), "optionals are written out")
        XCTAssertTrue(text.contains(#""clipNorm": 1.0"#), text)
    }

    // MARK: model shape

    func testModelShapeFromHuggingFaceConfig() throws {
        XCTAssertEqual(try ModelShape(huggingFaceConfig: Data(Fixtures.miniLMConfig.utf8), file: "config.json"), .miniLML6)
        XCTAssertEqual(specError { _ = try ModelShape(huggingFaceConfig: Data(#"{"hidden_size": 384}"#.utf8), file: "config.json") }?.description,
                       "config.json: (top level): missing required key 'num_hidden_layers'")
    }

    func testCheckpointMustBeADirectoryWithAConfig() throws {
        try repo.write("models/empty/README", "no config here")
        var s = try Fixtures.spec("valid-minimal.json")
        s.model = .checkpoint("models/empty")
        XCTAssertEqual(specError { _ = try plan(s) }?.description,
                       "t.json: model.checkpoint: 'models/empty' is not a checkpoint directory: it has no config.json (nor exactly one .gguf file)")
        s.model = .checkpoint("models/empty/README")
        XCTAssertEqual(specError { _ = try plan(s) }?.description,
                       "t.json: model.checkpoint: 'models/empty/README' is a file; expected a checkpoint directory or a .gguf file")
        s.model = .checkpoint(repo.url.appendingPathComponent("models/all-MiniLM-L6-v2").path)
        XCTAssertNoThrow(try plan(s), "absolute paths are used as they are")
    }

    func testUserDataFilesAreFoundRelativeToTheRepositoryRoot() throws {
        try repo.write("data/train.jsonl", "{}\n")
        try repo.write("data/dev.jsonl", "{}\n")
        var s = try Fixtures.spec("valid-minimal.json")
        s.task = .jsonl(JSONLTask(train: "data/train.jsonl", validation: "data/dev.jsonl"))
        XCTAssertNoThrow(try plan(s))
        s.task = .jsonl(JSONLTask(train: "data/train.jsonl", validation: "data"))
        XCTAssertEqual(specError { _ = try plan(s) }?.description, "t.json: task.validation: 'data' is a directory; expected a file")
    }
}
