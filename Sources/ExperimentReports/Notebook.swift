import ExperimentSpec
import Foundation
import Support

/// Generated sections inside hand-written Markdown notebooks (`notebooks-md/*.md`).
///
/// A section is the text between a marker pair, each on its own line:
///
///     <!-- BEGIN GENERATED: table6 source=results/qv-rank -->
///     …regenerated…
///     <!-- END GENERATED: table6 -->
///
/// The kind is a `ReportSection` raw value (table6, table5, accuracy, rankSearch, fig3, fig4, table7, overlap, spectra,
/// learning, planted, claims); `source` is a results folder relative to the repository root. `ReportBuilder.updateNotebook` replaces
/// the text between the markers whose source is the given results folder with the same section body `report.md`
/// has (tables from the CSVs, figure links relative to the notebook, claim verdicts from `claims.csv`); everything
/// outside the markers, and markers of other sources, stay byte for byte. Running it twice changes nothing.
enum NotebookMarkers {
    struct Block: Equatable {
        var kind: ReportSection
        var source: String
        /// Line indices (0-based) of the BEGIN and END lines.
        var begin: Int
        var end: Int
    }

    static let beginPrefix = "<!-- BEGIN GENERATED:"
    static let endPrefix = "<!-- END GENERATED:"

    /// Splits text into lines that keep their terminators, so joining them gives the text back exactly.
    static func lines(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        for ch in text {
            current.append(ch)
            if ch == "\n" || ch == "\r\n" { out.append(current); current = "" }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    static func blocks(in lines: [String], file: String) throws -> [Block] {
        var out: [Block] = []
        var open: (kind: ReportSection, source: String, line: Int)?
        for (n, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.hasPrefix(beginPrefix) {
                if let o = open {
                    throw ReportError.invalidNotebook(file: file, line: n + 1, reason: "BEGIN GENERATED inside the \(o.kind.rawValue) "
                                                      + "section opened at line \(o.line + 1)")
                }
                let (kind, attributes) = try parse(line, prefix: beginPrefix, file: file, line: n + 1)
                guard let source = attributes["source"], !source.isEmpty else {
                    throw ReportError.invalidNotebook(file: file, line: n + 1, reason: "BEGIN GENERATED: \(kind.rawValue) needs source=<results folder>")
                }
                open = (kind, source, n)
            } else if line.hasPrefix(endPrefix) {
                let (kind, _) = try parse(line, prefix: endPrefix, file: file, line: n + 1)
                guard let o = open else {
                    throw ReportError.invalidNotebook(file: file, line: n + 1, reason: "END GENERATED: \(kind.rawValue) without a BEGIN")
                }
                guard o.kind == kind else {
                    throw ReportError.invalidNotebook(file: file, line: n + 1, reason: "END GENERATED: \(kind.rawValue) closes the "
                                                      + "\(o.kind.rawValue) section opened at line \(o.line + 1)")
                }
                out.append(Block(kind: kind, source: o.source, begin: o.line, end: n))
                open = nil
            }
        }
        if let o = open {
            throw ReportError.invalidNotebook(file: file, line: o.line + 1, reason: "BEGIN GENERATED: \(o.kind.rawValue) is never closed")
        }
        return out
    }

    /// "<!-- BEGIN GENERATED: kind key=value … -->" → (kind, attributes).
    static func parse(_ line: String, prefix: String, file: String, line n: Int) throws -> (ReportSection, [String: String]) {
        guard line.hasSuffix("-->") else {
            throw ReportError.invalidNotebook(file: file, line: n, reason: "marker must end with --> on the same line")
        }
        let inner = line.dropFirst(prefix.count).dropLast(3).trimmingCharacters(in: .whitespaces)
        let words = inner.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let first = words.first else { throw ReportError.invalidNotebook(file: file, line: n, reason: "marker names no section") }
        guard let kind = ReportSection(rawValue: first) else {
            throw ReportError.invalidNotebook(file: file, line: n, reason: "unknown section '\(first)' (known: "
                                              + ReportSection.allCases.map(\.rawValue).joined(separator: ", ") + ")")
        }
        var attributes: [String: String] = [:]
        for w in words.dropFirst() {
            guard let eq = w.firstIndex(of: "=") else {
                throw ReportError.invalidNotebook(file: file, line: n, reason: "'\(w)' is not key=value")
            }
            attributes[String(w[..<eq])] = String(w[w.index(after: eq)...])
        }
        return (kind, attributes)
    }

    /// The relative path from directory `from` to `to` (both absolute), e.g. "../results/qv-rank/figures/fig3-q-layer3.svg".
    static func relativePath(from: URL, to: URL) -> String {
        let a = from.standardizedFileURL.pathComponents, b = to.standardizedFileURL.pathComponents
        var k = 0
        while k < a.count && k < b.count && a[k] == b[k] { k += 1 }
        let parts = Array(repeating: "..", count: a.count - k) + b[k...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}

extension ReportBuilder {
    /// Regenerates, in the Markdown notebook at `url`, every marked section whose `source=` (relative to
    /// `repositoryRoot`) is `resultsDirectory`, from that folder's files only (the analysis CSVs, `claims.csv`,
    /// `report-context.json`, `figures/`). Prose and other markers are left untouched; the file is rewritten
    /// (atomically) only when something changed. Returns whether it changed. Errors name the file and line of a
    /// malformed marker or CSV.
    @discardableResult
    public static func updateNotebook(_ url: URL, resultsDirectory: URL, repositoryRoot: URL) throws -> Bool {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ReportError.invalidInput(file: url.path, reason: "cannot be read")
        }
        let text = String(decoding: data, as: UTF8.self)
        let display = NotebookMarkers.relativePath(from: repositoryRoot, to: url)
        var lines = NotebookMarkers.lines(text)
        let blocks = try NotebookMarkers.blocks(in: lines, file: display)
        let target = resultsDirectory.standardizedFileURL.path
        let mine = blocks.filter { repositoryRoot.appendingPathComponent($0.source).standardizedFileURL.path == target }
        guard !mine.isEmpty else { return false }

        let resultsDisplay = NotebookMarkers.relativePath(from: repositoryRoot, to: resultsDirectory)
        let reportData = try ReportData.load(from: resultsDirectory, displayPrefix: resultsDisplay + "/")
        var context: ReportContext?
        if let json = FileManager.default.contents(atPath: resultsDirectory.appendingPathComponent(ReportFiles.context).path) {
            context = try JSONFile.decode(ReportContext.self, from: json, file: resultsDisplay + "/" + ReportFiles.context)
        }
        let figures = resultsDirectory.appendingPathComponent(ReportFiles.figures)
        let notebookDirectory = url.deletingLastPathComponent()
        let env = SectionEnvironment(
            data: reportData, context: context,
            figureExists: { FileManager.default.fileExists(atPath: figures.appendingPathComponent($0).path) },
            figureLink: { NotebookMarkers.relativePath(from: notebookDirectory, to: figures.appendingPathComponent($0)) })

        // Replace from the last block backwards so earlier line indices stay valid.
        for block in mine.reversed() {
            let body = ReportMarkdown.body(block.kind, env)
                ?? "_No data for this section in `\(block.source)` yet: run the spec, then `experiment report`._\n"
            let newline = lines[block.begin].hasSuffix("\r\n") ? "\r\n" : "\n"
            var content = newline + body
            if !content.hasSuffix("\n") { content += "\n" }
            content += newline
            if newline == "\r\n" {
                content = content.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
            }
            lines.replaceSubrange((block.begin + 1)..<block.end, with: NotebookMarkers.lines(content))
        }
        let updated = lines.joined()
        guard updated != text else { return false }
        try AtomicFile.write(updated, to: url)
        return true
    }

    /// `updateNotebook` on every `*.md` file of `directory` (sorted); returns the files that changed.
    public static func updateNotebooks(in directory: URL, resultsDirectory: URL, repositoryRoot: URL) throws -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var changed: [URL] = []
        for name in names.sorted() where name.hasSuffix(".md") {
            let url = directory.appendingPathComponent(name)
            if try updateNotebook(url, resultsDirectory: resultsDirectory, repositoryRoot: repositoryRoot) { changed.append(url) }
        }
        return changed
    }
}
