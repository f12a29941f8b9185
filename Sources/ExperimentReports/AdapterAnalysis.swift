import Analysis
import ExperimentSpec
import Foundation
import LinearAlgebra
import LoRA
import Support

/// `experiment analyze`: the Section 7 analyses of PEFT LoRA adapters from anywhere (not only this harness's runs),
/// against the frozen weights of their base model. Loops over the same `ReportAnalysis.all` as a spec report, in
/// scope `.adapters`: `subspace_similarity.csv` (φ between every pair of adapters, comparison "adapters"),
/// `weight_projection.csv`, `direction_overlap.csv`, `spectra.csv`, `null_distributions.csv`,
/// `null_projection_growth.csv` as the options ask, the
/// verdict of every claim the adapters support (`claims.csv`; claims 1–2 need accuracies and are not tested), a
/// `report.md` and `figures/`. So any adapters — ours, PEFT's, random ones — are put to the same test as a spec's.
///
/// Conventions as in `ReportBuilder`: ΔW = scaling·B·A from each adapter's own `lora_alpha`, `r`, `use_rslora`;
/// φ on the RIGHT singular vectors of A; Table 7 on the top-r singular vectors.
public enum AdapterAnalysis {
    /// The options `experiment analyze` uses: φ grids bounded by i ≤ `maxI`, j ≤ `maxJ` (also the App. H.3 grid),
    /// Table 7 at every layer, App. H.3 and spectra on.
    public static func options(maxI: Int = 8, maxJ: Int = 64) -> AnalysesSpec {
        AnalysesSpec(subspaceSimilarity: SubspaceSimilaritySpec(pairs: [], maxI: maxI, maxJ: maxJ), projection: ProjectionSpec(),
                     directionOverlap: true, spectra: true, accuracy: false)
    }

    /// Inputs are checked first (`checkInputs`: no directory twice, bounds ≥ 1).
    /// - Parameters:
    ///   - adapterDirectories: PEFT adapter directories (adapter_config.json + adapter_model.safetensors).
    ///   - baseWeights: frozen W (out × in) of (layer, matrix) of the base model; asked only for the adapted matrices.
    ///   - baseDimensions: (in, out) of W at (layer, matrix) without reading W (e.g. `SafeTensorsBase.dimensions`), asked
    ///     only for the matrices an adapter adapts; nil: every matrix of the first layer is read through `baseWeights`.
    ///   - naming: the base model's family (its matrices and the PEFT names its adapters use); BERT by default.
    ///   - layers: the base model's number of layers (nil: each adapter's own highest layer + 1).
    ///   - options: which analyses and bounds (`options(maxI:maxJ:)` by default); rank pairs, seeds, accuracy and
    ///     planted recovery do not apply: every pair of adapters is compared, as Fig 3 (two ranks) or Fig 4 (one rank).
    ///     Pairs that share an adapter are not independent, so their seed-pair intervals (claims 3, 4) are optimistic.
    public static func analyze(adapterDirectories: [URL], baseWeights: @escaping (Int, any AdapterSite) throws -> Matrix<Float>,
                               baseDimensions: ((Int, any AdapterSite) throws -> (inFeatures: Int, outFeatures: Int)?)? = nil,
                               naming: ModuleNaming = .bert, layers: Int? = nil, options: AnalysesSpec = options(),
                               outputDirectory: URL) throws -> ReportSummary {
        let start = Date()
        var clock = PhaseClock()
        guard !adapterDirectories.isEmpty else {
            throw ReportError.invalidInput(file: outputDirectory.path, reason: "no adapter directories to analyse")
        }
        try checkInputs(adapterDirectories: adapterDirectories, maxI: options.subspaceSimilarity?.maxI ?? 1,
                        maxJ: options.subspaceSimilarity?.maxJ ?? 1)
        let engine = AnalysisEngine(options: options, naming: naming, baseWeights: baseWeights, baseDimensions: baseDimensions)
        let subjects = try load(adapterDirectories, layers: layers, engine: engine)
        clock.lap("read adapters")
        let analyses = ReportAnalysis.all.filter { $0.isOn(options, .adapters) }
        let inputs = AnalysisInputs(options: options, scope: .adapters, runs: [], subjects: subjects, plantedDirectory: nil,
                                    validationExamples: nil, engine: engine)
        var data = try ReportAnalysis.compute(analyses, inputs, clock: &clock)
        let phi = PhiPanel.panels(data.similarity ?? []), overlap = OverlapPanel.panels(data.overlap ?? [])
        let claims = Claims.evaluate(data, phi: phi, overlap: overlap, options: options)
        data.claims = claims
        clock.lap("claims")
        var env = SectionEnvironment(data: data, context: nil, analyses: options, phi: phi, overlapPanels: overlap)
        let figures = analyses.flatMap { $0.figures(env) }
        let names = Set(figures.map(\.name))
        env.figureExists = { names.contains($0) }
        env.figureLink = { ReportFiles.figures + "/" + $0 }
        var files = ReportAnalysis.csvFiles(analyses, data)
        files.append((ReportFiles.claims, ReportCSVEncoder.claims(claims)))
        files.append((ReportFiles.report, report(subjects: subjects, analyses: analyses, env: env)))
        let (written, _) = try ReportWriter.write(files: files, figures: figures, into: outputDirectory, removeStale: false)
        clock.lap("write files")
        return ReportSummary(filesWritten: written, filesRemoved: [], claims: claims, runsAnalysed: subjects.count,
                             runsSkipped: [], seconds: Date().timeIntervalSince(start), phases: clock.phases)
    }

    /// Loads each directory, labelled by its name (or its parent's for `…/adapter`), de-duplicated with "-2", "-3", ….
    static func load(_ directories: [URL], layers: Int?, engine: AnalysisEngine) throws -> [AnalysisSubject] {
        let dims = engine.dimensions(layer: 0)
        var subjects: [AnalysisSubject] = []
        var used = Set<String>()
        for dir in directories {
            var base = dir.standardizedFileURL.lastPathComponent
            if base == "adapter" || base.isEmpty { base = dir.standardizedFileURL.deletingLastPathComponent().lastPathComponent }
            var label = base
            var n = 2
            while used.contains(label) { label = "\(base)-\(n)"; n += 1 }
            used.insert(label)
            let count = try layers ?? AnalysisSubject.layerCount(ofAdapter: dir)
            subjects.append(try AnalysisSubject.load(directory: dir, id: label, label: label, targets: nil, rank: nil, initSeed: nil,
                                                     dataSeed: nil, expectedScaling: nil, dimensions: dims, layerCount: count,
                                                     naming: engine.naming))
        }
        return subjects
    }

    static func report(subjects: [AnalysisSubject], analyses: [ReportAnalysis], env: SectionEnvironment) -> String {
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
        out += t.rendered() + "\n## Conventions\n\n" + ReportBuilder.conventions(env.analyses) + "\n\n"
        for section in analyses.flatMap(\.sections) + [.claims] {
            guard let body = ReportMarkdown.body(section, env) else { continue }
            out += "## \(ReportMarkdown.heading(section, env))\n\n" + body + (body.hasSuffix("\n") ? "" : "\n") + "\n"
        }
        return out
    }
}
