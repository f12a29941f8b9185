import Foundation
import LoRA
import Model
import SafeTensors
import Training
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// A tiny `wordnet-gloss` grid on SmolLM2-135M end to end (skipped when the GGUF file is absent, like the other SmolLM2
/// tests): interrupted and resumed from its checkpoint, trained through `TrainingLoop.run` with the causal-LM objective;
/// its folders hold eval.jsonl (loss, perplexity = exp(loss)), final.json, generations.json and a PEFT CAUSAL_LM adapter
/// with Llama names that the PEFT reader loads back; the validation loss ends below the base model's (recorded in the
/// spec folder's base-validation.json); the report shows
/// the loss table, the generations and the analyses under Llama naming, and rebuilds byte for byte. About a minute.
final class LlamaRunnerTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let checkpoint = "models/SmolLM2-135M-Instruct"

    /// Counts `shouldStop` polls; asks to stop at the `stopAt`-th.
    final class StopAfter: @unchecked Sendable {
        let stopAt: Int
        var polls = 0
        init(_ n: Int) { stopAt = n }
        func poll() -> Bool { polls += 1; return polls == stopAt }
    }

    static let specJSON = """
    {"name": "tiny-gloss", "model": {"checkpoint": "\(checkpoint)"},
     "task": {"kind": "wordnet-gloss", "parts": ["noun"], "maxTrain": 48, "maxValidation": 8, "maxTokens": 40,
              "generations": 2, "maxNewTokens": 6},
     "adapters": [{"targets": ["q", "v"], "ranks": [2, 4], "layers": [0, 1]}],
     "lora": {"alpha": 8, "init": "kaiming-uniform"},
     "training": {"steps": 6, "batchSize": 4, "learningRate": 0.005, "evalEvery": 3, "checkpointEvery": 2},
     "analyses": {"subspaceSimilarity": {"pairs": [[2, 4]]}, "projection": {"layer": null}, "directionOverlap": true,
                  "spectra": true, "accuracy": true}}
    """

    func testATinySmolLM2GridTrainsResumesAndReports() throws {
        if ProcessInfo.processInfo.environment["LORA_SKIP_CHECKPOINT_TESTS"] == "1" { throw XCTSkip("checkpoint tests skipped by LORA_SKIP_CHECKPOINT_TESTS=1") }
        guard LoadedModel.isGGUF(Self.root.appendingPathComponent(Self.checkpoint)) else {
            throw XCTSkip("\(Self.checkpoint) is not installed (run scripts/setup.sh)")
        }
        let results = FileManager.default.temporaryDirectory.appendingPathComponent("llama-runner-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: results) }
        let spec = try ExperimentSpec.decode(data: Data(Self.specJSON.utf8), file: "tiny-gloss.json")
        let plan = try RunPlan.resolve(spec, modelShape: try LoadedModel.shape(of: spec.model, repositoryRoot: Self.root),
                                       baseDirectory: Self.root, file: "tiny-gloss.json")
        XCTAssertEqual(plan.modelShape.family, "llama")
        XCTAssertEqual(plan.modelShape.keyValueHidden, 192)

        // Interrupted after step 2 of the first run (a checkpoint is written there), then resumed to the end.
        var options = ExperimentRunner.Options(resultsRoot: results)
        let stop = StopAfter(2)
        options.shouldStop = { stop.poll() }
        XCTAssertThrowsError(try ExperimentRunner(plan: plan, repositoryRoot: Self.root, options: options).run { _ in }) { error in
            guard case RunnerError.interrupted(_, let step) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(step, 2)
        }
        let runner = ExperimentRunner(plan: plan, repositoryRoot: Self.root, options: .init(resultsRoot: results))
        let records = try runner.run { _ in }
        XCTAssertEqual(records.map(\.rank), [2, 4])

        let model = try LoadedModel.load(spec.model, repositoryRoot: Self.root)
        let (task, _) = try LoadedTask.load(spec.task, model: model, repositoryRoot: Self.root)
        guard case .generation(let data) = task else { return XCTFail("not a generation task") }
        let base = try TrainingStep(model: model.model, objective: .causalLM, optimizer: AdamW(parameters: []))
            .causalLMMetrics(data.data.validation)
        for r in records { try checkRunFolder(r, model: model, baseLoss: base.loss) }
        let recorded = try XCTUnwrap(runner.recordedBaseValidation(), "base-validation.json")
        XCTAssertEqual(try XCTUnwrap(recorded["loss"]), base.loss, accuracy: 1e-9 * base.loss)
        XCTAssertEqual(recorded["tokens"], Double(base.tokens))
        try checkReport(runner, records: records, model: model, results: results)
    }

    func checkRunFolder(_ r: RunRecord, model: LoadedModel, baseLoss: Double) throws {
        XCTAssertEqual(r.outcome.status, .finished)
        XCTAssertEqual(r.outcome.steps, 6)
        XCTAssertEqual(r.outcome.primaryMetric, "loss")
        XCTAssertEqual(r.outcome.headParameters, 0)
        let metrics = try String(contentsOf: r.directory.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        XCTAssertEqual(metrics.split(separator: "\n").count, 6, "every step once, across the interruption")
        let passes = try ReportBuilder.evalPasses(r.directory.appendingPathComponent("eval.jsonl"), display: "eval.jsonl")
        XCTAssertEqual(passes.map(\.step), [3, 6])
        for p in passes {
            let loss = try XCTUnwrap(p.metrics["loss"]), perplexity = try XCTUnwrap(p.metrics["perplexity"])
            XCTAssertEqual(perplexity, exp(loss), accuracy: 1e-9 * perplexity)
        }
        let final = try XCTUnwrap(r.outcome.validation["loss"])
        XCTAssertLessThan(final, baseLoss, "fine-tuning lowers the validation loss below the base model's \(baseLoss)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: r.directory.appendingPathComponent("checkpoint").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: r.directory.appendingPathComponent("head.safetensors").path))

        // The adapter: PEFT's CAUSAL_LM layout with Llama names, read back by the PEFT reader onto the model.
        let contents = try PEFTAdapterFile.load(r.adapterDirectory, for: model.model)
        XCTAssertEqual(contents.config.taskType, "CAUSAL_LM")
        XCTAssertEqual(contents.config.r, r.rank)
        XCTAssertEqual(contents.adapters.map { "\($0.layer)/\($0.site.rawValue)" }, ["0/q", "0/v", "1/q", "1/v"])
        XCTAssertEqual(contents.adapters.map(\.outFeatures), [576, 192, 576, 192])
        let names = try SafeTensorsFile(contentsOf: r.adapterDirectory.appendingPathComponent(PEFTAdapterFile.weightsName)).tensors.map(\.name)
        XCTAssertTrue(names.contains("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight"), "\(names)")

        let generations = try XCTUnwrap(try GenerationRecord.read(from: r.directory))
        XCTAssertEqual(generations.maxNewTokens, 6)
        XCTAssertEqual(generations.entries.count, 2)
        XCTAssertTrue(generations.entries.allSatisfy { $0.prompt.hasSuffix("(noun):") && !$0.reference.isEmpty && !$0.base.isEmpty })
    }

    /// A spec may adapt the MLP gate of a decoder (`ffn_gate`, d → d_ff): its run id says `gate`, the adapter has
    /// `mlp.gate_proj` factors of the right shapes, and PEFT's `target_modules` names it. Two steps on one layer.
    func testTheGateProjectionIsATarget() throws {
        if ProcessInfo.processInfo.environment["LORA_SKIP_CHECKPOINT_TESTS"] == "1" { throw XCTSkip("checkpoint tests skipped by LORA_SKIP_CHECKPOINT_TESTS=1") }
        guard LoadedModel.isGGUF(Self.root.appendingPathComponent(Self.checkpoint)) else {
            throw XCTSkip("\(Self.checkpoint) is not installed (run scripts/setup.sh)")
        }
        let results = FileManager.default.temporaryDirectory.appendingPathComponent("llama-gate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: results) }
        let json = Self.specJSON.replacingOccurrences(of: #""targets": ["q", "v"], "ranks": [2, 4], "layers": [0, 1]"#,
                                                      with: #""targets": ["ffn_gate", "q"], "ranks": [2], "layers": [0]"#)
            .replacingOccurrences(of: #""steps": 6"#, with: #""steps": 2"#)
            .replacingOccurrences(of: #""subspaceSimilarity": {"pairs": [[2, 4]]}, "#, with: "")
        let spec = try ExperimentSpec.decode(data: Data(json.utf8), file: "tiny-gate.json")
        XCTAssertEqual(spec.adapters[0].targets, [.q, .ffnGate])
        let plan = try RunPlan.resolve(spec, modelShape: try LoadedModel.shape(of: spec.model, repositoryRoot: Self.root),
                                       baseDirectory: Self.root, file: "tiny-gate.json")
        XCTAssertTrue(plan.runs[0].id.hasPrefix("qgate-r2-"), plan.runs[0].id)
        let records = try ExperimentRunner(plan: plan, repositoryRoot: Self.root, options: .init(resultsRoot: results)).run { _ in }
        let r = try XCTUnwrap(records.first)
        XCTAssertEqual(r.outcome.status, .finished)
        let model = try LoadedModel.load(spec.model, repositoryRoot: Self.root)
        let contents = try PEFTAdapterFile.load(r.adapterDirectory, for: model.model)
        XCTAssertEqual(contents.adapters.map { "\($0.layer)/\($0.site.rawValue)" }, ["0/q", "0/ffn_gate"])
        let gate = try XCTUnwrap(contents.adapters.first { $0.site.rawValue == "ffn_gate" })
        XCTAssertEqual([gate.a.value.rows, gate.a.value.cols, gate.b.value.rows, gate.b.value.cols], [2, 576, 1536, 2])
        XCTAssertNotEqual(gate.b.value.storage.map(abs).max(), 0, "B moved from zero")
        if case .names(let modules) = contents.config.targetModules {
            XCTAssertTrue(modules.contains { $0.contains("gate_proj") }, "\(modules)")
        } else { XCTFail("target_modules should be a list") }
    }

    func checkReport(_ runner: ExperimentRunner, records: [RunRecord], model: LoadedModel, results: URL) throws {
        _ = try runner.buildReport(records: records, model: model, notebooks: nil)
        let folder = runner.specDirectory
        let report = try String(contentsOf: folder.appendingPathComponent("report.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("## Table 6 shape: validation loss by rank r"))
        XCTAssertTrue(report.contains("## Generations before and after fine-tuning"))
        XCTAssertTrue(report.contains("| Perplexity |") || report.contains("Perplexity |"))
        XCTAssertTrue(report.contains("Llama decoder, 30 layers"))
        XCTAssertTrue(report.contains("Before fine-tuning, the base model (no adapter) has validation loss"))
        XCTAssertFalse(report.contains("WikiSQL (paper"), "a loss is not set beside the paper's accuracies")
        let projection = try String(contentsOf: folder.appendingPathComponent(ReportFiles.projection), encoding: .utf8)
        XCTAssertTrue(projection.contains("\n1,v,"), "Table 7 rows for Llama's v in layer 1")
        let generations = try String(contentsOf: folder.appendingPathComponent(ReportFiles.generations), encoding: .utf8)
        XCTAssertEqual(generations.split(separator: "\n").first.map(String.init), GenerationRow.header.joined(separator: ","))

        // Rebuilt from the run folders alone: the same bytes.
        let snapshot = try files(in: folder)
        _ = try runner.buildReport(records: try runner.cachedRecords(), model: model, notebooks: nil)
        XCTAssertEqual(try files(in: folder), snapshot)
    }

    /// Every file under `folder` except the run folders and locks, by relative path.
    func files(in folder: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])!
        for case let url as URL in e where !url.path.contains("/runs/") && url.pathExtension != "lock" {
            if (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
                out[String(url.path.dropFirst(folder.path.count))] = try Data(contentsOf: url)
            }
        }
        return out
    }
}
