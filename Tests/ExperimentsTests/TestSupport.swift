import Foundation
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// Fixture files and a throwaway repository root for resolution tests.
enum Fixtures {
    /// `Tests/Fixtures/specs`, found from this file's path (the package declares no test resources).
    static let specs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/specs")

    static func data(_ name: String) throws -> Data { try Data(contentsOf: specs.appendingPathComponent(name)) }

    static func spec(_ name: String) throws -> ExperimentSpec { try ExperimentSpec.decode(data: data(name), file: name) }

    /// A spec from JSON text written in a test.
    static func spec(json: String, file: String = "test.json") throws -> ExperimentSpec {
        try ExperimentSpec.decode(data: Data(json.utf8), file: file)
    }

    /// MiniLM-L6's config.json (the keys ModelShape reads).
    static let miniLMConfig = """
    {"architectures": ["BertModel"], "hidden_size": 384, "intermediate_size": 1536, "num_attention_heads": 12,
     "num_hidden_layers": 6, "vocab_size": 30522, "max_position_embeddings": 512, "model_type": "bert"}
    """
}

/// A temporary directory, removed when the test case ends.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("spec-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    @discardableResult
    func write(_ relativePath: String, _ text: String) throws -> URL {
        let f = url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: f.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: f)
        return f
    }

    /// A repository root holding `models/all-MiniLM-L6-v2/config.json`.
    static func repository() throws -> TemporaryDirectory {
        let t = try TemporaryDirectory()
        try t.write("models/all-MiniLM-L6-v2/config.json", Fixtures.miniLMConfig)
        return t
    }
}

/// The `SpecError` thrown by `body`, failing the test if it throws nothing or something else.
func specError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> SpecError? {
    do {
        try body()
        XCTFail("expected a SpecError, got success", file: file, line: line)
    } catch let e as SpecError {
        return e
    } catch {
        XCTFail("expected a SpecError, got \(error)", file: file, line: line)
    }
    return nil
}
