import ArgumentParser
import Experiments
import Foundation

/// Locates, reads and resolves a spec the way `experiment run` does, with the current directory as repository root.
/// Returns the plan and the spec file. A bad spec prints `error: …` and exits 2, before anything is written.
func loadPlan(_ path: String, root: URL) throws -> (RunPlan, URL) {
    do {
        let (spec, url) = try ExperimentSpec.load(path: path, lookupRoots: ExperimentSpec.defaultLookupRoots(repositoryRoot: root))
        let shape = try LoadedModel.shape(of: spec.model, repositoryRoot: root)
        let plan = try RunPlan.resolve(spec, modelShape: shape, baseDirectory: root, file: ExperimentSpec.displayName(for: url),
                                       specDirectory: url.deletingLastPathComponent())
        return (plan, url)
    } catch {
        Console.error("error: \(error)")
        throw ExitCode(2)
    }
}

/// `path` relative to `root` when inside it (`results/smoke/slurm`), else absolute.
func displayPath(_ url: URL, root: URL) -> String {
    let p = url.standardizedFileURL.path, base = root.standardizedFileURL.path
    let prefix = base.hasSuffix("/") ? base : base + "/"
    return p.hasPrefix(prefix) ? String(p.dropFirst(prefix.count)) : p
}
