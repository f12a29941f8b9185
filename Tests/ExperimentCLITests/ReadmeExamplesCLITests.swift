import Foundation
import Model
import SafeTensors
import XCTest

/// README.md's "Your own data" and "Your own adapter" examples, run as written: its files and command lines are read
/// from the README and run by the built binary in a folder where `models/all-MiniLM-L6-v2` is the built-in tiny model
/// saved as a Hugging Face checkpoint (so the examples take seconds).
final class ReadmeExamplesCLITests: XCTestCase {
    func testOwnDataExampleTrainsAndReports() throws {
        let readme = try ReadmeExamples()
        let s = try CLISandbox()
        _ = try s.tinyCheckpoint("models/all-MiniLM-L6-v2")
        let files = readme.files.filter { $0.key.hasPrefix("my-task/") }
        XCTAssertEqual(Set(files.keys), ["my-task/train.jsonl", "my-task/dev.jsonl", "my-task/spec.json"])
        for (path, text) in files {
            try FileManager.default.createDirectory(at: s.root.appendingPathComponent(path).deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try s.write(path, text)
        }
        let commands = try XCTUnwrap(readme.commands["own-data"])
        XCTAssertEqual(commands.count, 2)
        for line in commands {
            let r = try s.run(try ReadmeExamples.arguments(line))
            XCTAssertEqual(r.status, 0, "\(line)\n\(r.stderr)")
        }
        let accuracy = try s.read("results/my-task/accuracy.csv").split(separator: "\n")
        XCTAssertEqual(accuracy.count, 3, "a header and one row per rank (1, 8)")
        XCTAssertTrue(accuracy.dropFirst().allSatisfy { $0.contains(",finished,") && $0.contains(",accuracy,") }, "\(accuracy)")
        // φ between the r = 1 and r = 8 adapters, up to i = 1 and j = 8 (Fig 3's grid for this pair).
        let phi = try s.read("results/my-task/subspace_similarity.csv").split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let header = try XCTUnwrap(phi.first)
        let (i, j) = (try XCTUnwrap(header.firstIndex(of: "i")), try XCTUnwrap(header.firstIndex(of: "j")))
        XCTAssertTrue(phi.dropFirst().contains { $0[i] == "1" && $0[j] == "8" }, "\(phi.prefix(3))")
        XCTAssertTrue(s.exists("results/my-task/report.md"))
        let runs = try FileManager.default.contentsOfDirectory(atPath: s.root.appendingPathComponent("results/my-task/runs").path)
            .filter { !$0.hasSuffix(".lock") }
        XCTAssertEqual(runs.count, 2)
        let config = try s.read("results/my-task/runs/\(runs[0])/adapter/adapter_config.json")
        XCTAssertTrue(config.contains(#""task_type" : "FEATURE_EXTRACTION""#), config)
        XCTAssertTrue(config.contains(#""base_model_path" : "models/all-MiniLM-L6-v2""#), config)
    }

    func testOwnAdapterExampleAnalysesAPEFTSequenceClassificationAdapterBesideOurs() throws {
        let readme = try ReadmeExamples()
        let s = try CLISandbox()
        _ = try s.tinyCheckpoint("models/all-MiniLM-L6-v2")
        let line = try XCTUnwrap(readme.commands["own-adapter"]?.first)
        let arguments = try ReadmeExamples.arguments(line)
        // Our adapter: a rank-8 run of a toy spec, placed where the README's command looks for it.
        let ours = try XCTUnwrap(arguments.first { $0.hasPrefix("results/") && $0.hasSuffix("/adapter") }, line)
        let spec = try s.toySpec(ranks: "[8]")
        XCTAssertEqual(try s.run("run", spec).status, 0)
        let run = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: s.root.appendingPathComponent("results/toy/runs").path)
            .first { !$0.hasSuffix(".lock") })
        try FileManager.default.createDirectory(at: s.root.appendingPathComponent(ours).deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: s.root.appendingPathComponent("results/toy/runs/\(run)/adapter"), to: s.root.appendingPathComponent(ours))
        // Theirs: what PEFT's save_pretrained writes for the README's SEQ_CLS LoraConfig.
        XCTAssertTrue(arguments.contains("my-adapter"), line)
        try writePEFTSequenceClassificationAdapter(s.root.appendingPathComponent("my-adapter"))

        let r = try s.run(arguments)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("note: my-adapter/adapter_model.safetensors: left out 2 tensors of modules_to_save"), r.stderr)
        XCTAssertTrue(r.stderr.contains("base_model.model.classifier.bias, base_model.model.classifier.weight"), r.stderr)
        let output = try XCTUnwrap(arguments.last, line)
        XCTAssertTrue(s.exists("\(output)/report.md"))
        let phi = try s.read("\(output)/subspace_similarity.csv")
        XCTAssertTrue(phi.split(separator: "\n").count > 1, phi)
    }

    /// The directory PEFT writes for `LoraConfig(task_type="SEQ_CLS", r=8, lora_alpha=16, target_modules=["query",
    /// "value"])` on `BertForSequenceClassification` with 2 labels, sized for the tiny model: LoRA factors under
    /// `base_model.model.bert.encoder…`, the classifier under `base_model.model.classifier…`.
    func writePEFTSequenceClassificationAdapter(_ dir: URL) throws {
        let config = BuiltinTiny.config
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("""
            {"alpha_pattern": {}, "auto_mapping": null, "base_model_name_or_path": "sentence-transformers/all-MiniLM-L6-v2",
             "bias": "none", "fan_in_fan_out": false, "inference_mode": true, "init_lora_weights": true, "layers_pattern": null,
             "layers_to_transform": null, "loftq_config": {}, "lora_alpha": 16, "lora_dropout": 0.0, "megatron_config": null,
             "megatron_core": "megatron.core", "modules_to_save": ["classifier", "score"], "peft_type": "LORA", "r": 8,
             "rank_pattern": {}, "revision": null, "target_modules": ["value", "query"], "task_type": "SEQ_CLS",
             "use_dora": false, "use_rslora": false}
            """.utf8).write(to: dir.appendingPathComponent("adapter_config.json"))
        var writer = SafeTensorsWriter(metadata: ["format": "pt"])
        let d = config.hiddenSize
        func values(_ n: Int, _ seed: Int) -> [Float] { (0..<n).map { Float(sin(Double($0 * 7919 + seed))) * 0.1 } }
        for l in 0..<config.layers {
            for (m, module) in ["query", "value"].enumerated() {
                let prefix = "base_model.model.bert.encoder.layer.\(l).attention.self.\(module)"
                try writer.add(prefix + ".lora_A.weight", shape: [8, d], floats: values(8 * d, 10 * l + m))
                try writer.add(prefix + ".lora_B.weight", shape: [d, 8], floats: values(8 * d, 100 + 10 * l + m))
            }
        }
        try writer.add("base_model.model.classifier.weight", shape: [2, d], floats: values(2 * d, 1000))
        try writer.add("base_model.model.classifier.bias", shape: [2], floats: [0, 0])
        try writer.write(to: dir.appendingPathComponent("adapter_model.safetensors"))
    }
}
