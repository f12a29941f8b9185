import Foundation
import LinearAlgebra
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// Every task kind trains end to end on the built-in tiny model (a few steps each) and leaves a finished run folder
/// with its validation metric.
final class TaskKindsEndToEndTests: XCTestCase {
    func run(task: String, in root: URL) throws -> RunRecord {
        try XCTUnwrap(try runner(task: task, in: root).records.first)
    }

    /// The runner of a one-run spec (q,v at r = 2, 4 steps on the tiny model) for `task`, and the records of its run.
    func runner(task: String, in root: URL) throws -> (runner: ExperimentRunner, records: [RunRecord]) {
        let json = """
        {"name": "e2e", "model": {"builtin": "tiny"}, "task": \(task),
         "adapters": [{"targets": ["q", "v"], "ranks": [2]}],
         "training": {"steps": 4, "batchSize": 8, "learningRate": 0.01}}
        """
        let spec = try ExperimentSpec.decode(data: Data(json.utf8), file: "e2e.json")
        let plan = try RunPlan.resolve(spec, modelShape: try LoadedModel.shape(of: spec.model, repositoryRoot: root), baseDirectory: root, file: "e2e.json")
        var summary: TaskSummary?
        let runner = ExperimentRunner(plan: plan, repositoryRoot: root, options: .init(resultsRoot: root.appendingPathComponent("results")))
        let records = try runner.run { if case .taskReady(let s) = $0 { summary = s } }
        XCTAssertNotNil(summary)
        return (runner, records)
    }

    func testEveryTaskKindTrainsOnTheTinyModel() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lora-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let tsvHeader = "index\tsentence1\tsentence2\tgold_label"
        var tsv = [tsvHeader]
        for i in 0..<40 { tsv.append("\(i)\ta dog is an animal \(i)\ta dog\t\(["entailment", "neutral", "contradiction"][i % 3])") }
        try tsv.joined(separator: "\n").write(to: root.appendingPathComponent("train.tsv"), atomically: true, encoding: .utf8)
        try tsv.prefix(13).joined(separator: "\n").write(to: root.appendingPathComponent("dev_matched.tsv"), atomically: true, encoding: .utf8)
        let jsonl = (0..<40).map { "{\"text_a\": \"the cat \($0)\", \"text_b\": \"a pet\", \"label\": \($0 % 2)}" }.joined(separator: "\n")
        try jsonl.write(to: root.appendingPathComponent("train.jsonl"), atomically: true, encoding: .utf8)
        try jsonl.write(to: root.appendingPathComponent("validation.jsonl"), atomically: true, encoding: .utf8)

        let tasks: [(String, String)] = [
            ("wordnet-supersense", #"{"kind": "wordnet-supersense", "maxTrain": 64, "maxValidation": 32, "maxTokens": 24}"#),
            ("wordnet-pairs", #"{"kind": "wordnet-pairs", "maxTrain": 64, "maxValidation": 30, "maxTokens": 32}"#),
            ("planted-rank", #"{"kind": "planted-rank", "trainExamples": 64, "validationExamples": 16, "maxTokens": 12}"#),
            ("jsonl", #"{"kind": "jsonl", "train": "train.jsonl", "validation": "validation.jsonl", "maxTokens": 16}"#),
            ("glue-tsv", #"{"kind": "glue-tsv", "train": "train.tsv", "validation": "dev_matched.tsv", "maxTokens": 24}"#),
        ]
        for (name, task) in tasks {
            let dir = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for f in ["train.tsv", "dev_matched.tsv", "train.jsonl", "validation.jsonl"] {
                try FileManager.default.copyItem(at: root.appendingPathComponent(f), to: dir.appendingPathComponent(f))
            }
            let record = try run(task: task, in: dir)
            XCTAssertEqual(record.outcome.status, .finished, name)
            XCTAssertEqual(record.outcome.steps, 4, name)
            XCTAssertNotNil(record.outcome.primaryValue, name)
            XCTAssertTrue(FileManager.default.fileExists(atPath: record.adapterDirectory.appendingPathComponent("adapter_model.safetensors").path), name)
        }
    }

    /// A planted-rank run writes the input covariances beside the planted adapter (one square tensor per layer and
    /// target); when they are missing from a folder whose runs are all cached, `run` loads the task to add them and keeps
    /// the existing planted adapter (the teacher the cached runs were trained against).
    func testPlantedRunWritesInputCovariancesAndKeepsTheTeacher() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lora-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let task = #"{"kind": "planted-rank", "trainExamples": 64, "validationExamples": 16, "maxTokens": 12}"#
        _ = try run(task: task, in: root)
        let plant = root.appendingPathComponent("results/e2e/planted-adapter")
        let covariance = plant.appendingPathComponent(InputCovarianceFile.name)
        let tensors = try InputCovarianceFile.read(directory: plant)
        XCTAssertEqual(tensors.keys.sorted(), ["layer.0.q", "layer.0.v", "layer.1.q", "layer.1.v"])
        XCTAssertTrue(tensors.values.allSatisfy { $0.rows == $0.cols && $0.rows > 0 })
        // Remove the covariances and mark the teacher; a rerun with every run cached restores the one, keeps the other.
        try FileManager.default.removeItem(at: covariance)
        let config = plant.appendingPathComponent("adapter_config.json")
        let marked = try Data(contentsOf: config) + Data("\n".utf8)
        try marked.write(to: config)
        let (runner, records) = try runner(task: task, in: root)
        XCTAssertEqual(try InputCovarianceFile.read(directory: plant).keys.sorted(), tensors.keys.sorted())
        XCTAssertEqual(try Data(contentsOf: config), marked, "the cached runs' teacher is kept")
        _ = try runner.buildReport(records: records, model: try LoadedModel.load(runner.plan.spec.model, repositoryRoot: root), notebooks: nil)
        let recovery = try String(contentsOf: root.appendingPathComponent("results/e2e/planted_recovery.csv"), encoding: .utf8)
        XCTAssertTrue(recovery.hasPrefix("run,layer,matrix,rank,seed,k,recovery,expected_random,recovery_data_metric,null_mean,null_upper"))
        let first = recovery.split(separator: "\n")[1].split(separator: ",", omittingEmptySubsequences: false)
        XCTAssertTrue(first[8...10].allSatisfy { Double($0).map { $0 >= 0 && $0 <= 1 + 1e-9 } ?? false }, "\(first)")
    }

    /// `"dataMetric": true`: the runner writes the task's input covariances once (q and v of every layer), and the report
    /// adds Fig 3's grid on ΔW·C^{1/2} (basis `delta_w_data`) with its own null beside the three Haar-null bases.
    func testDataMetricWritesCovariancesAndSimilarityRows() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lora-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let jsonl = (0..<40).map { "{\"text_a\": \"the cat \($0) sat\", \"text_b\": \"a pet\", \"label\": \($0 % 2)}" }.joined(separator: "\n")
        try jsonl.write(to: root.appendingPathComponent("train.jsonl"), atomically: true, encoding: .utf8)
        try jsonl.write(to: root.appendingPathComponent("validation.jsonl"), atomically: true, encoding: .utf8)
        let json = """
        {"name": "dm", "model": {"builtin": "tiny"},
         "task": {"kind": "jsonl", "train": "train.jsonl", "validation": "validation.jsonl", "maxTokens": 16},
         "adapters": [{"targets": ["q", "v"], "ranks": [2, 4]}],
         "training": {"steps": 4, "batchSize": 8, "learningRate": 0.01},
         "analyses": {"subspaceSimilarity": {"pairs": [[2, 4]]}, "dataMetric": true}}
        """
        let spec = try ExperimentSpec.decode(data: Data(json.utf8), file: "dm.json")
        let plan = try RunPlan.resolve(spec, modelShape: try LoadedModel.shape(of: spec.model, repositoryRoot: root), baseDirectory: root,
                                       file: "dm.json")
        let runner = ExperimentRunner(plan: plan, repositoryRoot: root, options: .init(resultsRoot: root.appendingPathComponent("results")))
        let records = try runner.run { _ in }
        let folder = root.appendingPathComponent("results/dm")
        XCTAssertEqual(try InputCovarianceFile.read(directory: folder).keys.sorted(), ["layer.0.q", "layer.0.v", "layer.1.q", "layer.1.v"])
        _ = try runner.buildReport(records: records, model: try LoadedModel.load(spec.model, repositoryRoot: root), notebooks: nil)
        let csv = try String(contentsOf: folder.appendingPathComponent("subspace_similarity.csv"), encoding: .utf8)
        let bases = Set(csv.split(separator: "\n").dropFirst().compactMap { line in
            ["a", "a_minus_a0", "delta_w", "delta_w_data"].first { line.contains(",\($0),") }
        })
        XCTAssertEqual(bases, ["a", "a_minus_a0", "delta_w", "delta_w_data"])
        let report = try String(contentsOf: folder.appendingPathComponent("report.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("φ(1,1) in the data metric"), report)
    }

    /// final.json records the threads training uses (`Parallel.width`, from --threads), also when loading the task ran a
    /// forward pass that left OpenBLAS at one thread (the planted-rank teacher; a decoder's base validation).
    func testRecordedThreadsAreTheTrainingWidth() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lora-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let saved = Parallel.width
        defer { Parallel.width = saved }
        Parallel.width = 2
        let record = try run(task: #"{"kind": "planted-rank", "trainExamples": 64, "validationExamples": 16, "maxTokens": 12}"#, in: root)
        XCTAssertEqual(record.outcome.machine.threads, 2)
    }
}

