import Foundation
import GGUF
import XCTest
@testable import Tokenization

/// SmolLM2's tokenizer, built from its GGUF metadata, against the ids transformers gives
/// (`Tests/Fixtures/smollm2-tokenizer-cases.json`, written by scripts/make-gguf-fixtures.py).
final class SmolLM2TokenizerParityTests: XCTestCase {
    static let path = TestPaths.root.appendingPathComponent("models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf")

    struct Fixture: Decodable {
        struct Case: Decodable { var text: String; var ids: [Int32] }
        struct Generator: Decodable { var adds_bos: Bool; var adds_eos: Bool; var sha256: String }
        var generator: Generator
        var cases: [Case]
        var original_pipeline_differences: [Case]

        static func load() throws -> Fixture {
            let url = TestPaths.fixtures.appendingPathComponent("smollm2-tokenizer-cases.json")
            return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        }
    }

    /// The file's tokenizer. Fails (naming scripts/setup.sh) when the file is missing, or skips when
    /// `LORA_SKIP_CHECKPOINT_TESTS=1`.
    static func tokenizer() throws -> BPETokenizer {
        if !FileManager.default.fileExists(atPath: path.path) {
            if ProcessInfo.processInfo.environment["LORA_SKIP_CHECKPOINT_TESTS"] == "1" {
                throw XCTSkip("\(path.path) not installed; skipped because LORA_SKIP_CHECKPOINT_TESTS=1")
            }
            XCTFail("\(path.path) is missing: run scripts/setup.sh (or set LORA_SKIP_CHECKPOINT_TESTS=1)")
            throw TestPaths.CheckpointMissing()
        }
        return try BPETokenizer(gguf: GGUFFile(contentsOf: path))
    }

    func testConfiguration() throws {
        let tok = try Self.tokenizer()
        let fixture = try Fixture.load()
        XCTAssertEqual(tok.vocabularySize, 49152)
        XCTAssertEqual(tok.specialIds, BPETokenizer.SpecialIds(bos: 1, eos: 2, unknown: 0, padding: 2))
        XCTAssertEqual(tok.addsBos, fixture.generator.adds_bos)
        XCTAssertEqual(tok.addsEos, fixture.generator.adds_eos)
        XCTAssertEqual(tok.preTokenizer, .byteLevel)
        XCTAssertEqual(tok.addedTokenIds, Array(0..<17))
        XCTAssertEqual(tok.token(for: 1), "<|im_start|>")
        XCTAssertEqual(tok.id(for: "Ġthe"), 260)
        XCTAssertNil(tok.id(for: "definitely-not-a-token"))
    }

    /// Every recorded text gives identical ids.
    func testAllFixtureCases() throws {
        let tok = try Self.tokenizer()
        let fixture = try Fixture.load()
        XCTAssertGreaterThanOrEqual(fixture.cases.count, 60)
        var failures = 0
        for (index, c) in fixture.cases.enumerated() {
            let got = tok.encode(c.text)
            if got != c.ids {
                failures += 1
                XCTFail("""
                    case \(index) \(c.text.debugDescription):
                      HF   \(c.ids) \(c.ids.map { tok.token(for: $0) })
                      ours \(got) \(got.map { tok.token(for: $0) })
                    """)
            }
        }
        XCTAssertEqual(failures, 0, "\(failures) of \(fixture.cases.count) cases differ from transformers")
    }

    /// Decoding the ids gives the text back, byte for byte, less the bytes that have no token (which encoding drops).
    func testDecodeRoundTrips() throws {
        let tok = try Self.tokenizer()
        let dropped = Set(tok.bytesWithoutToken)
        XCTAssertEqual(tok.bytesWithoutToken, [0x04, 0x06, 0x13, 0x14, 0x16, 0x1D, 0xC0, 0xC1, 0xF1, 0xF2]
                       + Array(0xF5...0xFF))
        var droppedSomewhere = false
        for c in try Fixture.load().cases {
            let kept = Array(c.text.utf8).filter { !dropped.contains($0) }
            droppedSomewhere = droppedSomewhere || kept.count < c.text.utf8.count
            XCTAssertEqual(Array(tok.decode(c.ids).utf8), kept, c.text.debugDescription)
        }
        XCTAssertTrue(droppedSomewhere, "the fixture should hold a text with a byte that has no token")
    }

    /// The texts where SmolLM2's original pre-tokenizer (digits split first) differs from transformers' GGUF one
    /// really do differ here too: we follow transformers.
    func testOriginalPipelineDifferencesAreTransformers() throws {
        let tok = try Self.tokenizer()
        let fixture = try Fixture.load()
        XCTAssertFalse(fixture.original_pipeline_differences.isEmpty)
        let recorded = Dictionary(fixture.cases.map { ($0.text, $0.ids) }, uniquingKeysWith: { a, _ in a })
        for d in fixture.original_pipeline_differences {
            XCTAssertEqual(tok.encode(d.text), recorded[d.text], d.text.debugDescription)
            XCTAssertNotEqual(tok.encode(d.text), d.ids, d.text.debugDescription)
        }
    }
}
