import Analysis
import ExperimentSpec
import Foundation

/// One step of a rank search's path (`RankSearch.path`), `rank_search.csv`:
/// `step,phase,targets,rank,trainable_params,decision,chosen,value,sd,se,runs,failed,train_seconds,compared_targets,`
/// `compared_rank,extra_params,gain,gain_se,threshold,min_gain,z,validation_examples,reason,run_ids`.
/// `value` is the mean validation accuracy over the candidate's runs (seeds), `sd` their sample standard deviation (n ≥ 2)
/// and `se` its standard error (the larger of sd/√n and the binomial √(p(1 − p)/N) on N = validation_examples);
/// `train_seconds` sums its runs' training time. The comparison columns, filled on the steps that compared the candidate
/// with the incumbent (compared_targets, compared_rank): extra_params = its trainable parameters minus the incumbent's,
/// gain = its mean accuracy minus the incumbent's, gain_se = the standard error of that difference, threshold =
/// min_gain + z·gain_se. The rule: the costlier side (extra_params ≥ 0: the candidate) is preferred only when its lead
/// exceeds threshold. run_ids lists the candidate's runs (space-separated; the key of `accuracy.csv`'s `run`).
struct RankSearchRow: Equatable, Sendable {
    var step: Int
    var phase: String
    var targets: String
    var rank: Int
    var trainableParams: Int
    var decision: String
    var chosen: Bool
    var value: Double?
    var sd: Double?
    var se: Double?
    var runs: Int
    var failed: Int?
    var trainSeconds: Double?
    var comparedTargets: String?
    var comparedRank: Int?
    var extraParams: Int?
    var gain: Double?
    var gainSE: Double?
    var threshold: Double?
    var minGain: Double
    var z: Double
    var validationExamples: Int?
    var reason: String
    var runIDs: [String]

    static let header = ["step", "phase", "targets", "rank", "trainable_params", "decision", "chosen", "value", "sd", "se", "runs",
                         "failed", "train_seconds", "compared_targets", "compared_rank", "extra_params", "gain", "gain_se",
                         "threshold", "min_gain", "z", "validation_examples", "reason", "run_ids"]

    /// The rows of `path`, numbers rounded as the CSV writes them; `trainSeconds` sums the training time of a
    /// candidate's runs (nil when none of them ended).
    static func rows(_ path: RankSearchPath, plan: RankSearchPlan, validationExamples: Int?,
                     trainSeconds: (RankSearchCandidate) -> Double?) -> [RankSearchRow] {
        path.steps.enumerated().map { k, s in
            let m = s.measurement
            let summary = m.flatMap { $0.values.isEmpty ? nil : $0.summary }
            let c = s.comparison
            // The comparison stores the costlier side's lead; the CSV states the candidate's gain over the incumbent.
            let sign = c.map { $0.challengerIsCostlier ? 1.0 : -1.0 }
            return RankSearchRow(
                step: k + 1, phase: s.phase.rawValue, targets: s.candidate.targetLabel, rank: s.candidate.rank,
                trainableParams: s.candidate.trainableParameters, decision: s.decision.rawValue, chosen: s.chosen,
                value: csvRoundedOptional(summary?.mean), sd: csvRoundedOptional(summary?.standardDeviation),
                se: csvRoundedOptional(m.flatMap { $0.values.isEmpty ? nil : $0.standardError(validationExamples: validationExamples) }),
                runs: s.candidate.runIDs.count, failed: m?.failed, trainSeconds: csvRoundedOptional(trainSeconds(s.candidate)),
                comparedTargets: s.incumbent?.targetLabel, comparedRank: s.incumbent?.rank,
                extraParams: s.incumbent.map { s.candidate.trainableParameters - $0.trainableParameters },
                gain: csvRoundedOptional(c.flatMap { cc in sign.map { $0 * cc.gain } }), gainSE: csvRoundedOptional(c?.standardError),
                threshold: csvRoundedOptional(c?.threshold), minGain: csvRounded(plan.minGain), z: csvRounded(plan.z),
                validationExamples: validationExamples, reason: s.reason, runIDs: s.candidate.runIDs)
        }
    }
}

extension ReportCSVEncoder {
    static func rankSearch(_ rows: [RankSearchRow]) -> String {
        var out = CSVText(header: RankSearchRow.header)
        for r in rows {
            out.append([String(r.step), r.phase, r.targets, String(r.rank), String(r.trainableParams), r.decision, r.chosen ? "true" : "false",
                        ReportNumber.csv(r.value), ReportNumber.csv(r.sd), ReportNumber.csv(r.se), String(r.runs), ReportNumber.int(r.failed),
                        ReportNumber.csv(r.trainSeconds), r.comparedTargets ?? "", ReportNumber.int(r.comparedRank),
                        ReportNumber.int(r.extraParams), ReportNumber.csv(r.gain), ReportNumber.csv(r.gainSE), ReportNumber.csv(r.threshold),
                        ReportNumber.csv(r.minGain), ReportNumber.csv(r.z), ReportNumber.int(r.validationExamples), r.reason,
                        r.runIDs.joined(separator: " ")])
        }
        return out.text
    }
}

extension ReportCSVDecoder {
    static func rankSearch(_ d: CSVDocument) throws -> [RankSearchRow] {
        try d.require(RankSearchRow.header)
        return try (0..<d.rows.count).map { n in
            let r = d.row(n)
            let chosen = r.string("chosen")
            guard chosen == "true" || chosen == "false" else { throw r.error("chosen", "'\(chosen)' is not true or false") }
            return RankSearchRow(step: try r.int("step"), phase: r.string("phase"), targets: r.string("targets"), rank: try r.int("rank"),
                                 trainableParams: try r.int("trainable_params"), decision: r.string("decision"), chosen: chosen == "true",
                                 value: try r.optionalDouble("value"), sd: try r.optionalDouble("sd"), se: try r.optionalDouble("se"),
                                 runs: try r.int("runs"), failed: try r.optionalInt("failed"), trainSeconds: try r.optionalDouble("train_seconds"),
                                 comparedTargets: r.optionalString("compared_targets"), comparedRank: try r.optionalInt("compared_rank"),
                                 extraParams: try r.optionalInt("extra_params"), gain: try r.optionalDouble("gain"),
                                 gainSE: try r.optionalDouble("gain_se"), threshold: try r.optionalDouble("threshold"),
                                 minGain: try r.double("min_gain"), z: try r.double("z"),
                                 validationExamples: try r.optionalInt("validation_examples"), reason: r.string("reason"),
                                 runIDs: r.string("run_ids").split(separator: " ").map(String.init))
        }
    }
}
