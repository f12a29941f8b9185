import Analysis
import Foundation
import LinearAlgebra
import LoRA
import Support

/// Builds everything a spec's results folder shows from its cached run folders — never training:
/// the analysis CSVs, `claims.csv`, `report.md` (our numbers beside the paper's, a computed verdict per claim) and
/// `figures/*.svg`. Deterministic: the same run folders give the same bytes. Library code: it never prints.
///
/// Conventions (stated in every report): ΔW = (α/r)·B·A (rsLoRA α/√r), scaling included, W the frozen weight in
/// (out, in) layout; φ on the RIGHT singular vectors of A; Table 7 value ‖UᵀWV‖_F with U, V the top-r singular
/// vectors (as columns) of ΔW, W or a random Gaussian matrix of W's shape.
public enum ReportBuilder {
    /// Reads every run folder of `runs`, computes the analyses `context.options` asks for and writes into
    /// `resultsDirectory` (= results/<spec>/): `accuracy.csv`, `subspace_similarity.csv` (Fig 3 rank pairs, Fig 4 seed
    /// pairs and the random baseline rows run_a "random-a", run_b "random-b"), `weight_projection.csv`,
    /// `direction_overlap.csv`, `spectra.csv`, `planted_recovery.csv` (with a planted adapter), `claims.csv`,
    /// `report-context.json`, `report.md` and `figures/*.svg`. Files of an analysis switched off since an earlier build
    /// are removed. Diverged runs appear in `accuracy.csv` only.
    ///
    /// - Parameters:
    ///   - baseWeights: the frozen W (out × in) of (layer, target), e.g. `model.layers[l].linear(t).weight`.
    ///     Called once per (layer, matrix); its SVD is cached.
    ///   - plantedAdapterDirectory: a PEFT directory holding the planted ΔW* (planted-rank task), or nil.
    public static func build(context: ReportContext, runs: [RunRecord], baseWeights: @escaping (Int, LoRATarget) throws -> Matrix<Float>,
                             plantedAdapterDirectory: URL?, resultsDirectory: URL) throws -> ReportSummary {
        let start = Date()
        var clock = PhaseClock()
        let options = context.options
        let engine = AnalysisEngine(options: options, baseWeights: baseWeights)
        let finished = runs.filter { $0.outcome.status == .finished }
        let skipped = runs.filter { $0.outcome.status != .finished }.map(\.id).sorted()

        // Adapters of finished runs.
        var subjects: [AnalysisSubject] = []
        if !finished.isEmpty && (options.projection || options.directionOverlap || options.spectra || options.plantedRecovery
                                 || !options.rankPairs.isEmpty || options.seedSimilarityRank != nil) {
            let firstLayer = finished.flatMap(\.layers).min() ?? 0
            let dims = engine.dimensions(layer: firstLayer)
            var labels = Set<String>()
            for run in finished {
                let subject = try AnalysisSubject.load(
                    directory: run.adapterDirectory, id: run.id, label: run.rankSeedLabel, targets: run.targetLabel, rank: run.rank,
                    initSeed: run.initSeed, dataSeed: run.dataSeed, expectedScaling: run.scaling, dimensions: dims,
                    layerCount: (run.layers.max() ?? 0) + 1)
                let layers = Set(subject.factors.keys.map(\.layer))
                if layers != Set(run.layers) {
                    throw ReportError.invalidInput(file: run.adapterDirectory.appendingPathComponent(PEFTAdapterFile.weightsName).path,
                                                   reason: "adapts layers \(layers.sorted()) but the run record says \(run.layers.sorted())")
                }
                guard labels.insert(run.targetLabel + "/" + run.rankSeedLabel).inserted else {
                    throw ReportError.invalidInput(file: run.directory.path, reason: "two runs of targets \(run.targetLabel) share the label "
                                                   + "\(run.rankSeedLabel) (same rank and seeds)")
                }
                subjects.append(subject)
            }
            subjects.sort(by: ReportOrder.subjectLess)
        }
        clock.lap("read adapters")
        if options.projection || options.directionOverlap {
            try engine.prepareWeights(Set(subjects.flatMap(\.keys)).sorted())
            clock.lap("W SVDs")
        }

        var files: [(name: String, text: String)] = []
        var data = ReportData()
        if options.accuracy {
            let rows = accuracyRows(runs)
            data.accuracy = rows
            files.append((ReportFiles.accuracy, ReportCSVEncoder.accuracy(rows)))
        }
        clock.lap("accuracy")
        if !options.rankPairs.isEmpty || options.seedSimilarityRank != nil {
            let rows = try engine.rankPairRows(subjects) + engine.seedPairRows(subjects)
            data.similarity = rows
            clock.lap("subspace similarity")
            files.append((ReportFiles.similarity, ReportCSVEncoder.similarity(rows)))
            clock.lap("subspace_similarity.csv")
        }
        if options.projection {
            let rows = try engine.projectionRows(subjects)
            data.projection = rows
            files.append((ReportFiles.projection, ReportCSVEncoder.projection(rows)))
            clock.lap("Table 7")
        }
        if options.directionOverlap {
            let rows = try engine.overlapRows(subjects)
            data.overlap = rows
            files.append((ReportFiles.overlap, ReportCSVEncoder.overlap(rows)))
            clock.lap("W vs ΔW")
        }
        if options.spectra {
            let rows = try engine.spectrumRows(subjects)
            data.spectra = rows
            files.append((ReportFiles.spectra, ReportCSVEncoder.spectra(rows)))
            clock.lap("spectra")
        }
        if options.plantedRecovery, let dir = plantedAdapterDirectory {
            let firstLayer = finished.flatMap(\.layers).min() ?? 0
            let planted = try AnalysisSubject.load(directory: dir, id: "planted", label: "planted", targets: nil, rank: nil, initSeed: nil,
                                                   dataSeed: nil, expectedScaling: nil, dimensions: engine.dimensions(layer: firstLayer),
                                                   layerCount: AnalysisSubject.layerCount(ofAdapter: dir))
            let rows = try engine.plantedRows(subjects, planted: planted)
            data.planted = rows
            files.append((ReportFiles.planted, ReportCSVEncoder.planted(rows)))
            clock.lap("planted recovery")
        }
        let phi = PhiPanel.panels(data.similarity ?? []), overlap = OverlapPanel.panels(data.overlap ?? [])
        let claims = Claims.evaluate(data, phi: phi, overlap: overlap, options: options)
        data.claims = claims
        files.append((ReportFiles.claims, ReportCSVEncoder.claims(claims)))
        files.append((ReportFiles.context, try contextJSON(context)))
        clock.lap("claims")

        let figures = ReportFigures.render(data, phi: phi, overlap: overlap, context: context)
        clock.lap("figures")
        let figureNames = Set(figures.map(\.name))
        let env = SectionEnvironment(data: data, context: context, figureExists: { figureNames.contains($0) },
                                     figureLink: { ReportFiles.figures + "/" + $0 }, phi: phi, overlapPanels: overlap)
        files.append((ReportFiles.report, reportMarkdown(context: context, runs: runs, env: env, resultsDirectory: resultsDirectory)))
        clock.lap("report.md")

        // Write, then remove what earlier builds left and this one did not write.
        var written: [String] = []
        for f in files {
            try AtomicFile.write(f.text, to: resultsDirectory.appendingPathComponent(f.name))
            written.append(f.name)
        }
        let figuresDirectory = resultsDirectory.appendingPathComponent(ReportFiles.figures)
        for f in figures {
            try AtomicFile.write(f.svg, to: figuresDirectory.appendingPathComponent(f.name))
            written.append(ReportFiles.figures + "/" + f.name)
        }
        var removed: [String] = []
        let fm = FileManager.default
        for name in ReportFiles.owned where !written.contains(name) {
            let url = resultsDirectory.appendingPathComponent(name)
            if fm.fileExists(atPath: url.path) { try fm.removeItem(at: url); removed.append(name) }
        }
        if let existing = try? fm.contentsOfDirectory(atPath: figuresDirectory.path) {
            for name in existing.sorted() where name.hasSuffix(".svg") && !figureNames.contains(name)
                && ReportFiles.ownedFigurePrefixes.contains(where: { name.hasPrefix($0) }) {
                try fm.removeItem(at: figuresDirectory.appendingPathComponent(name))
                removed.append(ReportFiles.figures + "/" + name)
            }
        }
        clock.lap("write files")
        return ReportSummary(filesWritten: written.sorted(), filesRemoved: removed, claims: claims, runsAnalysed: subjects.count,
                             runsSkipped: skipped, seconds: Date().timeIntervalSince(start), phases: clock.phases)
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

    // MARK: accuracy rows

    static func accuracyRows(_ runs: [RunRecord]) -> [AccuracyRow] {
        let sorted = runs.sorted { a, b in
            if a.targetLabel != b.targetLabel { return ReportOrder.targetSetLess(a.targetLabel, b.targetLabel) }
            if a.rank != b.rank { return a.rank < b.rank }
            return (a.initSeed, a.dataSeed, a.id) < (b.initSeed, b.dataSeed, b.id)
        }
        return sorted.map { run in
            let o = run.outcome
            var extras: [String: Double] = [:]
            for (name, value) in o.validation where name != o.primaryMetric {
                let column = AccuracyRow.fixedHeader.contains(name) ? "val_" + name : name
                extras[column] = csvRounded(value)
            }
            return AccuracyRow(run: run.id, targets: run.targetLabel, rank: run.rank, dataSeed: run.dataSeed, initSeed: run.initSeed,
                               trainableParams: run.trainableParameters, status: o.status.rawValue, steps: o.steps, metric: o.primaryMetric,
                               value: csvRoundedOptional(o.primaryValue), majorityBaseline: csvRoundedOptional(o.majorityBaseline),
                               alpha: csvRounded(run.alpha), scaling: csvRounded(run.scaling), trainSeconds: csvRounded(o.trainSeconds),
                               extras: extras)
        }
    }

    static func contextJSON(_ context: ReportContext) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(context), as: UTF8.self) + "\n"
    }

    // MARK: report.md

    static let conventions = """
        - ΔW = (α/r)·B·A (rsLoRA: α/√r), the scaling included; A is r × in, B is out × r; W is the frozen pre-trained weight \
        in PyTorch's (out, in) layout.
        - φ(A, A′, i, j) = ‖U_Aⁱᵀ U_A′ʲ‖²_F / min(i, j) ∈ [0, 1] (Sec 7.2, Eq. 4), with U_A the RIGHT singular vectors of A \
        (input-space directions; Sec 7.2 is followed where App. G says “left”), top-i and top-j columns. For random subspaces \
        E[φ] = max(i, j)/k in R^k.
        - Table 7: U, V = top-r left/right singular vectors of ΔW (or of W, or of a random Gaussian matrix of W's shape); value \
        ‖UᵀWV‖_F with V as columns (the paper's ‖UᵀWVᵀ‖_F); amplification = ‖ΔW‖_F / ‖UᵀWV‖_F with U, V from ΔW.
        - App. H.3: φ between the top-i right singular vectors of W and the top-j of ΔW.
        - Seed spread: mean ± sample standard deviation over seeds, n = number of seeds (or seed pairs). The middle layer is \
        the sorted layers' element at index ⌊count/2⌋, like the paper's layer 48 of 96.
        - Accuracies are validation-split values of the run's final state; the paper's are GPT-3 175B on WikiSQL / MultiNLI.
        """

    static func reportMarkdown(context: ReportContext, runs: [RunRecord], env: SectionEnvironment, resultsDirectory: URL) -> String {
        var out = "# \(context.title)\n\n"
        out += "Report of spec `\(context.specName)` (results folder `\(context.resultsFolder ?? "results/" + context.specName)/`), generated by `experiment report` "
            + "from the cached run folders — no training; rebuilt on every report, so edit the spec or the report builder, not this file. "
            + "Paper: \(PaperReference.citation).\n\n"
        out += "## What was run\n\n" + whatWasRun(context: context, runs: runs, resultsDirectory: resultsDirectory) + "\n"
        if let claims = env.data.claims {
            var t = MarkdownTable(header: ["Claim", "Paper", "Verdict"], alignments: [.right, .left, .left])
            for c in claims { t.append([String(c.number), c.source, c.verdict.rawValue]) }
            out += "## Verdicts at a glance\n\n" + t.rendered() + "\nDetails, numbers and rules: [Claims](#claims).\n\n"
        }
        out += "## Conventions\n\n" + conventions + "\n\n"
        for section in ReportSection.allCases {
            guard let body = ReportMarkdown.body(section, env) else { continue }
            out += "## \(ReportMarkdown.heading(section, env))\n\n" + body
            if !body.hasSuffix("\n") { out += "\n" }
            out += "\n"
        }
        out += "## Files\n\n"
        out += "CSV columns follow CONTRACTS.md (extra columns at the end): "
            + [ReportFiles.accuracy, ReportFiles.similarity, ReportFiles.projection, ReportFiles.overlap, ReportFiles.spectra,
               ReportFiles.planted, ReportFiles.claims].filter { name in
                switch name {
                case ReportFiles.accuracy: return env.data.accuracy != nil
                case ReportFiles.similarity: return env.data.similarity != nil
                case ReportFiles.projection: return env.data.projection != nil
                case ReportFiles.overlap: return env.data.overlap != nil
                case ReportFiles.spectra: return env.data.spectra != nil
                case ReportFiles.planted: return env.data.planted != nil
                default: return env.data.claims != nil
                }
            }.map { "`\($0)`" }.joined(separator: ", ") + ".\n"
        return out
    }

    static func whatWasRun(context: ReportContext, runs: [RunRecord], resultsDirectory: URL) -> String {
        var lines: [String] = []
        lines.append("- Model: \(context.modelDescription)")
        lines.append("- Task: \(context.taskDescription)")
        lines.append("- Grid: \(context.gridDescription)")
        let finished = runs.filter { $0.outcome.status == .finished }
        var runLine = "- Runs: \(runs.count) (\(finished.count) finished"
        let other = runs.filter { $0.outcome.status != .finished }.sorted { $0.id < $1.id }
        if !other.isEmpty { runLine += ", \(other.count) \(other.count == 1 ? "is" : "are") excluded from the analyses: "
            + other.map { "`\($0.id)` (\($0.outcome.status.rawValue) at step \($0.outcome.steps))" }.joined(separator: ", ") }
        lines.append(runLine + ")")
        let targets = Array(Set(runs.map(\.targetLabel))).sorted(by: ReportOrder.targetSetLess)
        let ranks = Array(Set(runs.map(\.rank))).sorted()
        lines.append("- Target sets: \(targets.joined(separator: ", ")); ranks: \(ranks.map(String.init).joined(separator: ", "))")
        let alphas = Array(Set(runs.map { NumberFormat.significant($0.alpha, digits: 6) + ($0.rsLoRA ? " (rsLoRA)" : "") })).sorted()
        if !alphas.isEmpty { lines.append("- α: \(alphas.joined(separator: ", ")) (fixed while r varies; ΔW = (α/r)·B·A)") }
        let inits = Array(Set(runs.map(\.initSeed))).sorted(), datas = Array(Set(runs.map(\.dataSeed))).sorted()
        lines.append("- Seeds: adapter initialisation \(inits.map(String.init).joined(separator: ", ")); data order "
                     + datas.map(String.init).joined(separator: ", "))
        let machines = Array(Set(runs.map { m -> String in
            let f = m.outcome.machine
            return "\(f.cpu), \(f.cores) core\(f.cores == 1 ? "" : "s"), \(f.threads) thread\(f.threads == 1 ? "" : "s"), \(f.blas)" + (f.swiftVersion.map { ", Swift \($0)" } ?? "")
        })).sorted()
        for m in machines { lines.append("- Machine: \(m)") }
        let commits = Array(Set(runs.map(\.outcome.machine.gitCommit))).sorted()
        if !commits.isEmpty { lines.append("- Git commit\(commits.count > 1 ? "s" : ""): " + commits.map { "`\($0)`" }.joined(separator: ", ")) }
        let seconds = finished.map(\.outcome.trainSeconds).reduce(0, +)
        if seconds > 0 { lines.append("- Training time (sum over finished runs): \(NumberFormat.fixed(seconds / 60, digits: 1)) min") }
        let evaluated = finished.compactMap(\.outcome.evalSeconds)
        if !evaluated.isEmpty {
            let note = evaluated.count < finished.count ? " (\(evaluated.count) of \(finished.count) runs recorded it)" : ""
            lines.append("- Evaluation time (validation passes, sum over finished runs): "
                         + "\(NumberFormat.fixed(evaluated.reduce(0, +) / 60, digits: 1)) min\(note)")
        }
        if let ref = context.reference {
            let name: String
            switch ref {
            case .table5: name = "Table 5 (Sec 7.1)"
            case .table6: name = "Table 6 (Sec 7.2)"
            case .table7: name = "Table 7 (Sec 7.3)"
            }
            lines.append("- Reproduces: \(name) of the paper")
        }
        let base = resultsDirectory.standardizedFileURL.path
        let inside = runs.allSatisfy { $0.directory.standardizedFileURL.path.hasPrefix(base + "/") }
        if inside, let first = runs.first {
            let rel = String(first.directory.standardizedFileURL.deletingLastPathComponent().path.dropFirst(base.count + 1))
            lines.append("- Run folders: `\(rel)/<run id>/` (config, metrics, final.json, adapter)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
