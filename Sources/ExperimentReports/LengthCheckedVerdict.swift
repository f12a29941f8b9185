import Foundation

/// The convergence criterion a reproduction's verdicts use (issue 11 part 1): a verdict stands only when the same claim,
/// judged on the same configurations and seeds trained longer (the spec whose `lengthCheckOf` names the reproduction,
/// e.g. twice the steps), gets the same verdict. Where the two lengths differ the claim reads "inconclusive": its answer
/// depends on how long training ran, so neither length settles it. A claim the longer spec does not test keeps its
/// verdict, marked as not length-checked.
///
/// Why not the per-run rule (validation loss within 1 % of its final value over the last fifth of training): under a
/// learning-rate schedule that decays to zero the decay itself lowers the validation loss until the last step, so that
/// rule can fail at any length while the numbers the claims read no longer move. The verdict is what a reader takes
/// away, so the criterion is applied to it; `TrainingLength` compares the underlying numbers against the seed spread.
/// The rule is symmetric: it can only turn a verdict into "inconclusive", never into "holds" or "does not hold".
enum LengthCheckedVerdict {
    enum Reading: Equatable, Sendable {
        /// Both lengths give this verdict.
        case stands(Verdict)
        /// The lengths differ: the claim reads inconclusive.
        case differs(reference: Verdict, longer: Verdict)
        /// The longer spec does not test the claim (or has no verdicts): this verdict, unchecked.
        case notChecked(Verdict)

        /// The table cell: "holds (stands)", "**inconclusive** (lengths differ)", "holds (not length-checked)".
        var cell: String {
            switch self {
            case .stands(let v): return "\(v.rawValue) (stands)"
            case .differs: return "**inconclusive** (lengths differ)"
            case .notChecked(let v): return "\(v.rawValue) (not length-checked)"
            }
        }

        /// The verdict a reader should take away.
        var verdict: Verdict {
            switch self {
            case .stands(let v), .notChecked(let v): return v
            case .differs: return .inconclusive
            }
        }
    }

    /// The longer spec's verdicts as this report reads them: its `claims.csv` in the results folder beside this one's.
    struct Longer: Sendable {
        /// The longer spec's name, and the name of the spec whose report reads it.
        var name: String, reference: String
        /// Its verdicts; nil when they could not be read (`problem` says why).
        var claims: [ClaimResult]?
        var problem: String?

        /// Reads `<name>/claims.csv` beside `resultsDirectory`. A missing or unreadable file is stated, not thrown: the
        /// report stands without the comparison (and says so).
        static func load(name: String, reference: String, besides resultsDirectory: URL) -> Longer {
            let file = resultsDirectory.deletingLastPathComponent().appendingPathComponent(name).appendingPathComponent(ReportFiles.claims)
            let shown = "\(name)/\(ReportFiles.claims)"
            let missing = Longer(name: name, reference: reference, problem: "The verdicts of spec `\(name)`, which trains "
                                 + "configurations of this spec longer, are not set beside these: `\(shown)` is missing beside this "
                                 + "results folder (run or report that spec), so no verdict here is length-checked.\n")
            do {
                guard let doc = try CSVDocument.read(file, displayName: shown) else { return missing }
                let claims = try ReportCSVDecoder.claims(doc)
                return Longer(name: name, reference: reference, claims: claims)
            } catch {
                return Longer(name: name, reference: reference, problem: "The verdicts of spec `\(name)` could not be read (\(error)), "
                              + "so no verdict here is length-checked.\n")
            }
        }
    }

    /// The reading of one claim from its verdict at the reference length and at the longer one (nil: not available).
    static func reading(reference: Verdict, longer: Verdict?) -> Reading {
        guard let longer, longer != .notTested, reference != .notTested else { return .notChecked(reference) }
        return longer == reference ? .stands(reference) : .differs(reference: reference, longer: longer)
    }

    /// The readings of the reference spec's tested claims, in claim order.
    static func readings(reference: [ClaimResult], longer: [ClaimResult]) -> [(claim: ClaimResult, reading: Reading)] {
        reference.filter { $0.verdict != .notTested }.map { c in
            (c, reading(reference: c.verdict, longer: longer.first { $0.number == c.number }?.verdict))
        }
    }

    /// "claims 3, 5 and 8" / "claim 2" / nil for none.
    static func claimList(_ numbers: [Int]) -> String? {
        guard let last = numbers.last else { return nil }
        let head = numbers.dropLast().map(String.init)
        return (numbers.count == 1 ? "claim " : "claims ") + (head.isEmpty ? String(last) : head.joined(separator: ", ") + " and \(last)")
    }

    /// One paragraph: the criterion, then which verdicts stand, which read inconclusive and which are not checked.
    static func summary(reference: [ClaimResult], longer: [ClaimResult], referenceName: String, longerName: String) -> String {
        let r = readings(reference: reference, longer: longer)
        var out = "The convergence criterion of `\(referenceName)`'s verdicts: a verdict stands only when spec `\(longerName)`, which "
            + "trains configurations of `\(referenceName)` longer with the same seeds, gives the same verdict; where the two "
            + "differ the claim reads inconclusive (its answer depends on the training length); a claim `\(longerName)` does not "
            + "test keeps its verdict, not length-checked (why not the per-run rule: the Convergence section)."
        let stands = r.filter { if case .stands = $0.reading { return true } else { return false } }.map(\.claim.number)
        let unchecked = r.filter { if case .notChecked = $0.reading { return true } else { return false } }.map(\.claim.number)
        let differs = r.compactMap { e -> String? in
            guard case .differs(let a, let b) = e.reading else { return nil }
            return "claim \(e.claim.number) (\(a.rawValue) in `\(referenceName)`, \(b.rawValue) in `\(longerName)`)"
        }
        var parts: [String] = []
        if let s = claimList(stands) { parts.append("\(s) stand\(stands.count == 1 ? "s" : "")") }
        if !differs.isEmpty { parts.append("**" + differs.joined(separator: ", ") + " read\(differs.count == 1 ? "s" : "") inconclusive**") }
        if let u = claimList(unchecked) { parts.append("\(u) \(unchecked.count == 1 ? "is" : "are") not length-checked") }
        if !parts.isEmpty { out += " Here " + parts.joined(separator: "; ") + "." }
        return out + "\n"
    }
}
