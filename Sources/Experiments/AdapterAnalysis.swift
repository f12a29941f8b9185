import Analysis
import Foundation
import LinearAlgebra
import LoRA
import Support

/// `experiment analyze`: the Section 7 analyses of PEFT LoRA adapters from anywhere (not only this harness's runs),
/// against the frozen weights of their base model. Writes the same CSVs as a spec report — `subspace_similarity.csv`
/// (φ between every pair of adapters, comparison "adapters"), `weight_projection.csv`, `direction_overlap.csv`,
/// `spectra.csv` — plus a short `report.md` and `figures/`. No accuracies, no claim verdicts (no spec grid).
///
/// Conventions as in `ReportBuilder`: ΔW = scaling·B·A from each adapter's own `lora_alpha`, `r`, `use_rslora`;
/// φ on the RIGHT singular vectors of A; Table 7 on the top-r singular vectors.
public enum AdapterAnalysis {
    /// Inputs are checked first (`checkInputs`: no directory twice, bounds ≥ 1).
    /// - Parameters:
    ///   - adapterDirectories: PEFT adapter directories (adapter_config.json + adapter_model.safetensors).
    ///   - baseWeights: frozen W (out × in) of (layer, target) of the base model.
    ///   - layers: the base model's number of layers (nil: each adapter's own highest layer + 1).
    ///   - options: maxI / maxJ (≥ 1) bound the φ grids; `projectionLayers`, `projection`, `directionOverlap`, `spectra`
    ///     and `randomSeed` apply; the rank-pair, seed and accuracy options do not.
    public static func analyze(adapterDirectories: [URL], baseWeights: @escaping (Int, LoRATarget) throws -> Matrix<Float>,
                               layers: Int? = nil, options: AnalysisOptions = AnalysisOptions(),
                               outputDirectory: URL) throws -> ReportSummary {
        let start = Date()
        guard !adapterDirectories.isEmpty else {
            throw ReportError.invalidInput(file: outputDirectory.path, reason: "no adapter directories to analyse")
        }
        try checkInputs(adapterDirectories: adapterDirectories, options: options)
        let engine = AnalysisEngine(options: options, baseWeights: baseWeights)
        let dims = engine.dimensions(layer: 0)
        var subjects: [AnalysisSubject] = []
        var used = Set<String>()
        for dir in adapterDirectories {
            var base = dir.standardizedFileURL.lastPathComponent
            if base == "adapter" || base.isEmpty { base = dir.standardizedFileURL.deletingLastPathComponent().lastPathComponent }
            var label = base
            var n = 2
            while used.contains(label) { label = "\(base)-\(n)"; n += 1 }
            used.insert(label)
            let count = try layers ?? AnalysisSubject.layerCount(ofAdapter: dir)
            subjects.append(try AnalysisSubject.load(directory: dir, id: label, label: label, targets: nil, rank: nil, initSeed: nil,
                                                     dataSeed: nil, expectedScaling: nil, dimensions: dims, layerCount: count))
        }

        var files: [(String, String)] = []
        var data = ReportData()
        if subjects.count >= 2 {
            var rows: [SimilarityRow] = []
            for a in 0..<(subjects.count - 1) {
                for b in (a + 1)..<subjects.count {
                    let (x, y) = subjects[a].rank <= subjects[b].rank ? (subjects[a], subjects[b]) : (subjects[b], subjects[a])
                    rows += try engine.similarityRows(x, y, maxI: options.maxI, maxJ: options.maxJ, comparison: .adapters)
                }
            }
            data.similarity = rows
            files.append((ReportFiles.similarity, ReportCSVEncoder.similarity(rows)))
        }
        if options.projection {
            let rows = try engine.projectionRows(subjects)
            data.projection = rows
            files.append((ReportFiles.projection, ReportCSVEncoder.projection(rows)))
        }
        if options.directionOverlap {
            let rows = try engine.overlapRows(subjects)
            data.overlap = rows
            files.append((ReportFiles.overlap, ReportCSVEncoder.overlap(rows)))
        }
        if options.spectra {
            let rows = try engine.spectrumRows(subjects)
            data.spectra = rows
            files.append((ReportFiles.spectra, ReportCSVEncoder.spectra(rows)))
        }
        let figures = ReportFigures.fig8(OverlapPanel.panels(data.overlap ?? []))
        let names = Set(figures.map(\.0))
        let env = SectionEnvironment(data: data, context: nil, figureExists: { names.contains($0) },
                                     figureLink: { ReportFiles.figures + "/" + $0 })
        files.append((ReportFiles.report, report(subjects: subjects, env: env, options: options)))

        var written: [String] = []
        for (name, text) in files {
            try AtomicFile.write(text, to: outputDirectory.appendingPathComponent(name))
            written.append(name)
        }
        for (name, svg) in figures {
            try AtomicFile.write(svg, to: outputDirectory.appendingPathComponent(ReportFiles.figures).appendingPathComponent(name))
            written.append(ReportFiles.figures + "/" + name)
        }
        return ReportSummary(filesWritten: written.sorted(), filesRemoved: [], claims: [], runsAnalysed: subjects.count,
                             runsSkipped: [], seconds: Date().timeIntervalSince(start))
    }

    static func report(subjects: [AnalysisSubject], env: SectionEnvironment, options: AnalysisOptions) -> String {
        var out = "# Analysis of \(subjects.count) LoRA adapter\(subjects.count == 1 ? "" : "s")\n\n"
        out += "Generated by `experiment analyze` (Section 7 analyses of \(PaperReference.citation)).\n\n## Adapters\n\n"
        var t = MarkdownTable(header: ["Label", "Targets", "r", "scaling", "Layers", "Init seed", "Data seed"],
                              alignments: [.left, .left, .right, .right, .left, .right, .right])
        for s in subjects {
            let layers = Array(Set(s.factors.keys.map(\.layer))).sorted()
            let scaling = s.factors.values.first.map { NumberFormat.significant($0.scaling, digits: 6) } ?? ReportMarkdown.dash
            t.append([s.label, s.targets, String(s.rank), scaling, layers.map(String.init).joined(separator: ", "),
                      s.initSeed.map(String.init) ?? ReportMarkdown.dash, s.dataSeed.map(String.init) ?? ReportMarkdown.dash])
        }
        out += t.rendered() + "\n## Conventions\n\n" + ReportBuilder.conventions + "\n\n"
        if let pairs = pairSection(env.data, options: options) { out += "## Subspace similarity between adapters\n\n" + pairs + "\n" }
        for section in [ReportSection.table7, .overlap, .spectra] {
            guard let body = ReportMarkdown.body(section, env) else { continue }
            out += "## \(ReportMarkdown.heading(section, env))\n\n" + body + (body.hasSuffix("\n") ? "" : "\n") + "\n"
        }
        return out
    }

    /// φ(1, 1) and D = mean φ(k, k), k ≤ K, per pair, layer and matrix.
    static func pairSection(_ data: ReportData, options: AnalysisOptions) -> String? {
        let panels = PhiPanel.panels(data.similarity ?? []).filter { $0.comparison == .adapters }
        guard !panels.isEmpty else { return nil }
        var t = MarkdownTable(header: ["run_a", "run_b", "Layer", "Matrix", "φ(1,1)", "D (k ≤ K)", "K", "random φ(1,1) = 1/k"],
                              alignments: [.left, .left, .right, .left, .right, .right, .right, .right])
        for p in panels {
            let K = Swift.min(options.maxI, p.maxI, p.maxJ)
            t.append([p.runA, p.runB, p.layer.map(String.init) ?? ReportMarkdown.dash, p.matrix, p.phi(1, 1).map(ReportMarkdown.f3) ?? ReportMarkdown.dash,
                      p.diagonalMean(K).map(ReportMarkdown.f3) ?? ReportMarkdown.dash, String(K), ReportMarkdown.f3(1 / Double(p.ambient))])
        }
        return "φ(A, A′, i, j) on the right singular vectors of A, i ≤ min(\(options.maxI), r_a), j ≤ min(\(options.maxJ), r_b) "
            + "(run_a is the adapter of smaller rank); the full grids are in `\(ReportFiles.similarity)`.\n\n" + t.rendered()
    }
}
