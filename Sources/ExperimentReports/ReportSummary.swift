import ExperimentSpec
import Foundation

/// What a report build did, for the CLI to print. (Not written to disk: it carries the elapsed time.)
public struct ReportSummary: Equatable, Sendable {
    /// Files written, relative to the results directory, sorted ("accuracy.csv", "figures/fig3-q-layer3.svg", …).
    public var filesWritten: [String]
    /// Stale files of earlier builds that this build removed (an analysis switched off), relative paths.
    public var filesRemoved: [String]
    /// Every claim with its computed verdict (numbers 1–8).
    public var claims: [ClaimResult]
    /// Runs whose adapters were analysed / runs skipped (diverged) by id.
    public var runsAnalysed: Int
    public var runsSkipped: [String]
    /// Wall-clock seconds of the analyses and writing.
    public var seconds: Double
    /// Wall-clock seconds per phase ("read adapters", "W SVDs", "subspace similarity", …), in order.
    public var phases: [Phase]

    public struct Phase: Equatable, Sendable {
        public var name: String
        public var seconds: Double
        public init(name: String, seconds: Double) { self.name = name; self.seconds = seconds }
    }

    public init(filesWritten: [String], filesRemoved: [String], claims: [ClaimResult], runsAnalysed: Int,
                runsSkipped: [String], seconds: Double, phases: [Phase] = []) {
        self.filesWritten = filesWritten
        self.filesRemoved = filesRemoved
        self.claims = claims
        self.runsAnalysed = runsAnalysed
        self.runsSkipped = runsSkipped
        self.seconds = seconds
        self.phases = phases
    }

    /// Lines for a terminal: files, then one line per claim ("claim 3 (Fig 3): does not hold").
    public var lines: [String] {
        var out = ["wrote \(filesWritten.count) files (\(runsAnalysed) runs analysed"
                   + (runsSkipped.isEmpty ? "" : ", \(runsSkipped.count) skipped: \(runsSkipped.joined(separator: ", "))")
                   + ") in \(NumberFormatShim.seconds(seconds))"]
        if !phases.isEmpty { out.append("  " + phases.map { "\($0.name) \(NumberFormatShim.seconds($0.seconds))" }.joined(separator: ", ")) }
        out += filesWritten.map { "  " + $0 }
        if !filesRemoved.isEmpty { out += filesRemoved.map { "  removed stale " + $0 } }
        out += claims.map { "claim \($0.number) (\($0.source)): \($0.verdict.rawValue)" }
        return out
    }
}

enum NumberFormatShim {
    static func seconds(_ s: Double) -> String { String(format: "%.2f s", s) }
}

/// Wall-clock laps for `ReportSummary.phases`.
struct PhaseClock {
    private var last = Date()
    private(set) var phases: [ReportSummary.Phase] = []

    mutating func lap(_ name: String) {
        let now = Date()
        phases.append(ReportSummary.Phase(name: name, seconds: now.timeIntervalSince(last)))
        last = now
    }
}
