import ArgumentParser
import Experiments
import Foundation
import Tasks

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate every finished run of a spec on another split of its task (default: test); no training.",
        discussion: "Loads each finished run's adapter and head from its folder, classifies every example of the split in packed batches, and writes <split>.json (accuracy, macro_f1, loss, examples, and which examples it got right: correct) into each run folder beside final.json's validation metrics, and <split>_metrics.csv into the spec's results folder. Classification tasks only. A spec with \"analyses\": {\"accuracySplit\": \"test\"} has its accuracy tables and claims 1-2 read test.json; the report (`experiment run`, `experiment report`) writes it for runs that lack it, and this command rewrites it for every finished run.")

    @Argument(help: "The spec whose finished runs to evaluate (a path, or a name under experiments/specs).")
    var spec: String
    @Option(help: "The split: test, validation or train.") var split: String = "test"
    @Option(help: "Folder holding the results.") var results: String = "results"
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        guard Split(rawValue: split) != nil else { throw ValidationError("--split: expected test, validation or train, got '\(split)'") }
        if results.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--results must name a folder, got an empty string") }
    }

    func run() throws {
        try compute.apply()
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let resultsRoot = URL(fileURLWithPath: results, relativeTo: root).standardizedFileURL
        let plan: RunPlan
        do {
            let (s, url) = try ExperimentSpec.load(path: spec, lookupRoots: ExperimentSpec.defaultLookupRoots(repositoryRoot: root))
            plan = try RunPlan.resolve(s, modelShape: try LoadedModel.shape(of: s.model, repositoryRoot: root), baseDirectory: root,
                                       file: ExperimentSpec.displayName(for: url), specDirectory: url.deletingLastPathComponent())
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(2)
        }
        try reportingErrors {
            let runner = ExperimentRunner(plan: plan, repositoryRoot: root, options: .init(resultsRoot: resultsRoot))
            let results = try runner.evaluateFinishedRuns(split: Split(rawValue: split)!) { Console.info($0) }
            let splitWidth = max(7, split.count + 2)
            print("run".padding(toLength: 35, withPad: " ", startingAt: 0) + "split".padding(toLength: splitWidth, withPad: " ", startingAt: 0)
                  + "examples  accuracy  macro F1  loss")
            for e in results {
                print(e.run.padding(toLength: 35, withPad: " ", startingAt: 0) + split.padding(toLength: splitWidth, withPad: " ", startingAt: 0)
                      + String(e.metrics.count).padding(toLength: 10, withPad: " ", startingAt: 0)
                      + String(format: "%.4f    %.4f    %.4f", e.metrics.accuracy, e.metrics.macroF1, e.metrics.loss))
            }
            print("wrote \(split)_metrics.csv and \(results.count) \(split).json files under \(runner.specDirectory.path.replacingOccurrences(of: root.path + "/", with: ""))")
        }
    }
}
