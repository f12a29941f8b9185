import Foundation
import XCTest
@testable import SafeTensors

/// The pinned all-MiniLM-L6-v2 checkpoint, when it has been downloaded to `models/` (skipped otherwise).
final class RealCheckpointTests: XCTestCase {
    private func checkpointURL() throws -> URL {
        let repoRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let url = repoRoot.appendingPathComponent("models/all-MiniLM-L6-v2/model.safetensors")
        try XCTSkipUnless(FileManager.default.fileExists(atPath: url.path), "checkpoint not present at \(url.path)")
        return url
    }

    func testMiniLMCheckpoint() throws {
        let file = try SafeTensorsFile(contentsOf: try checkpointURL())
        XCTAssertEqual(file.tensors.count, 104)
        XCTAssertEqual(file.metadata, ["format": "pt"])
        XCTAssertEqual(file.tensors.map(\.name), file.tensors.map(\.name).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })

        XCTAssertEqual(file.info("embeddings.word_embeddings.weight")?.shape, [30522, 384])
        XCTAssertEqual(file.info("embeddings.position_embeddings.weight")?.shape, [512, 384])
        XCTAssertEqual(file.info("encoder.layer.0.attention.self.query.weight")?.shape, [384, 384])
        XCTAssertEqual(file.info("encoder.layer.5.intermediate.dense.weight")?.shape, [1536, 384])
        XCTAssertEqual(file.info("encoder.layer.5.output.dense.weight")?.shape, [384, 1536])
        XCTAssertEqual(file.tensors.filter { $0.dtype == .f32 }.count, 103)

        XCTAssertEqual(try file.int64s("embeddings.position_ids"), (0..<512).map(Int64.init))
        let words = try file.floats("embeddings.word_embeddings.weight", shape: [30522, 384])
        XCTAssertEqual(words.count, 30522 * 384)
        XCTAssertTrue(words.allSatisfy(\.isFinite))
        let gamma = try file.floats("embeddings.LayerNorm.weight", shape: [384])
        XCTAssertTrue(gamma.allSatisfy { $0 > 0 && $0 < 10 }, "LayerNorm gains look implausible")
    }
}
