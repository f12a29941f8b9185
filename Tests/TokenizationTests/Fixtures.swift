import Foundation
import XCTest
@testable import Tokenization

/// Paths and fixture loading shared by the tokenizer tests.
enum TestPaths {
    /// Repository root: this file is `<root>/Tests/TokenizationTests/Fixtures.swift`.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/Fixtures")
    static let checkpoint = root.appendingPathComponent("models/all-MiniLM-L6-v2")

    /// The checkpoint's tokenizer. Fails the test (naming scripts/setup.sh) when the checkpoint is missing,
    /// or skips it when `LORA_SKIP_CHECKPOINT_TESTS=1`.
    static func checkpointTokenizer(file: StaticString = #filePath, line: UInt = #line) throws -> BertTokenizer {
        let vocab = checkpoint.appendingPathComponent("vocab.txt")
        if !FileManager.default.fileExists(atPath: vocab.path) {
            if ProcessInfo.processInfo.environment["LORA_SKIP_CHECKPOINT_TESTS"] == "1" {
                throw XCTSkip("checkpoint not installed (\(vocab.path)); skipped because LORA_SKIP_CHECKPOINT_TESTS=1")
            }
            XCTFail("\(vocab.path) is missing: run scripts/setup.sh to install the all-MiniLM-L6-v2 checkpoint "
                    + "(or set LORA_SKIP_CHECKPOINT_TESTS=1 to skip checkpoint tests)", file: file, line: line)
            throw CheckpointMissing()
        }
        return try BertTokenizer(checkpointDirectory: checkpoint)
    }

    struct CheckpointMissing: Error, CustomStringConvertible {
        var description: String { "checkpoint missing: run scripts/setup.sh" }
    }
}

/// `Tests/Fixtures/tokenizer-cases.json`, written by `scripts/make-fixtures.py`.
struct TokenizerFixture: Decodable {
    struct Options: Decodable, Equatable {
        var lowercase: Bool
        var strip_accents: Bool?
        var tokenize_chinese_chars: Bool
    }
    struct Case: Decodable {
        var text: String
        var pair: String?
        var max_length: Int?
        var options: Options?
        var ids: [Int32]
        var type_ids: [Int32]
    }
    struct UnicodeSection: Decodable {
        var tokenizers: String
        var removed_by_clean_text: [[UInt32]]
        var whitespace_to_space: [UInt32]
        var whitespace: [UInt32]
        var punctuation: [[UInt32]]
        var chinese: [[UInt32]]
        var nonspacing_marks: [[UInt32]]
        var nfd_strip_except_hangul: [String: [UInt32]]
        var lowercase: [String: [UInt32]]
    }
    struct NormalizerCase: Decodable {
        var text: String
        var options: Options?
        var normalized: [UInt32]
    }
    var cases: [Case]
    var normalizer_cases: [NormalizerCase]
    var unicode: UnicodeSection

    static func load() throws -> TokenizerFixture {
        let url = TestPaths.fixtures.appendingPathComponent("tokenizer-cases.json")
        return try JSONDecoder().decode(TokenizerFixture.self, from: Data(contentsOf: url))
    }
}

/// Scalars of a string, for readable assertions on `normalize`.
func scalars(_ s: String) -> [UInt32] { s.unicodeScalars.map(\.value) }
