import Foundation
import LoRA
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// The head-only baseline in specs and run plans: `{"headOnly": true}` among the adapter sets, its extra seeds, its run
/// ids and configs. (Malformed head-only specs are in `MalformedSpecTests`' corpus.)
final class HeadOnlySpecTests: XCTestCase {
    var repo: TemporaryDirectory!

    override func setUpWithError() throws { repo = try TemporaryDirectory.repository() }
    override func tearDown() { repo = nil }

    func spec(adapters: String = #"[{"targets": ["q", "v"], "ranks": [1, 8]}, {"headOnly": true}]"#, seeds: String = "{}",
              lora: String = "{}") throws -> ExperimentSpec {
        try Fixtures.spec(json: """
        {"name": "t", "model": {"checkpoint": "models/all-MiniLM-L6-v2"}, "task": {"kind": "wordnet-supersense"},
         "adapters": \(adapters), "lora": \(lora), "training": {"steps": 300}, "seeds": \(seeds)}
        """)
    }

    func plan(_ spec: ExperimentSpec) throws -> RunPlan {
        try RunPlan.resolve(spec, modelShape: .miniLML6, baseDirectory: repo.url, file: "t.json")
    }

    // MARK: spec

    func testHeadOnlySetAndItsExtraSeedsDecode() throws {
        let s = try spec(seeds: #"{"init": [1, 2], "extra": [{"headOnly": true, "init": [3]}]}"#)
        XCTAssertEqual(s.adapters, [AdapterSetSpec(targets: [.q, .v], size: .ranks([1, 8])), .headOnly])
        XCTAssertTrue(s.adapters[1].isHeadOnly)
        XCTAssertFalse(s.adapters[0].isHeadOnly)
        XCTAssertEqual(s.seeds.extra, [.headOnly(data: [1], initialization: [3])], "data defaults to the top-level list")
        XCTAssertTrue(s.seeds.extra[0].isHeadOnly)
        XCTAssertNil(s.seeds.extra[0].ranks)
    }

    /// Written back as `{"headOnly": true}` (no targets, ranks or layers) and read to an equal spec, strictly and
    /// through Codable.
    func testHeadOnlySpecRoundTrips() throws {
        let s = try spec(seeds: #"{"extra": [{"headOnly": true, "init": [3]}, {"targets": ["q", "v"], "ranks": [8], "init": [2]}]}"#)
        let text = CanonicalJSON.pretty(s.json)
        XCTAssertEqual(try ExperimentSpec.decode(data: Data(text.utf8), file: "round-trip.json"), s)
        XCTAssertEqual(try JSONDecoder().decode(ExperimentSpec.self, from: JSONEncoder().encode(s)), s)
        guard case .object(let members) = AdapterSetSpec.headOnly.json else { return XCTFail("an object") }
        XCTAssertEqual(members.map(\.key), ["headOnly"])
        guard case .object(let extra) = s.seeds.extra[0].json else { return XCTFail("an object") }
        XCTAssertEqual(extra.map(\.key), ["headOnly", "data", "init"])
    }

    /// The baseline has no ranks, so it never turns on a rank or seed comparison of the grid defaults.
    func testHeadOnlySetDoesNotChangeTheGridDefaults() throws {
        let with = try spec(seeds: #"{"extra": [{"headOnly": true, "init": [3]}]}"#)
        let without = try spec(adapters: #"[{"targets": ["q", "v"], "ranks": [1, 8]}]"#)
        XCTAssertEqual(with.analyses, without.analyses)
        XCTAssertNil(with.analyses.seedSimilarity)
    }

    // MARK: plan

    func testHeadOnlyRunsHaveTheirOwnIDsRankZeroAndNoLoRAParameters() throws {
        let p = try plan(spec(seeds: #"{"data": [1], "init": [1, 2], "extra": [{"headOnly": true, "data": [4], "init": [1]}]}"#))
        XCTAssertEqual(p.runs.map(\.prefix), ["qv-r1-d1-i1", "qv-r1-d1-i2", "qv-r8-d1-i1", "qv-r8-d1-i2",
                                              "head-d1-i1", "head-d1-i2", "head-d4-i1"])
        XCTAssertEqual(p.adapterSetIndices, [0, 0, 0, 0, 1, 1, 1])
        XCTAssertEqual(p.adapterSets[1], .headOnly)
        XCTAssertEqual(p.adapterSets[1], ResolvedAdapterSet(targets: [], layers: [], ranks: [0], budget: nil, parametersPerRank: 0))
        for run in p.runs[4...] {
            XCTAssertTrue(run.isHeadOnly)
            XCTAssertEqual(run.targets, [])
            XCTAssertEqual(run.layers, [])
            XCTAssertEqual(run.lora.rank, 0)
            XCTAssertEqual(run.trainableParameters, 0, "only the task head trains; its size is counted by the runner")
            XCTAssertTrue(run.hasCurrentID)
            XCTAssertNotNil(run.id.range(of: #"^head-d\d+-i\d+-[0-9a-f]{10}$"#, options: .regularExpression), run.id)
        }
        XCTAssertEqual(p.runs(targets: [], rank: 0).map(\.prefix), ["head-d1-i1", "head-d1-i2", "head-d4-i1"])
        XCTAssertEqual(Set(p.runs.map(\.id)).count, 7)
        XCTAssertEqual(try plan(spec(seeds: #"{"init": [1, 2]}"#)).runs[4].id, p.runs[4].id, "extras do not change other runs")
    }

    /// The LoRA settings do not touch a head-only run (its identity writes `"lora": null`), so they leave its id alone;
    /// what trains the head does change it.
    func testHeadOnlyIDsIgnoreLoRASettingsOnly() throws {
        let base = try plan(spec()).runs.last!
        XCTAssertTrue(base.canonicalIdentity.contains(#""lora":null"#), base.canonicalIdentity)
        XCTAssertTrue(base.canonicalIdentity.contains(#""layers":[],"#), base.canonicalIdentity)
        let other = try plan(spec(lora: #"{"alpha": 32, "rsLoRA": true, "init": "kaiming-uniform", "dropout": 0.1}"#)).runs
        XCTAssertEqual(other.last!.id, base.id)
        XCTAssertNotEqual(other.first!.id, try plan(spec()).runs.first!.id, "LoRA runs do change")
        var s = try spec()
        s.training.headLearningRate = 0.01
        XCTAssertNotEqual(try plan(s).runs.last!.id, base.id)
    }

    /// A head-only config.json reads back equal, and one that claims adapters beside `"lora": null` is refused.
    func testHeadOnlyRunConfigFileRoundTrips() throws {
        let run = try plan(spec()).runs.last!
        let data = run.jsonData()
        let back = try RunConfig(reading: JSONReader(root: StrictJSON.parse(data, file: "config.json"), file: "config.json"))
        XCTAssertEqual(back, run)
        XCTAssertTrue(back.hasCurrentID)
        XCTAssertEqual(try JSONDecoder().decode(RunConfig.self, from: JSONEncoder().encode(run)), run)
        let forged = String(decoding: data, as: UTF8.self).replacingOccurrences(of: #""targets": []"#, with: #""targets": ["q"]"#)
        XCTAssertNotEqual(forged, String(decoding: data, as: UTF8.self), "the test edits the file")
        XCTAssertEqual(specError {
            _ = try RunConfig(reading: JSONReader(root: StrictJSON.parse(Data(forged.utf8), file: "config.json"), file: "config.json"))
        }?.description, #"config.json: targets: must be [] when lora is null (a head-only run has no adapters), got an array"#)
    }

    /// A head-only set alone is a valid spec: only the baseline trains.
    func testASpecOfTheBaselineAloneResolves() throws {
        let p = try plan(spec(adapters: #"[{"headOnly": true}]"#))
        XCTAssertEqual(p.runs.map(\.prefix), ["head-d1-i1"])
        XCTAssertEqual(p.resolved.adapters, [.headOnly])
        let back = try JSONDecoder().decode(ResolvedSpec.self, from: p.resolved.jsonData())
        XCTAssertEqual(back, p.resolved)
    }
}
