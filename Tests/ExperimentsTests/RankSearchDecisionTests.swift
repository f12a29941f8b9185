import Analysis
import LoRA
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// `RankSearch.path`, the pure decision function, on hand-made accuracies: the rule gain − z·SE > minGain, its
/// standard errors (binomial, seed spread, neither), failed runs, pending candidates and the targets phase.
final class RankSearchDecisionTests: XCTestCase {
    /// q+v at r = 1, 2, 4, 8 (9216 parameters per rank, as on MiniLM-L6), then q (4608 per rank) and q+k+v+o (18432);
    /// `seeds` runs per candidate, ids `<targets>-r<rank>-s<seed>`.
    func plan(minGain: Double = 0.005, z: Double = 1, seeds: Int = 1) -> RankSearchPlan {
        func candidates(_ code: String, _ targets: [LoRATarget], perRank: Int) -> [RankSearchCandidate] {
            [1, 2, 4, 8].map { r in
                RankSearchCandidate(targets: targets, rank: r, trainableParameters: r * perRank,
                                    runIDs: (1...seeds).map { "\(code)-r\(r)-s\($0)" })
            }
        }
        return RankSearchPlan(minGain: minGain, z: z, ladder: candidates("qv", [.q, .v], perRank: 9216),
                              alternatives: [candidates("q", [.q], perRank: 4608), candidates("qkvo", [.q, .k, .v, .o], perRank: 18432)])
    }

    func decisions(_ path: RankSearchPath) -> [String] {
        path.steps.map { "\($0.candidate.targetLabel) r\($0.candidate.rank) \($0.decision.rawValue)" + ($0.chosen ? " *" : "") }
    }

    /// r = 2 gains 1.25 points over r = 1, but the binomial SE of the difference on 2000 examples is 1.35 points:
    /// 1.25 − 1.35 ≤ 0.5, so the search stops at r = 1 (the qv-rank accuracies of r = 1 and r = 2).
    func testPositiveGainWithinItsUncertaintyStops() throws {
        let results: [String: RankSearchRunResult] = ["qv-r1-s1": .finished(0.753), "qv-r2-s1": .finished(0.7655)]
        let path = RankSearch.path(plan(), results: results, validationExamples: 2000)
        XCTAssertEqual(Array(decisions(path).prefix(4)), ["q+v r1 start", "q+v r2 stop", "q+v r4 skipped", "q+v r8 skipped"])
        let c = try XCTUnwrap(path.steps[1].comparison)
        XCTAssertEqual(c.gain, 0.0125, accuracy: 1e-12)
        XCTAssertGreaterThan(c.gain, 0)
        let binomial = ((0.753 * 0.247 + 0.7655 * 0.2345) / 2000).squareRoot()
        XCTAssertEqual(try XCTUnwrap(c.binomialError), binomial, accuracy: 1e-12)
        XCTAssertNil(c.seedError, "one seed per side: no measured spread")
        XCTAssertEqual(try XCTUnwrap(c.threshold), 0.005 + binomial, accuracy: 1e-12)
        XCTAssertFalse(c.costlierPays)
        XCTAssertTrue(path.steps[1].reason.contains("+1.25 ± 1.35 points"), path.steps[1].reason)
        XCTAssertTrue(path.steps[1].reason.contains("not worth 9216 more trainable parameters"), path.steps[1].reason)
        // The targets phase starts at r = 1: q at r = 1 is what the search needs next.
        XCTAssertEqual(path.next?.runIDs, ["q-r1-s1"])
        XCTAssertNil(path.choice)
        XCTAssertEqual(path.steps.last?.decision, .pending)
    }

    /// r = 2 gains 8 points, SE 1.38: 8 − 1.38 > 0.5, so r = 2 becomes the incumbent and r = 4 is trained next.
    func testGainBeyondItsUncertaintyContinues() throws {
        let results: [String: RankSearchRunResult] = ["qv-r1-s1": .finished(0.70), "qv-r2-s1": .finished(0.78)]
        let path = RankSearch.path(plan(), results: results, validationExamples: 2000)
        XCTAssertEqual(decisions(path), ["q+v r1 start", "q+v r2 continue", "q+v r4 pending"])
        let c = try XCTUnwrap(path.steps[1].comparison)
        XCTAssertTrue(c.costlierPays)
        XCTAssertGreaterThan(try c.gain - XCTUnwrap(c.standardError), 0.005)
        XCTAssertEqual(path.next?.rank, 4)
        XCTAssertEqual(path.steps[2].incumbent, nil)
        XCTAssertFalse(path.isComplete)
    }

    /// The threshold moves with z and minGain: the same 1.25-point gain continues at z = 0, minGain 0.01, and stops at
    /// minGain 0.0125 (the gain must exceed it strictly).
    func testThresholdIsMinGainPlusZStandardErrors() {
        let results: [String: RankSearchRunResult] = ["qv-r1-s1": .finished(0.753), "qv-r2-s1": .finished(0.7655)]
        XCTAssertEqual(RankSearch.path(plan(minGain: 0.01, z: 0), results: results, validationExamples: 2000).steps[1].decision, .continue)
        XCTAssertEqual(RankSearch.path(plan(minGain: 0.0125, z: 0), results: results, validationExamples: 2000).steps[1].decision, .stop)
    }

    /// With two seeds per side the seed spread enters: SE = max(√(s₁²/n₁ + s₂²/n₂), binomial). Here the seeds disagree
    /// by 8 points, so the seed error (5.66 points) outweighs the binomial one (1.36) and a 5-point gain does not pay.
    func testSeedSpreadWhenEachSideHasTwoSeeds() throws {
        let results: [String: RankSearchRunResult] = ["qv-r1-s1": .finished(0.69), "qv-r1-s2": .finished(0.77),
                                                      "qv-r2-s1": .finished(0.74), "qv-r2-s2": .finished(0.82)]
        let path = RankSearch.path(plan(seeds: 2), results: results, validationExamples: 2000)
        let c = try XCTUnwrap(path.steps[1].comparison)
        let sd = SeedSummary([0.69, 0.77]).standardDeviation!
        XCTAssertEqual(try XCTUnwrap(c.seedError), (sd * sd / 2 + sd * sd / 2).squareRoot(), accuracy: 1e-12)
        XCTAssertGreaterThan(try XCTUnwrap(c.seedError), try XCTUnwrap(c.binomialError))
        XCTAssertEqual(try XCTUnwrap(c.standardError), try XCTUnwrap(c.seedError))
        XCTAssertEqual(c.gain, 0.05, accuracy: 1e-12)
        XCTAssertEqual(path.steps[1].decision, .stop)
        // The candidate's own SE: s/√n = 4 points here, above the binomial √(p(1 − p)/N).
        let m = try XCTUnwrap(path.steps[0].measurement)
        XCTAssertEqual(try XCTUnwrap(m.standardError(validationExamples: 2000)), sd / 2.0.squareRoot(), accuracy: 1e-12)
        // Seeds that agree better give a smaller seed error; the binomial floor then decides, and 5 points pay.
        let tight: [String: RankSearchRunResult] = ["qv-r1-s1": .finished(0.73), "qv-r1-s2": .finished(0.731),
                                                    "qv-r2-s1": .finished(0.78), "qv-r2-s2": .finished(0.781)]
        let t = RankSearch.path(plan(seeds: 2), results: tight, validationExamples: 2000)
        XCTAssertEqual(t.steps[1].comparison?.standardError, t.steps[1].comparison?.binomialError)
        XCTAssertEqual(t.steps[1].decision, .continue)
    }

    /// A missing spread is never taken as zero: with one seed per side and no validation size the SE is unknown, and even
    /// a 40-point gain does not count as beyond it. Two seeds on one side only do not help.
    func testUnknownUncertaintyNeverCountsAGain() throws {
        let results: [String: RankSearchRunResult] = ["qv-r1-s1": .finished(0.5), "qv-r2-s1": .finished(0.9)]
        let path = RankSearch.path(plan(), results: results, validationExamples: nil)
        let c = try XCTUnwrap(path.steps[1].comparison)
        XCTAssertNil(c.standardError)
        XCTAssertNil(c.threshold)
        XCTAssertEqual(path.steps[1].decision, .stop)
        XCTAssertTrue(path.steps[1].reason.contains("standard error is unknown"), path.steps[1].reason)

        var lopsided = plan(seeds: 2)
        lopsided.ladder[0].runIDs = ["qv-r1-s1"]
        let mixed: [String: RankSearchRunResult] = ["qv-r1-s1": .finished(0.5), "qv-r2-s1": .finished(0.9), "qv-r2-s2": .finished(0.91)]
        let m = RankSearch.path(lopsided, results: mixed, validationExamples: nil)
        XCTAssertNil(m.steps[1].comparison?.seedError)
        XCTAssertEqual(m.steps[1].decision, .stop)
    }

    /// A failed (diverged) challenger is never preferred; a failed incumbent is replaced by any finished challenger.
    func testFailedRuns() {
        let divergedChallenger: [String: RankSearchRunResult] = ["qv-r1-s1": .finished(0.5), "qv-r2-s1": .failed]
        let a = RankSearch.path(plan(), results: divergedChallenger, validationExamples: 2000)
        XCTAssertEqual(a.steps[1].decision, .stop)
        XCTAssertNil(a.steps[1].comparison)
        XCTAssertTrue(a.steps[1].reason.contains("failed (diverged)"), a.steps[1].reason)

        let divergedStart: [String: RankSearchRunResult] = ["qv-r1-s1": .failed, "qv-r2-s1": .finished(0.3)]
        let b = RankSearch.path(plan(), results: divergedStart, validationExamples: 2000)
        XCTAssertEqual(Array(decisions(b).prefix(3)), ["q+v r1 start", "q+v r2 continue", "q+v r4 pending"])
    }

    /// A candidate is read only when all its runs have ended: one seed of two is still pending, and nothing after it is
    /// decided.
    func testPartlyEndedCandidateIsPending() {
        let results: [String: RankSearchRunResult] = ["qv-r1-s1": .finished(0.7), "qv-r1-s2": .finished(0.71), "qv-r2-s1": .finished(0.9)]
        let path = RankSearch.path(plan(seeds: 2), results: results, validationExamples: 2000)
        XCTAssertEqual(decisions(path), ["q+v r1 start", "q+v r2 pending"])
        XCTAssertEqual(path.next?.runIDs, ["qv-r2-s1", "qv-r2-s2"])
        XCTAssertTrue(path.steps[1].reason.contains("1 of its 2 runs have ended"), path.steps[1].reason)
        XCTAssertEqual(RankSearch.path(plan(), results: [:], validationExamples: 2000).next?.runIDs, ["qv-r1-s1"])
    }

    /// Targets phase at the chosen rank (here r = 2): the cheaper q is adopted when q+v's lead does not pay for its extra
    /// parameters; the costlier q+k+v+o then must beat q by more than the threshold, and does. The choice is marked.
    func testTargetsPhaseAndChoice() throws {
        let results: [String: RankSearchRunResult] = [
            "qv-r1-s1": .finished(0.70), "qv-r2-s1": .finished(0.78), "qv-r4-s1": .finished(0.785),
            "q-r2-s1": .finished(0.775), "qkvo-r2-s1": .finished(0.86),
        ]
        let path = RankSearch.path(plan(), results: results, validationExamples: 2000)
        XCTAssertEqual(decisions(path), ["q+v r1 start", "q+v r2 continue", "q+v r4 stop", "q+v r8 skipped", "q r2 adopt",
                                         "q+k+v+o r2 adopt *"])
        XCTAssertTrue(path.isComplete)
        XCTAssertEqual(path.choice?.runIDs, ["qkvo-r2-s1"])
        let q = try XCTUnwrap(path.steps[4].comparison)
        XCTAssertFalse(q.challengerIsCostlier)
        XCTAssertEqual(q.extraParameters, 9216)
        XCTAssertEqual(q.gain, 0.005, accuracy: 1e-12, "the costlier side's lead: q+v over q")
        XCTAssertEqual(path.steps[5].incumbent?.runIDs, ["q-r2-s1"])
        XCTAssertEqual(path.visited.count, 5, "the skipped r = 8 was never needed")

        // Without the alternatives, the chosen rank is the choice; when every rank pays, the largest is.
        var ladderOnly = plan()
        ladderOnly.alternatives = []
        let all: [String: RankSearchRunResult] = ["qv-r1-s1": .finished(0.5), "qv-r2-s1": .finished(0.6), "qv-r4-s1": .finished(0.7),
                                                  "qv-r8-s1": .finished(0.8)]
        let top = RankSearch.path(ladderOnly, results: all, validationExamples: 2000)
        XCTAssertEqual(decisions(top), ["q+v r1 start", "q+v r2 continue", "q+v r4 continue", "q+v r8 continue *"])
        XCTAssertTrue(top.steps[3].reason.hasSuffix("the largest rank searched"), top.steps[3].reason)
        XCTAssertEqual(top.choice?.rank, 8)
    }

    /// At equal cost the challenger must earn the switch: v at r = 1 (as many parameters as q) replaces q only when its
    /// lead exceeds the threshold, so a lead within the uncertainty keeps q whichever of the two came first.
    func testEqualCostChallengerMustWin() throws {
        var p = plan()
        p.alternatives = [p.alternatives[0], p.ladder.map { RankSearchCandidate(targets: [.v], rank: $0.rank, trainableParameters: $0.rank * 4608,
                                                                                 runIDs: ["v-r\($0.rank)-s1"]) }]
        var results: [String: RankSearchRunResult] = ["qv-r1-s1": .finished(0.70), "qv-r2-s1": .finished(0.70),
                                                      "q-r1-s1": .finished(0.69), "v-r1-s1": .finished(0.70)]
        var path = RankSearch.path(p, results: results, validationExamples: 2000)
        XCTAssertEqual(Array(decisions(path).suffix(2)), ["q r1 adopt *", "v r1 keep"])
        let c = try XCTUnwrap(path.steps.last?.comparison)
        XCTAssertTrue(c.challengerIsCostlier)
        XCTAssertEqual(c.extraParameters, 0)
        XCTAssertTrue(path.steps.last!.reason.contains("at the same cost the challenger must win, and does not: q r = 1 stays"),
                      path.steps.last!.reason)
        results["v-r1-s1"] = .finished(0.80)
        path = RankSearch.path(p, results: results, validationExamples: 2000)
        XCTAssertEqual(Array(decisions(path).suffix(2)), ["q r1 adopt", "v r1 adopt *"])
    }

    /// Results of runs the search does not know change nothing, and the same results always give the same path.
    func testPathIsAFunctionOfTheCandidatesResults() {
        let results: [String: RankSearchRunResult] = ["qv-r1-s1": .finished(0.70), "qv-r2-s1": .finished(0.78)]
        var extra = results
        extra["qv-r64-other"] = .finished(0.99)
        XCTAssertEqual(RankSearch.path(plan(), results: results, validationExamples: 2000),
                       RankSearch.path(plan(), results: extra, validationExamples: 2000))
    }
}
