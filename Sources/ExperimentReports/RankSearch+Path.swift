import ExperimentSpec
import Foundation

extension RankSearch {
    /// The search's path as `results` decide it — a pure function, so the runner and the report recompute the same path
    /// from the same finished runs.
    ///
    /// 1. Rank phase: the smallest rank of the searched target set is the first incumbent; each larger rank, in order,
    ///    challenges the incumbent under `compare`. Adopted, it becomes the incumbent (`continue`); not adopted, the
    ///    search stops there (`stop`) and the ranks above it are `skipped`. The incumbent at the end is the chosen rank.
    /// 2. Targets phase: each `thenTargets` set at the chosen rank, in spec order, challenges the incumbent under the same
    ///    rule (`adopt` or `keep`).
    /// 3. The incumbent at the end is the choice (none when it failed).
    ///
    /// A candidate is read only when every one of its runs has a result; the first that lacks one is `next` (a `pending`
    /// step), and nothing after it is decided.
    ///
    /// - Parameters:
    ///   - results: by run id, how each ended run ended; a run that is absent has not ended.
    ///   - validationExamples: the validation split's size N (for the binomial error), or nil when unknown.
    public static func path(_ plan: RankSearchPlan, results: [String: RankSearchRunResult], validationExamples: Int?) -> RankSearchPath {
        var steps: [RankSearchStep] = []
        func measure(_ c: RankSearchCandidate) -> RankSearchMeasurement? {
            let ended = c.runIDs.compactMap { results[$0] }
            guard ended.count == c.runIDs.count else { return nil }
            var values: [Double] = []
            for r in ended { if case .finished(let v) = r { values.append(v) } }
            return RankSearchMeasurement(values: values, failed: ended.count - values.count)
        }
        func pending(_ c: RankSearchCandidate, _ phase: RankSearchStep.Phase) -> RankSearchPath {
            let ended = c.runIDs.filter { results[$0] != nil }.count
            let reason = ended == 0 ? "not trained yet: the search waits for its \(c.runIDs.count) run\(c.runIDs.count == 1 ? "" : "s")"
                : "\(ended) of its \(c.runIDs.count) runs have ended: the search waits for the others"
            steps.append(RankSearchStep(phase: phase, candidate: c, measurement: nil, incumbent: nil, comparison: nil,
                                        decision: .pending, reason: reason))
            return RankSearchPath(steps: steps, next: c, choice: nil)
        }

        // 1. Rank phase.
        guard let first = plan.ladder.first else { return RankSearchPath(steps: [], next: nil, choice: nil) }
        guard let firstMeasurement = measure(first) else { return pending(first, .rank) }
        var incumbent = (candidate: first, measurement: firstMeasurement, index: 0)
        steps.append(RankSearchStep(phase: .rank, candidate: first, measurement: firstMeasurement, incumbent: nil, comparison: nil,
                                    decision: .start, reason: firstMeasurement.usable ? "the smallest rank: the first incumbent"
                                        : "the smallest rank; it failed (diverged), so any finished larger rank replaces it"))
        for (k, c) in plan.ladder.enumerated().dropFirst() {
            guard let m = measure(c) else { return pending(c, .rank) }
            let d = compare(challenger: (c, m), incumbent: (incumbent.candidate, incumbent.measurement),
                            minGain: plan.minGain, z: plan.z, validationExamples: validationExamples)
            let last = k == plan.ladder.count - 1
            steps.append(RankSearchStep(phase: .rank, candidate: c, measurement: m, incumbent: incumbent.candidate, comparison: d.comparison,
                                        decision: d.adopt ? .continue : .stop,
                                        reason: d.reason + (d.adopt && last ? "; the largest rank searched" : "")))
            if d.adopt {
                incumbent = (c, m, k)
                continue
            }
            for s in plan.ladder[(k + 1)...] {
                steps.append(RankSearchStep(phase: .rank, candidate: s, measurement: nil, incumbent: nil, comparison: nil, decision: .skipped,
                                            reason: "not trained: the search stopped at r = \(incumbent.candidate.rank)"))
            }
            break
        }

        // 2. Targets phase, at the chosen rank.
        for set in plan.alternatives {
            let c = set[incumbent.index]
            guard let m = measure(c) else { return pending(c, .targets) }
            let d = compare(challenger: (c, m), incumbent: (incumbent.candidate, incumbent.measurement),
                            minGain: plan.minGain, z: plan.z, validationExamples: validationExamples)
            steps.append(RankSearchStep(phase: .targets, candidate: c, measurement: m, incumbent: incumbent.candidate,
                                        comparison: d.comparison, decision: d.adopt ? .adopt : .keep, reason: d.reason))
            if d.adopt { incumbent = (c, m, incumbent.index) }
        }

        // 3. The choice.
        guard incumbent.measurement.usable else { return RankSearchPath(steps: steps, next: nil, choice: nil) }
        if let k = steps.lastIndex(where: { $0.candidate == incumbent.candidate && $0.decision != .skipped }) { steps[k].chosen = true }
        return RankSearchPath(steps: steps, next: nil, choice: incumbent.candidate)
    }

    /// How each run of `records` ended, for `path`: finished with its primary validation metric, or failed.
    public static func results(_ records: [RunRecord]) -> [String: RankSearchRunResult] {
        var out: [String: RankSearchRunResult] = [:]
        for r in records {
            if r.outcome.status == .finished, let v = r.outcome.primaryValue, v.isFinite { out[r.id] = .finished(v) } else { out[r.id] = .failed }
        }
        return out
    }
}
