import Foundation
import XCTest
@testable import Model

/// The Hub id written as an adapter's base_model_name_or_path.
final class HubModelIDTests: XCTestCase {
    func testHuggingFaceCacheSnapshotsNameTheirRepository() {
        let snapshot = URL(fileURLWithPath: "/home/u/.cache/huggingface/hub/models--sentence-transformers--all-MiniLM-L6-v2/snapshots/c9745ed1")
        XCTAssertEqual(HubModelID.cacheSnapshotID(snapshot), "sentence-transformers/all-MiniLM-L6-v2")
        XCTAssertEqual(HubModelID.cacheSnapshotID(URL(fileURLWithPath: "/c/models--bert-base-uncased/snapshots/abc")), "bert-base-uncased")
        XCTAssertNil(HubModelID.cacheSnapshotID(URL(fileURLWithPath: "/srv/models/all-MiniLM-L6-v2")))
        XCTAssertNil(HubModelID.cacheSnapshotID(URL(fileURLWithPath: "/c/datasets--x--y/snapshots/abc")))
    }

    /// Weights are known by their SHA-256; other weights, or a folder without model.safetensors, have no Hub id.
    func testWeightsAreKnownByTheirDigestOnly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lora-hubid-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertNil(try HubModelID.resolve(checkpointDirectory: dir))
        try Data("abc".utf8).write(to: dir.appendingPathComponent("model.safetensors"))
        XCTAssertEqual(try HubModelID.sha256(of: dir.appendingPathComponent("model.safetensors")),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertNil(try HubModelID.resolve(checkpointDirectory: dir))
    }

    /// The default checkpoint (installed by scripts/setup.sh) resolves to its Hub id.
    func testDefaultCheckpointResolvesToSentenceTransformers() throws {
        _ = try MiniLMParityTests.loadModel()   // skips or fails as the other checkpoint tests do when it is missing
        let dir = MiniLMParityTests.root.appendingPathComponent("models/all-MiniLM-L6-v2")
        XCTAssertEqual(try HubModelID.resolve(checkpointDirectory: dir), "sentence-transformers/all-MiniLM-L6-v2")
    }
}
