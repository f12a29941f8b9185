import Foundation
import LoRA
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// The `rankSearch` section: strict decoding with its exact messages, the round trip, and its resolution into
/// candidates whose runs are ordinary runs (the committed `rank-search.json` shares qv-rank's run ids).
final class RankSearchSpecTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func spec(_ search: String, adapters: String? = nil, task: String = #"{"kind": "wordnet-supersense"}"#) throws -> ExperimentSpec {
        try Fixtures.spec(json: """
        {"name": "t", "model": {"checkpoint": "models/all-MiniLM-L6-v2"}, "task": \(task),
         \(adapters.map { "\"adapters\": \($0), " } ?? "")"rankSearch": \(search), "training": {"steps": 300}}
        """)
    }

    func message(_ search: String, adapters: String? = nil) -> String? {
        specError { _ = try spec(search, adapters: adapters) }?.description
    }

    func testDecodesWithDefaultsAndRoundTrips() throws {
        let s = try spec(#"{"targets": ["v", "q"], "ranks": [1, 2, 8], "minGain": 0.01}"#)
        XCTAssertEqual(s.rankSearch, RankSearchSpec(targets: [.q, .v], ranks: [1, 2, 8], minGain: 0.01, z: 1, thenTargets: []))
        XCTAssertEqual(s.adapters, [], "adapters may be left out beside a rank search")
        let text = CanonicalJSON.pretty(s.json)
        XCTAssertFalse(text.contains("\"adapters\""), "an empty grid is not written")
        XCTAssertTrue(text.contains("\"rankSearch\""))
        XCTAssertEqual(try ExperimentSpec.decode(data: Data(text.utf8), file: "round-trip.json"), s)

        let full = try spec(#"{"targets": ["q", "v"], "ranks": [1, 64], "minGain": 0, "z": 2.5, "thenTargets": [["q"], ["o", "k", "v", "q"]]}"#,
                            adapters: #"[{"targets": ["q"], "ranks": [4]}]"#)
        XCTAssertEqual(full.rankSearch?.thenTargets, [[.q], [.q, .k, .v, .o]])
        XCTAssertEqual(full.rankSearch?.z, 2.5)
        XCTAssertEqual(full.adapters.count, 1)
        XCTAssertEqual(try ExperimentSpec.decode(data: Data(CanonicalJSON.pretty(full.json).utf8), file: "round-trip.json"), full)
        // A spec without a rank search is written exactly as before the section existed.
        XCTAssertFalse(CanonicalJSON.pretty(try Fixtures.spec("valid-qv-rank.json").json).contains("rankSearch"))
    }

    func testStrictErrors() {
        let cases: [(String, String)] = [
            (#"{"targets": ["q", "v"], "ranks": [4], "minGain": 0.01}"#, "rankSearch.ranks: needs at least two ranks to search, got 1"),
            (#"{"targets": ["q", "v"], "ranks": [1, 2, 2], "minGain": 0.01}"#, "rankSearch.ranks[2]: duplicate rank 2 (also at [1])"),
            (#"{"targets": ["q", "v"], "ranks": [1, 2]}"#, "rankSearch: missing required key 'minGain'"),
            (#"{"targets": ["q", "v"], "ranks": [1, 2], "minGain": 1}"#, "rankSearch.minGain: must be in [0, 1), got 1"),
            (#"{"targets": ["q", "v"], "ranks": [1, 2], "minGain": 0.01, "z": -1}"#, "rankSearch.z: must be ≥ 0, got -1"),
            (#"{"targets": ["q", "v"], "ranks": [1, 2], "mingain": 0.01}"#, "rankSearch: unknown key 'mingain' — did you mean 'minGain'?"),
            (#"{"targets": ["q", "v"], "ranks": [1, 2], "minGain": 0.01, "thenTargets": [["q"], ["q"]]}"#,
             "rankSearch.thenTargets[1]: duplicate target set (also at [0])"),
            (#"{"targets": ["q", "v"], "ranks": [1, 2], "minGain": 0.01, "thenTargets": [[]]}"#, "rankSearch.thenTargets[0]: must not be empty"),
            (#"{"targets": ["q", "x"], "ranks": [1, 2], "minGain": 0.01}"#,
             "rankSearch.targets[1]: unknown target 'x' (expected one of q, k, v, o, ffn_gate, ffn_up, ffn_down)"),
        ]
        for (search, expected) in cases { XCTAssertEqual(message(search), "test.json: " + expected, search) }
        // Adapters stay required without a rank search (null is none), and never empty.
        XCTAssertEqual(message("null"), "test.json: (top level): missing required key 'adapters'")
        XCTAssertEqual(message(#"{"targets": ["q"], "ranks": [1, 2], "minGain": 0}"#, adapters: "[]"), "test.json: adapters: must not be empty")
    }

    /// Every (target set, rank) becomes a candidate with its cost and one run per seed pair, built like grid runs: a
    /// candidate equal to a grid run is that run (not listed again in `searchRuns`).
    func testResolvesCandidatesAsOrdinaryRuns() throws {
        let repo = try TemporaryDirectory.repository()
        let s = try Fixtures.spec(json: """
        {"name": "t", "model": {"checkpoint": "models/all-MiniLM-L6-v2"}, "task": {"kind": "wordnet-supersense"},
         "adapters": [{"targets": ["q", "v"], "ranks": [2]}],
         "rankSearch": {"targets": ["q", "v"], "ranks": [1, 2, 4], "minGain": 0.01, "thenTargets": [["q"]]},
         "training": {"steps": 300}, "seeds": {"init": [1, 2]}}
        """)
        let plan = try RunPlan.resolve(s, modelShape: .miniLML6, baseDirectory: repo.url, file: "t.json")
        let search = try XCTUnwrap(plan.rankSearch)
        XCTAssertEqual(search.ladder.map(\.rank), [1, 2, 4])
        XCTAssertEqual(search.ladder.map(\.trainableParameters), [9216, 18432, 36864], "r · 6 layers · 2 matrices · (384 + 384)")
        XCTAssertEqual(search.alternatives.map { $0.map(\.trainableParameters) }, [[4608, 9216, 18432]])
        XCTAssertEqual(search.ladder[1].runIDs, plan.runs.map(\.id), "q+v r = 2 with both init seeds is the grid's")
        XCTAssertEqual(plan.searchRuns.count, 2 * (3 + 3) - 2)
        XCTAssertEqual(plan.allRuns.count, 12)
        XCTAssertEqual(Set(plan.allRuns.map(\.id)).count, 12)
        XCTAssertEqual(plan.run(id: search.alternatives[0][2].runIDs[1])?.prefix, "q-r4-d1-i2")
        let resolved = String(decoding: plan.resolved.jsonData(), as: UTF8.self)
        XCTAssertTrue(resolved.contains("\"rankSearch\""), resolved)
        XCTAssertEqual(try JSONDecoder().decode(ResolvedSpec.self, from: plan.resolved.jsonData()), plan.resolved)
    }

    /// The committed spec decodes, resolves on MiniLM's shape, and qv-rank's runs are among its q,v candidates (same task
    /// and training settings), so results could be shared run for run.
    func testCommittedSpecSharesQVRankRunIDs() throws {
        let repo = try TemporaryDirectory.repository()
        func plan(_ name: String) throws -> RunPlan {
            let url = Self.repository.appendingPathComponent("experiments/specs/\(name).json")
            let spec = try ExperimentSpec.decode(data: try Data(contentsOf: url), file: name)
            return try RunPlan.resolve(spec, modelShape: .miniLML6, baseDirectory: repo.url, file: name,
                                       specDirectory: url.deletingLastPathComponent())
        }
        let search = try XCTUnwrap(try plan("rank-search").rankSearch)
        XCTAssertEqual(search.ladder.map(\.rank), [1, 2, 4, 8, 16, 64])
        XCTAssertEqual(search.alternatives.map { $0[0].targetLabel }, ["q", "v", "q+k+v+o"])
        let qvRank = try plan("qv-rank").runs.filter { $0.initSeed == 1 }.map(\.id)
        XCTAssertEqual(qvRank.count, 3)
        XCTAssertTrue(Set(qvRank).isSubset(of: Set(search.ladder.flatMap(\.runIDs))), "\(qvRank)")
    }
}
