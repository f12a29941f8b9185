import Analysis
import Foundation

extension TrainingLength {
    /// The report section of a spec with `lengthCheckOf`: reads the reference spec's results folder beside this one and
    /// compares the matched runs (`TrainingLength`). Errors reading the other folder are stated, not thrown: the rest
    /// of the report stands without it.
    static func section(longer: ReportData, referenceName: String, resultsDirectory: URL) -> String {
        let folder = resultsDirectory.deletingLastPathComponent().appendingPathComponent(referenceName)
        guard FileManager.default.fileExists(atPath: folder.path) else {
            return "Spec `\(referenceName)` has no results folder beside this one (`\(referenceName)/`): nothing to compare with.\n"
        }
        let reference: ReportData
        do { reference = try ReportData.load(from: folder, displayPrefix: referenceName + "/") } catch {
            return "The results of spec `\(referenceName)` beside this folder could not be read: \(error)\n"
        }
        let check = TrainingLength(longer: longer, reference: reference)
        guard !check.steps.isEmpty else {
            return "No finished run of this spec repeats a finished configuration (targets, rank, seeds) of spec `\(referenceName)` "
                + "(its results folder `\(referenceName)/` beside this one).\n"
        }
        var out = check.markdown(referenceName: referenceName)
        out += verdicts(reference: reference.claims ?? [], longer: longer.claims ?? [], referenceName: referenceName,
                        runs: (finishedConfigs(reference.accuracy ?? []), finishedConfigs(longer.accuracy ?? [])))
        let grids = folder.appendingPathComponent(ReportFiles.similarity)
        if longer.similarity?.isEmpty == false, !FileManager.default.fileExists(atPath: grids.path) {
            out += "\nFig 3's φ is not compared: `\(referenceName)/\(ReportFiles.similarity)` is missing (the φ grids are not committed; "
                + "`experiment report \(referenceName)` writes them, and `experiment report` with no spec builds `\(referenceName)` first).\n"
        }
        return out
    }

    func markdown(referenceName: String) -> String {
        let stepText = steps.sorted { $0.key < $1.key }.map { c, s in
            "\(Self.describe(c)): \(s.reference.map(String.init) ?? "?") → \(s.longer.map(String.init) ?? "?") steps"
        }.joined(separator: "; ")
        var out = "The doubling test of convergence: this spec repeats configurations of spec `\(referenceName)` "
            + "([its report](../\(referenceName)/report.md)) with more training steps (\(stepText)): the same targets, rank, seeds "
            + "and data order, the schedule's warm-up and decay stretched with the step count. Under a schedule that decays to zero "
            + "the validation loss keeps falling until the last step, so the within-1 % rule of the Convergence section can fail "
            + "at any length; the question here is whether the numbers the claims read move when training is longer, compared "
            + "with how much they move between seeds. s is the standard deviation of the same quantity over `\(referenceName)`'s "
            + "seed pairs of that configuration (an accuracy's floored at one example of its split); a change is flagged when it "
            + "exceeds 2·s. This is a comparison of effect sizes, not a significance test: the change is paired (same seeds), s "
            + "from three seeds is itself uncertain (95 % interval about [0.5·s, 6.3·s]), and if seed variation were Gaussian about "
            + "one change in six would exceed 2·s by chance.\n\n"
        if !mismatches.isEmpty { out += "**Not like for like:** " + mismatches.joined(separator: "; ") + ".\n\n" }
        var t = MarkdownTable(header: ["Quantity", "Configuration", referenceName, "longer", "change", "s (n)", "change / s", "> 2·s"],
                              alignments: [.left, .left, .right, .right, .right, .right, .right, .left])
        for row in all {
            let digits = accuracy.contains { $0.label == row.label } ? 2 : 3
            t.append([row.label + (row.label.hasPrefix("φ") || row.label.hasPrefix("‖") ? ", layer \(middleLayer.map(String.init) ?? "?")" : ""),
                      Self.describe(row.config), NumberFormat.fixed(row.reference, digits: digits), NumberFormat.fixed(row.longer, digits: digits),
                      Self.signed(row.change, digits: digits),
                      row.s.map { "\(NumberFormat.fixed($0, digits: digits)) (\(row.spread.count))" } ?? "– (\(row.spread.count))",
                      row.s.flatMap { $0 > 0 && row.change.isFinite ? Self.signed(row.change / $0, digits: 1) : nil } ?? "–",
                      row.beyondNoise.map { $0 ? "yes" : "no" } ?? "–"])
        }
        out += t.rendered() + "\n" + summary() + "\n"
        return out
    }

    /// The verdicts of the claims this spec tests, beside the reference spec's (`claims.csv` of both). A differing
    /// verdict reflects the training length only when both rest on the same runs; `runs` (the finished configurations
    /// with seeds of the reference and of this spec) says whether they do.
    static func verdicts(reference: [ClaimResult], longer: [ClaimResult], referenceName: String,
                         runs: (reference: Set<Config>, longer: Set<Config>)) -> String {
        let tested = longer.filter { $0.verdict != .notTested }
        guard !tested.isEmpty else { return "" }
        var t = MarkdownTable(header: ["Claim", "Paper", referenceName, "longer", "Reading"],
                              alignments: [.right, .left, .left, .left, .left])
        for c in tested {
            let r = reference.first { $0.number == c.number }?.verdict
            t.append([String(c.number), c.source, r?.rawValue ?? "–", c.verdict.rawValue,
                      r.map { LengthCheckedVerdict.reading(reference: $0, longer: c.verdict).cell } ?? "–"])
        }
        let changed = tested.filter { c in reference.first { $0.number == c.number }.map { $0.verdict != c.verdict } ?? false }
        var out = "\nVerdicts of the claims this spec tests, at both lengths (the Claims section below says on what each rests):\n\n"
            + t.rendered() + "\n"
        out += "Reading: a verdict stands only when the longer training gives the same one, and reads inconclusive where the two "
            + "differ — the convergence criterion that a spec whose `lengthCheckedBy` names this one applies in its Verdicts at a "
            + "glance.\n\n"
        guard !changed.isEmpty else { return out + "No verdict differs with the longer training.\n" }
        out += "Differ: " + changed.map { "claim \($0.number)" }.joined(separator: ", ")
        let shared = runs.reference.intersection(runs.longer).count
        if runs.reference == runs.longer {
            return out + " (both specs rest on the same \(shared) configurations and seed pairs).\n"
        }
        return out + ". Not like for like: this spec has finished \(shared) of the \(runs.reference.count) runs (targets, rank, "
            + "seed pair) `\(referenceName)` rests on\(runs.longer.count > shared ? " and \(runs.longer.count - shared) it lacks" : ""), "
            + "so a differing verdict may come from the data each rests on rather than from the training length.\n"
    }

    /// The (targets, rank, seeds) of the finished runs among `rows`.
    static func finishedConfigs(_ rows: [AccuracyRow]) -> Set<Config> {
        Set(rows.filter(\.isFinished).map(Config.init))
    }

    /// "Of N quantities with a seed spread, K changed by more than 2·s: …".
    func summary() -> String {
        let judged = all.filter { $0.beyondNoise != nil }
        let moved = judged.filter { $0.beyondNoise == true }
        guard !judged.isEmpty else { return "No quantity has a reference seed spread to compare with.\n" }
        var s = "Of \(judged.count) quantities with a seed spread, \(moved.count) changed by more than 2·s"
        s += moved.isEmpty ? "." : ": " + moved.map { "\($0.label) (\(Self.describe($0.config)))" }.joined(separator: "; ") + "."
        return s + "\n"
    }

    static func describe(_ c: Config) -> String {
        "\(c.targets) r = \(c.rank), seeds \(c.dataSeed.map(String.init) ?? "–")/\(c.initSeed.map(String.init) ?? "–")"
    }

    static func signed(_ x: Double, digits: Int) -> String {
        (x >= 0 ? "+" : "−") + NumberFormat.fixed(abs(x), digits: digits)
    }
}
