import Analysis
import Foundation
import XCTest
@testable import ExperimentReports

/// The doubling test on hand-made rows: runs match by configuration, the spread is the reference's over its seeds of
/// the same configuration, and "beyond seed noise" is |change| > 2·s (unknown with one reference seed).
final class TrainingLengthTests: XCTestCase {
    func accuracy(_ id: String, rank: Int, seed: UInt64, value: Double, steps: Int) -> AccuracyRow {
        AccuracyRow(run: id, targets: "q+v", rank: rank, dataSeed: seed, initSeed: seed, trainableParams: nil, status: "finished", steps: steps,
                    metric: "accuracy", split: "validation", value: value, majorityBaseline: nil, alpha: 8, scaling: 1, trainSeconds: nil,
                    examples: 2000, extras: [:])
    }

    func pass(_ id: String, rank: Int, seed: UInt64, step: Int, loss: Double) -> ConvergenceRow {
        ConvergenceRow(run: id, targets: "q+v", rank: rank, dataSeed: seed, initSeed: seed, status: "finished", steps: step, step: step,
                       objective: "loss", value: loss, metric: "accuracy", metricValue: nil)
    }

    func phi(_ a: String, _ b: String, matrix: String, value: Double) -> SimilarityRow {
        SimilarityRow(layer: 3, matrix: matrix, runA: a, runB: b, i: 1, j: 1, phi: value, expectedRandom: 0.003, comparison: .rank,
                      targets: "q+v", rankA: 8, rankB: 64, ambient: 384, runAId: a, runBId: b)
    }

    func reference() -> ReportData {
        var d = ReportData()
        d.accuracy = (1...3).flatMap { s in
            [accuracy("r8-\(s)", rank: 8, seed: UInt64(s), value: 0.860 + 0.004 * Double(s), steps: 3000),
             accuracy("r64-\(s)", rank: 64, seed: UInt64(s), value: 0.875, steps: 3000)]
        }
        d.convergence = (1...3).flatMap { s in
            [pass("r8-\(s)", rank: 8, seed: UInt64(s), step: 2700, loss: 0.45), pass("r8-\(s)", rank: 8, seed: UInt64(s), step: 3000, loss: 0.42)]
        }
        d.similarity = (1...3).map { s in phi("r8-\(s)", "r64-\(s)", matrix: "q", value: 0.10 + 0.05 * Double(s)) }
        return d
    }

    func testMatchesConfigurationsAndJudgesAgainstTheSeedSpread() {
        var longer = ReportData()
        longer.accuracy = [accuracy("L8", rank: 8, seed: 1, value: 0.880, steps: 6000), accuracy("L64", rank: 64, seed: 1, value: 0.876, steps: 6000),
                           accuracy("L4", rank: 4, seed: 1, value: 0.8, steps: 6000)]   // r = 4 has no reference run: not matched
        longer.convergence = [pass("L8", rank: 8, seed: 1, step: 6000, loss: 0.40)]
        longer.similarity = [phi("L8", "L64", matrix: "q", value: 0.16)]
        let check = TrainingLength(longer: longer, reference: reference())
        XCTAssertEqual(check.steps.count, 2)
        XCTAssertEqual(check.middleLayer, 3)
        let r8 = check.accuracy.first { $0.config.rank == 8 }!
        XCTAssertEqual(r8.reference, 86.4, accuracy: 1e-9)
        XCTAssertEqual(r8.change, 1.6, accuracy: 1e-9)
        XCTAssertEqual(r8.spread.standardDeviation!, 0.4, accuracy: 1e-9)   // 86.4, 86.8, 87.2
        XCTAssertEqual(r8.beyondNoise, true)                                 // 1.6 > 2 · 0.4
        let r64 = check.accuracy.first { $0.config.rank == 64 }!
        XCTAssertEqual(r64.spread.standardDeviation!, 0, accuracy: 1e-12)    // tied across seeds
        XCTAssertEqual(r64.s!, 0.05, accuracy: 1e-12)                        // floored at one of 2000 examples
        XCTAssertEqual(r64.beyondNoise, false)                               // +0.1 is not more than 2 · 0.05
        XCTAssertEqual(check.loss.map(\.change).first!, -0.02, accuracy: 1e-12)
        XCTAssertEqual(check.loss.first!.beyondNoise, true)                  // the reference's losses agree exactly: s = 0
        let p = check.phi.first!
        XCTAssertEqual(p.reference, 0.15, accuracy: 1e-12)
        XCTAssertEqual(p.spread.standardDeviation!, 0.05, accuracy: 1e-12)
        XCTAssertEqual(p.beyondNoise, false)                                 // 0.01 within 2 · 0.05
        let text = check.markdown(referenceName: "ref")
        XCTAssertTrue(text.contains("q+v r = 8, seeds 1/1: 3000 → 6000 steps"), text)
        XCTAssertTrue(text.contains("| φ(1,1) on A, W_q, r = 8 vs 64, layer 3 |"), text)
        XCTAssertTrue(text.contains("changed by more than 2·s: validation accuracy (q+v r = 8, seeds 1/1)"), text)
        XCTAssertTrue(check.mismatches.isEmpty)
    }

    func testOneReferenceSeedJudgesNothing() {
        var ref = reference()
        ref.accuracy = ref.accuracy!.filter { $0.dataSeed == 1 }
        var longer = ReportData()
        longer.accuracy = [accuracy("L8", rank: 8, seed: 1, value: 0.95, steps: 6000)]
        let check = TrainingLength(longer: longer, reference: ref)
        XCTAssertEqual(check.accuracy.count, 1)
        XCTAssertNil(check.accuracy[0].beyondNoise)
        XCTAssertEqual(check.summary(), "No quantity has a reference seed spread to compare with.\n")
    }

    /// The claims this spec tests, beside the reference's verdicts; a difference is named, and called like for like
    /// only when both specs rest on the same runs.
    func testVerdictsAtBothLengths() {
        func claim(_ n: Int, _ v: Verdict) -> ClaimResult {
            ClaimResult(number: n, source: "Table \(n)", statement: "", verdict: v, ours: "", paper: "", rule: "", uncertainty: "")
        }
        func config(_ rank: Int, _ seed: UInt64) -> TrainingLength.Config { .init(targets: "q+v", rank: rank, dataSeed: seed, initSeed: seed) }
        let all: Set = [config(8, 1), config(8, 2), config(64, 1)], some: Set = [config(8, 1), config(1, 1)]
        let reference = [claim(1, .inconclusive), claim(2, .doesNotHold), claim(3, .doesNotHold)]
        let longer = [claim(1, .notTested), claim(2, .doesNotHold), claim(3, .inconclusive)]
        let text = TrainingLength.verdicts(reference: reference, longer: longer, referenceName: "short", runs: (all, some))
        XCTAssertTrue(text.contains("|     2 | Table 2 | does not hold | does not hold |"), text)
        XCTAssertTrue(text.contains("|     3 | Table 3 | does not hold | inconclusive  |"), text)
        XCTAssertFalse(text.contains("Table 1"), text)
        XCTAssertTrue(text.hasSuffix("Differ: claim 3. Not like for like: this spec has finished 1 of the 3 runs (targets, rank, seed pair) "
                                     + "`short` rests on and 1 it lacks, so a differing verdict may come from the data each rests on rather "
                                     + "than from the training length.\n"), text)
        XCTAssertTrue(TrainingLength.verdicts(reference: reference, longer: longer, referenceName: "short", runs: (all, all))
            .hasSuffix("Differ: claim 3 (both specs rest on the same 3 configurations and seed pairs).\n"))
        XCTAssertTrue(TrainingLength.verdicts(reference: reference, longer: [claim(2, .doesNotHold)], referenceName: "short", runs: (all, some))
            .hasSuffix("No verdict differs with the longer training.\n"))
        XCTAssertEqual(TrainingLength.verdicts(reference: reference, longer: [claim(1, .notTested)], referenceName: "short", runs: (all, some)), "")
    }

    func testMissingReferenceFolderIsStated() {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lora-length-\(UUID().uuidString)/spec")
        let text = TrainingLength.section(longer: ReportData(), referenceName: "nowhere", resultsDirectory: dir)
        XCTAssertEqual(text, "Spec `nowhere` has no results folder beside this one (`nowhere/`): nothing to compare with.\n")
    }

    func testUnfinishedReferenceRunsAndNaNAreLeftOut() {
        var ref = reference()
        ref.convergence![0].status = "running"                              // r8-1's passes, as if it were still training
        ref.convergence![1].status = "running"
        var longer = ReportData()
        longer.accuracy = [accuracy("L8", rank: 8, seed: 1, value: .nan, steps: 6000)]
        longer.convergence = [pass("L8", rank: 8, seed: 1, step: 6000, loss: 0.40)]
        let check = TrainingLength(longer: longer, reference: ref)
        XCTAssertNil(check.accuracy.first?.beyondNoise)                      // NaN: no flag either way
        XCTAssertTrue(check.loss.isEmpty, "\(check.loss)")                   // an unfinished run's passes are not read
    }
}
