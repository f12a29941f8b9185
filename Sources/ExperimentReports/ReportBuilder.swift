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

    /// One row per run, on `split` (`AnalysesSpec.accuracySplit`): validation reads `final.json` (`validationExamples` is
    /// the validation split's size, nil when unknown); test reads each finished run's `test.json`. A head-only run's row
    /// has targets `head-only`, rank 0, no LoRA parameters and no α or scaling (empty cells).
    /// - Throws: `ReportError.invalidInput` naming a finished run's missing or malformed `test.json` (split test).
    static func accuracyRows(_ runs: [RunRecord], split: AccuracySplit, validationExamples: Int?) throws -> [AccuracyRow] {
        try runs.sorted(by: ReportOrder.runLess).map { run in
            let finished = run.outcome.status == .finished
            switch split {
            case .validation:
                return row(run, split: split, metrics: run.outcome.validation, examples: finished ? validationExamples : nil)
            case .test:
                guard finished else { return row(run, split: split, metrics: [:], examples: nil) }
                guard let file = try SplitMetricsFile.read(run: run.directory, split: split.rawValue) else {
                    throw ReportError.invalidInput(file: SplitMetricsFile.url(run: run.directory, split: split.rawValue).path,
                                                   reason: "missing: the spec's analyses.accuracySplit is \"test\"; `experiment run` "
                                                       + "or `experiment evaluate <spec> --split test` writes it")
                }
                return row(run, split: split, metrics: ["accuracy": file.accuracy, "macro_f1": file.macroF1, "loss": file.loss],
                           examples: file.examples)
            }
        }
    }

    /// A run's row from its metrics on `split`: the primary metric is `value`, the others are extras.
    private static func row(_ run: RunRecord, split: AccuracySplit, metrics: [String: Double], examples: Int?) -> AccuracyRow {
        let o = run.outcome
        var extras: [String: Double] = [:]
        for (name, value) in metrics where name != o.primaryMetric {
            let column = AccuracyRow.fixedHeader.contains(name) ? "val_" + name : name
            extras[column] = csvRounded(value)
        }
        return AccuracyRow(run: run.id, targets: run.targetLabel, rank: run.rank, dataSeed: run.dataSeed, initSeed: run.initSeed,
                           trainableParams: run.trainableParameters, status: o.status.rawValue, steps: o.steps, metric: o.primaryMetric,
                           split: split.rawValue, value: csvRoundedOptional(metrics[o.primaryMetric]),
                           majorityBaseline: csvRoundedOptional(o.majorityBaseline),
                           alpha: run.isHeadOnly ? nil : csvRounded(run.alpha), scaling: run.isHeadOnly ? nil : csvRounded(run.scaling),
                           trainSeconds: csvRounded(o.trainSeconds), examples: examples, extras: extras)
    }

    static func contextJSON(_ context: ReportContext) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(context), as: UTF8.self) + "\n"
    }
}
