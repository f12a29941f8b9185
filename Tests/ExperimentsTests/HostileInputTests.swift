import Foundation
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// Malformed-input corpus, model shapes and `analyze` inputs: each is refused with an exact message.
final class HostileInputTests: XCTestCase {
    /// ModelShape (plan resolution) bounds config.json sizes before any budget arithmetic.
    func testModelShapeRefusesHugeSizes() {
        let cases: [(String, String, String)] = [
            ("num_hidden_layers", "1000000000000", "1000000000000 exceeds the largest supported value 1024"),
            ("hidden_size", "3458764513820540928", "3458764513820540928 exceeds the largest supported value 65536"),
            ("vocab_size", "0", "must be ≥ 1, got 0"),
        ]
        for (key, value, reason) in cases {
            let json = Fixtures.miniLMConfig.replacingOccurrences(of: #""\#(key)": "#, with: #""\#(key)": \#(value), "ignored_\#(key)": "#)
            XCTAssertThrowsError(try ModelShape(huggingFaceConfig: Data(json.utf8), file: "config.json")) { error in
                XCTAssertEqual("\(error)", "config.json: \(key): \(reason)", key)
            }
        }
    }

    /// The same adapter folder twice (however spelled) and φ bounds below 1 are refused before anything is read.
    func testAnalyzeInputs() throws {
        let t = try TemporaryDirectory()
        let a = t.url.appendingPathComponent("a")
        try FileManager.default.createDirectory(at: a, withIntermediateDirectories: true)
        let alias = t.url.appendingPathComponent("alias")
        try FileManager.default.createSymbolicLink(at: alias, withDestinationURL: a)
        let path = a.resolvingSymlinksInPath().path
        let cases: [([URL], Int, Int, String)] = [
            ([a, a], 8, 64, "adapter directory \(path) is given twice (arguments 1 and 2); an adapter compared with itself has φ = 1"),
            ([a, t.url.appendingPathComponent("x/../a")], 8, 64, "adapter directory \(path) is given twice (arguments 1 and 2); an adapter compared with itself has φ = 1"),
            ([t.url, a, alias], 8, 64, "adapter directory \(path) is given twice (arguments 2 and 3); an adapter compared with itself has φ = 1"),
            ([a], 0, 64, "--max-i must be at least 1, got 0"),
            ([a], 8, -5, "--max-j must be at least 1, got -5"),
        ]
        for (dirs, maxI, maxJ, message) in cases {
            let options = AdapterAnalysis.options(maxI: maxI, maxJ: maxJ)
            XCTAssertThrowsError(try AdapterAnalysis.analyze(adapterDirectories: dirs, baseWeights: { _, _ in fatalError("no weights read") },
                                                             options: options, outputDirectory: t.url.appendingPathComponent("out"))) { error in
                XCTAssertEqual("\(error)", message)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: t.url.appendingPathComponent("out").path), "nothing written")
        }
    }
}

extension HostileInputTests {
    /// An epoch count whose step total exceeds `Int` is capped at 2⁵³ instead of trapping.
    func testAbsurdEpochCountDoesNotTrap() throws {
        let spec = try Fixtures.spec(json: #"{"name": "e", "model": {"builtin": "tiny"}, "task": {"kind": "planted-rank"}, "adapters": [{"targets": ["q"], "ranks": [1]}], "training": {"epochs": 1e300}}"#)
        XCTAssertEqual(spec.training.totalSteps(trainExamples: 100), 1 << 53)
    }
}

extension HostileInputTests {
    /// Relative data paths are looked up in the spec's folder first, then under the repository root; a missing file
    /// names both places.
    func testDataPathsResolveAgainstTheSpecFolder() throws {
        let t = try TemporaryDirectory.repository()
        try t.write("mine/data/train.jsonl", #"{"text": "a", "label": "x"}"#)
        try t.write("shared/validation.jsonl", #"{"text": "a", "label": "x"}"#)
        let json = { (train: String) in
            #"{"name": "d", "model": {"builtin": "tiny"}, "task": {"kind": "jsonl", "train": "\#(train)", "validation": "shared/validation.jsonl"}, "adapters": [{"targets": ["q"], "ranks": [1]}], "training": {"steps": 1}}"#
        }
        let spec = try Fixtures.spec(json: json("data/train.jsonl"))
        let folder = t.url.appendingPathComponent("mine")
        let plan = try RunPlan.resolve(spec, modelShape: .miniLML6, baseDirectory: t.url, file: "mine/d.json", specDirectory: folder)
        XCTAssertEqual(plan.dataDirectory, folder)
        XCTAssertEqual(SpecPaths.resolveData("data/train.jsonl", specDirectory: folder, repositoryRoot: t.url).path,
                       folder.appendingPathComponent("data/train.jsonl").path)
        XCTAssertEqual(SpecPaths.resolveData("shared/validation.jsonl", specDirectory: folder, repositoryRoot: t.url).path,
                       t.url.appendingPathComponent("shared/validation.jsonl").path, "repository root as the fallback")
        let missing = try Fixtures.spec(json: json("data/none.jsonl"))
        XCTAssertEqual(specError { _ = try RunPlan.resolve(missing, modelShape: .miniLML6, baseDirectory: t.url, file: "mine/d.json", specDirectory: folder) }?.description,
                       "mine/d.json: task.train: file 'data/none.jsonl' not found (relative data paths are resolved against the spec's folder \(folder.path), then the repository root \(t.url.path))")
    }
}
