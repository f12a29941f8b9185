import Analysis
import ExperimentSpec
import Foundation
import LinearAlgebra
import LoRA
import Support

/// Builds everything a spec's results folder shows from its cached run folders — never training: the CSV of every
/// analysis of `ReportAnalysis.all` the spec switches on, `claims.csv`, `report.md` (our numbers beside the paper's,
/// a computed verdict per claim) and `figures/*.svg`. Deterministic: the same run folders give the same bytes.
/// Library code: it never prints.
///
/// Conventions (stated in every report): ΔW = (α/r)·B·A (rsLoRA α/√r), scaling included, W the frozen weight in
/// (out, in) layout; φ on the RIGHT singular vectors of A; Table 7 value ‖UᵀWV‖_F with U, V the top-r singular
/// vectors (as columns) of ΔW or W, beside the Monte-Carlo null of Haar-random U, V (`AnalysisEngine+Nulls`).
public enum ReportBuilder {
    /// Reads every run folder of `runs`, computes the analyses `context.options` switches on and writes into
    /// `resultsDirectory` (= results/<spec>/) their CSVs (`ReportAnalysis.all`), `claims.csv`, `report-context.json`,
    /// `report.md` and `figures/*.svg`. Files of an analysis switched off since an earlier build are removed.
    /// Diverged runs appear in `accuracy.csv` only, and so do head-only runs (they have no adapters to analyse).
    ///
    /// - Parameters:
    ///   - baseWeights: the frozen W (out × in) of (layer, matrix), e.g. `model.weight(layer:site:)`.
    ///   - naming: the model's family (its matrices and adapter names); BERT by default.
    ///     Called once per (layer, matrix); its SVD is cached.
    ///   - plantedAdapterDirectory: a PEFT directory holding the planted ΔW* (planted-rank task), or nil.
    public static func build(context: ReportContext, runs: [RunRecord], naming: ModuleNaming = .bert,
                             baseWeights: @escaping (Int, any AdapterSite) throws -> Matrix<Float>,
                             plantedAdapterDirectory: URL?, resultsDirectory: URL) throws -> ReportSummary {
        let start = Date()
        var clock = PhaseClock()
        let options = context.options
        let analyses = ReportAnalysis.all.filter { $0.isOn(options, .spec) }
        let engine = AnalysisEngine(options: options, naming: naming, baseWeights: baseWeights)
        if options.dataMetric { engine.inputMetrics = try AnalysisEngine.inputMetrics(directory: resultsDirectory) }
        let finished = runs.filter { $0.outcome.status == .finished }
        let subjects = analyses.contains(where: \.needsAdapters) ? try AnalysisSubject.load(runs: finished, engine: engine) : []
        clock.lap("read adapters")
        let inputs = AnalysisInputs(options: options, scope: .spec, runs: runs, subjects: subjects,
                                    plantedDirectory: plantedAdapterDirectory, validationExamples: context.validationExamples, engine: engine,
                                    rankSearch: context.rankSearch)
        var data = try ReportAnalysis.compute(analyses, inputs, clock: &clock)
        let phi = PhiPanel.panels(data.similarity ?? []), overlap = OverlapPanel.panels(data.overlap ?? [])
        // A real-data report reads the planted control beside its folder; its unvalidated matrices count as inconclusive.
        let gate = data.planted == nil ? PlantedGate.read(resultsRoot: resultsDirectory.deletingLastPathComponent()) : nil
        let validation = gate?.validation(reportModel: context.modelDescription) ?? .unrestricted
        let claims = Claims.evaluate(data, phi: phi, overlap: overlap, options: options, validation: validation)
        data.claims = claims
        clock.lap("claims")

        var env = SectionEnvironment(data: data, context: context, phi: phi, overlapPanels: overlap)
        let figures = analyses.flatMap { $0.figures(env) }
        let figureNames = Set(figures.map(\.name))
        env.figureExists = { figureNames.contains($0) }
        env.figureLink = { ReportFiles.figures + "/" + $0 }
        clock.lap("figures")
        var files = ReportAnalysis.csvFiles(analyses, data)
        files.append((ReportFiles.claims, ReportCSVEncoder.claims(claims)))
        files.append((ReportFiles.context, try contextJSON(context)))
        files.append((ReportFiles.report, reportMarkdown(context: context, runs: runs, env: env, gate: gate,
                                                                        validation: validation, resultsDirectory: resultsDirectory)))
        clock.lap("report.md")

        let (written, removed) = try ReportWriter.write(files: files, figures: figures, into: resultsDirectory, removeStale: true)
        clock.lap("write files")
        return ReportSummary(filesWritten: written, filesRemoved: removed, claims: claims, runsAnalysed: subjects.count,
                             runsSkipped: runs.filter { $0.outcome.status != .finished }.map(\.id).sorted(),
                             seconds: Date().timeIntervalSince(start), phases: clock.phases)
    }

    // MARK: accuracy rows

    /// One row per run; `validationExamples` is the validation split's size (nil when unknown). A head-only run's row has
    /// targets `head-only`, rank 0, no LoRA parameters and no α or scaling (empty cells).
    static func accuracyRows(_ runs: [RunRecord], validationExamples: Int?) -> [AccuracyRow] {
        let sorted = runs.sorted(by: ReportOrder.runLess)
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
                               alpha: run.isHeadOnly ? nil : csvRounded(run.alpha), scaling: run.isHeadOnly ? nil : csvRounded(run.scaling),
                               trainSeconds: csvRounded(o.trainSeconds),
                               validationExamples: o.status == .finished ? validationExamples : nil, extras: extras)
        }
    }

    static func contextJSON(_ context: ReportContext) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(context), as: UTF8.self) + "\n"
    }
}
