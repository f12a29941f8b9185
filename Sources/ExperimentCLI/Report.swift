import ArgumentParser
import Experiments
import Foundation

/// Writes the analyses and report of a spec from its cached runs (filled in when the report builder lands).
func buildReport(runner: ExperimentRunner, records: [RunRecord]) throws {
    Console.info("results in \(runner.specDirectory.path)")
}
