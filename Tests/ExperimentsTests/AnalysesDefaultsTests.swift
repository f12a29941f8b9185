import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// A spec without `analyses` gets every analysis its grid supports (it used to skip Section 7 silently).
final class AnalysesDefaultsTests: XCTestCase {
    func spec(adapters: String, seeds: String = "") throws -> ExperimentSpec {
        try Fixtures.spec(json: """
        {"name": "d", "model": {"builtin": "tiny"}, "task": {"kind": "wordnet-supersense"},
         "adapters": \(adapters), "training": {"steps": 1}\(seeds)}
        """)
    }

    func testGridDefaults() throws {
        let qv = try spec(adapters: #"[{"targets": ["q", "v"], "ranks": [1, 2, 4, 8, 64]}]"#,
                          seeds: #", "seeds": {"extra": [{"targets": ["q", "v"], "ranks": [64], "init": [2]}]}"#)
        XCTAssertEqual(qv.analyses.subspaceSimilarity, SubspaceSimilaritySpec(pairs: [RankPair(8, 64)]), "the paper's pair")
        XCTAssertEqual(qv.analyses.seedSimilarity, SeedSimilaritySpec(rank: 64), "the rank extra seeds run at")
        XCTAssertEqual(qv.analyses.projection, ProjectionSpec())
        XCTAssertTrue(qv.analyses.directionOverlap && qv.analyses.spectra && qv.analyses.accuracy)

        let two = try spec(adapters: #"[{"targets": ["q"], "budget": 384}, {"targets": ["v"], "ranks": [4, 2]}]"#,
                           seeds: #", "seeds": {"init": [1, 2]}"#)
        XCTAssertEqual(two.analyses.subspaceSimilarity, SubspaceSimilaritySpec(pairs: [RankPair(2, 4)]), "smallest and largest")
        XCTAssertEqual(two.analyses.seedSimilarity, SeedSimilaritySpec(rank: 4), "two seed pairs: the largest explicit rank")

        let one = try spec(adapters: #"[{"targets": ["q"], "ranks": [8]}]"#)
        XCTAssertNil(one.analyses.subspaceSimilarity)
        XCTAssertNil(one.analyses.seedSimilarity)
    }

    /// The defaults always resolve (they only name ranks and seeds the grid has).
    func testGridDefaultsResolve() throws {
        let t = try TemporaryDirectory.repository()
        let s = try spec(adapters: #"[{"targets": ["q", "v"], "ranks": [2, 8]}]"#, seeds: #", "seeds": {"data": [1, 2]}"#)
        let plan = try RunPlan.resolve(s, modelShape: .miniLML6, baseDirectory: t.url, file: "d.json")
        XCTAssertEqual(plan.spec.analyses.seedSimilarity?.rank, 8)
        XCTAssertEqual(plan.spec.analyses.subspaceSimilarity?.pairs, [RankPair(2, 8)])
    }
}
