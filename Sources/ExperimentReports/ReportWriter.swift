import ExperimentSpec
import Foundation
import Support

/// Writes a build's files into a results folder (atomically, one by one).
enum ReportWriter {
    /// Writes `files` at the top of `directory` and `figures` under `figures/`. With `removeStale`, then removes the
    /// files this builder owns (`ReportFiles.owned`, and figures with an owned prefix) that this build did not write —
    /// what an analysis switched off since an earlier build left behind. Returns the files written (sorted, relative
    /// paths) and those removed (in `ReportFiles.owned` order, then figures by name).
    static func write(files: [(name: String, text: String)], figures: [(name: String, svg: String)], into directory: URL,
                      removeStale: Bool) throws -> (written: [String], removed: [String]) {
        var written: [String] = []
        for f in files {
            try AtomicFile.write(f.text, to: directory.appendingPathComponent(f.name))
            written.append(f.name)
        }
        let figuresDirectory = directory.appendingPathComponent(ReportFiles.figures)
        for f in figures {
            try AtomicFile.write(f.svg, to: figuresDirectory.appendingPathComponent(f.name))
            written.append(ReportFiles.figures + "/" + f.name)
        }
        guard removeStale else { return (written.sorted(), []) }
        var removed: [String] = []
        let fm = FileManager.default
        for name in ReportFiles.owned where !written.contains(name) {
            let url = directory.appendingPathComponent(name)
            if fm.fileExists(atPath: url.path) { try fm.removeItem(at: url); removed.append(name) }
        }
        let figureNames = Set(figures.map(\.name))
        let prefixes = ReportFiles.ownedFigurePrefixes
        if let existing = try? fm.contentsOfDirectory(atPath: figuresDirectory.path) {
            for name in existing.sorted() where name.hasSuffix(".svg") && !figureNames.contains(name)
                && prefixes.contains(where: { name.hasPrefix($0) }) {
                try fm.removeItem(at: figuresDirectory.appendingPathComponent(name))
                removed.append(ReportFiles.figures + "/" + name)
            }
        }
        return (written.sorted(), removed)
    }
}
