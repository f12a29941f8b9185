import Foundation
import XCTest
import LinearAlgebra
import LoRA
import SafeTensors
@testable import Model

/// Malformed-input corpus, PEFT adapter_config.json: each defect is refused with the file, the field and the reason;
/// string target_modules (a regex or a single name) are accepted where they select the adapted modules.
final class PEFTAdapterConfigErrorTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("lora-peft-cfg-\(UUID().uuidString)")
        let model = BertModel.random(config: ModelGradientTests.config, seed: 1)
        let adapters = model.attachAdapters(targets: [.q, .v], parameters: LoRAParameters(rank: 2, alpha: 4), initSeed: 3)
        try PEFTAdapterFile.write(adapters, to: dir, baseModel: "m", harness: nil)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func dims(_ t: LoRATarget) -> (inFeatures: Int, outFeatures: Int) { t.dimensions(hidden: 8, intermediate: 12) }

    /// The error (or "ok") for an adapter_config.json whose other fields are valid, with `fields` spliced in.
    func read(_ fields: String) -> String {
        let json = #"{"peft_type": "LORA", "#
            + (fields.contains("\"r\"") ? "" : #""r": 2, "#)
            + (fields.contains("lora_alpha") ? "" : #""lora_alpha": 4, "#)
            + (fields.contains("target_modules") ? "" : #""target_modules": ["query", "value"], "#) + fields + "}"
        do {
            try Data(json.utf8).write(to: dir.appendingPathComponent("adapter_config.json"))
            _ = try PEFTAdapterFile.read(dir, dimensions: dims, layers: 2)
            return "ok"
        } catch { return "\(error)" }
    }

    func testEveryDefectNamesFileFieldAndReason() {
        let file = dir.appendingPathComponent("adapter_config.json").path
        let supported = "encoder.layer.<L>. followed by attention.self.query, attention.self.key, attention.self.value, "
            + "attention.output.dense, intermediate.dense or output.dense"
        let cases: [(String, String)] = [
            (#""use_rslora": false"#, "ok"),
            (#""target_modules": ["qury", "value"]"#, "field 'target_modules': entry \"qury\" names no module this harness can adapt (\(supported))"),
            (#""target_modules": []"#, "field 'target_modules': is an empty list: it names no module"),
            (#""target_modules": "(q|v)proj""#, "field 'target_modules': \"(q|v)proj\" matches no module this harness can adapt (\(supported))"),
            (#""target_modules": "(query""#, "field 'target_modules': \"(query\" is not a valid regular expression"),
            (#""target_modules": ".*key""#, "field 'target_modules': does not select encoder.layer.0.attention.self.query, which adapter_model.safetensors adapts"),
            (#""target_modules": ["query"]"#, "field 'target_modules': does not select encoder.layer.0.attention.self.value, which adapter_model.safetensors adapts"),
            (#""target_modules": 5"#, "field 'target_modules': expected a list, got a number"),
            (#""lora_alpha": 0"#, "field 'lora_alpha': must be a number > 0, got 0.0"),
            (#""lora_alpha": -8"#, "field 'lora_alpha': must be a number > 0, got -8.0"),
            (#""bias": "all""#, "field 'bias': only \"none\" is supported (an adapter with bias \"all\" also trains biases, which this harness neither reads nor applies), got \"all\""),
            (#""r": "2""#, "field 'r': expected an integer, got a string"),
            (#""use_dora": true"#, "field 'use_dora': DoRA adapters (a learned magnitude beside B·A) are not supported"),
            (#""use_dora": false, "rank_pattern": {}, "alpha_pattern": {}"#, "ok"),
            (#""rank_pattern": {"query": 4}"#, "field 'rank_pattern': per-module ranks or α are not supported (every module must use r and lora_alpha)"),
            (#""alpha_pattern": {"value": 16}"#, "field 'alpha_pattern': per-module ranks or α are not supported (every module must use r and lora_alpha)"),
        ]
        for (fields, expected) in cases {
            let got = read(fields)
            XCTAssertEqual(got, expected == "ok" ? "ok" : "\(file): \(expected)", fields)
        }
    }

    /// PEFT's string forms: a regular expression over the whole module name, or a single module name.
    func testStringTargetModulesThatSelectTheAdaptedModulesAreAccepted() {
        for pattern in [#".*\\.(query|value)"#, #"encoder\\.layer\\.\\d+\\.attention\\.self\\.(query|value)"#, #"bert\\.encoder.*(query|value)"#] {
            XCTAssertEqual(read(#""target_modules": ""# + pattern + #"""#), "ok", pattern)
        }
        XCTAssertTrue(PEFTTargetModules.pattern("query").selects("encoder.layer.1.attention.self.query"), "a single name")
        XCTAssertFalse(PEFTTargetModules.pattern("query").selects("encoder.layer.1.attention.self.value"))
    }
}
