import Analysis
import ExperimentSpec
import Foundation

/// The claims section of a report: how verdicts are decided, the summary table, then each claim with our numbers,
/// the paper's, the rule and the uncertainty it was judged against.
extension ReportMarkdown {
    static let verdictPrinciple = "Verdicts are computed from the CSVs of this folder by the stated rules (never written by hand). "
        + "Each rule is symmetric: a claim **holds** when the uncertainty interval of its quantity lies entirely on the paper's side "
        + "of the claim, **does not hold** only when the interval excludes the paper's effect, and is **inconclusive** otherwise. "
        + "The uncertainty is one of three, named per claim: the spread over seeds (a Student-t 95 % interval of the mean; a "
        + "single seed has no measured spread, which is never taken as zero, so it decides nothing by itself); the binomial error "
        + "of an accuracy on the split it is measured on (a floor under accuracy intervals); or a Monte-Carlo null of random directions or subspaces "
        + "(outside its central 95 % band, i.e. a one-sided test at 2.5 % per adapter). “Not tested by this spec” means the spec "
        + "produced no data for the claim."

    static func claims(_ env: SectionEnvironment) -> String? {
        guard let claims = env.data.claims, !claims.isEmpty else { return nil }
        var summary = MarkdownTable(header: ["#", "Paper", "Claim", "Verdict"], alignments: [.right, .left, .left, .left])
        for c in claims { summary.append([String(c.number), c.source, c.statement, "**\(c.verdict.rawValue)**"]) }
        var out = verdictPrinciple + "\n\n" + summary.rendered()
        for c in claims {
            out += "\n**Claim \(c.number) (\(c.source)): \(c.verdict.rawValue).** \(c.statement)\n\n"
            out += "- Ours: \(c.ours)\n- Paper: \(c.paper)\n- Rule: \(c.rule)\n- Judged against: \(c.uncertainty)\n"
        }
        return out
    }
}
