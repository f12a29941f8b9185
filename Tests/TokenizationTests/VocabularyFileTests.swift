import Foundation
import XCTest
@testable import Tokenization

/// Reading checkpoint directories: typed errors that name the file and the line or token.
final class VocabularyFileTests: XCTestCase {
    private var directory: URL!
    static let specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tok-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: directory.appendingPathComponent(name))
    }

    private func write(vocab lines: [String], terminator: String = "\n") throws {
        try write("vocab.txt", Array(lines.map { $0 + terminator }.joined().utf8))
    }

    private func loadError() -> TokenizerError? {
        do {
            _ = try BertTokenizer(checkpointDirectory: directory)
            XCTFail("expected an error")
            return nil
        } catch let error as TokenizerError {
            return error
        } catch {
            XCTFail("untyped error \(error)")
            return nil
        }
    }

    func testMissingVocabularyFile() {
        let error = loadError()
        let path = directory.appendingPathComponent("vocab.txt").path
        XCTAssertEqual(error, .missingVocabularyFile(path: path))
        XCTAssertTrue(error?.description.contains(path) ?? false, error?.description ?? "")
    }

    func testMissingSpecialTokens() throws {
        for missing in Self.specials {
            try write(vocab: Self.specials.filter { $0 != missing } + ["hello"])
            let error = loadError()
            let path = directory.appendingPathComponent("vocab.txt").path
            XCTAssertEqual(error, .missingSpecialToken(token: missing, source: path))
            let text = error?.description ?? ""
            XCTAssertTrue(text.contains("vocab.txt") && text.contains(missing), text)
        }
    }

    func testDuplicateTokenNamesLine() throws {
        try write(vocab: Self.specials + ["hello", "world", "hello"])
        let error = loadError()
        XCTAssertEqual(error, .duplicateToken(token: "hello", line: 8, firstLine: 6,
                                              source: directory.appendingPathComponent("vocab.txt").path))
        let text = error?.description ?? ""
        XCTAssertTrue(text.contains("vocab.txt") && text.contains("line 8") && text.contains("\"hello\""), text)
    }

    /// Canonically equivalent but different code points are different tokens, not duplicates.
    func testCanonicalEquivalentsAreDistinct() throws {
        try write(vocab: Self.specials + ["\u{E9}", "e\u{301}"])
        let tok = try BertTokenizer(checkpointDirectory: directory)
        XCTAssertEqual(tok.id(for: "\u{E9}"), 5)
        XCTAssertEqual(tok.id(for: "e\u{301}"), 6)
    }

    func testInvalidUTF8NamesLine() throws {
        try write("vocab.txt", Array((Self.specials.joined(separator: "\n") + "\nok\n").utf8) + [0x66, 0xFF, 0x0A])
        let error = loadError()
        XCTAssertEqual(error, .invalidUTF8(path: directory.appendingPathComponent("vocab.txt").path, line: 7))
        XCTAssertTrue(error?.description.contains("line 7") ?? false)
    }

    func testEmptyVocabulary() throws {
        try write("vocab.txt", [])
        XCTAssertEqual(loadError(), .emptyVocabulary(source: directory.appendingPathComponent("vocab.txt").path))
    }

    func testLineEndings() throws {
        try write(vocab: Self.specials + ["a b", " lead", "trail "], terminator: "\r\n")
        let tok = try BertTokenizer(checkpointDirectory: directory)
        XCTAssertEqual(tok.vocabularySize, 8)
        XCTAssertEqual(tok.token(for: 5), "a b")
        XCTAssertEqual(tok.token(for: 6), " lead")
        XCTAssertEqual(tok.token(for: 7), "trail ", "only the line break is removed, as in transformers' load_vocab")
        // No final newline: the last line is still a token.
        try write("vocab.txt", Array((Self.specials + ["last"]).joined(separator: "\n").utf8))
        XCTAssertEqual(try BertTokenizer(checkpointDirectory: directory).id(for: "last"), 5)
    }

    func testConfigurationIsRead() throws {
        try write(vocab: Self.specials + ["Hello", "hello", "café", "cafe"])
        XCTAssertEqual(try BertTokenizer(checkpointDirectory: directory).tokenize("Hello"), ["hello"], "defaults: lowercase")
        try write("tokenizer_config.json", Array(#"{"do_lower_case": false, "strip_accents": null, "unk_token": "[UNK]"}"#.utf8))
        let cased = try BertTokenizer(checkpointDirectory: directory)
        XCTAssertFalse(cased.lowercase)
        XCTAssertNil(cased.stripAccents)
        XCTAssertEqual(cased.tokenize("Hello café"), ["Hello", "café"])
        try write("tokenizer_config.json", Array(#"{"do_lower_case": true, "strip_accents": false, "tokenize_chinese_chars": false}"#.utf8))
        let t = try BertTokenizer(checkpointDirectory: directory)
        XCTAssertEqual(t.stripAccents, false)
        XCTAssertFalse(t.tokenizeChineseChars)
        XCTAssertEqual(t.tokenize("CAFÉ"), ["café"])
        try write("tokenizer_config.json", Array(#"{"mask_token": {"content": "[MASK]", "lstrip": true}}"#.utf8))
        XCTAssertNoThrow(try BertTokenizer(checkpointDirectory: directory))
    }

    func testBadConfiguration() throws {
        try write(vocab: Self.specials)
        let path = directory.appendingPathComponent("tokenizer_config.json").path
        try write("tokenizer_config.json", Array(#"{"do_lower_case": "yes"}"#.utf8))
        var error = loadError()
        if case .invalidConfiguration(let p, let key, _)? = error { XCTAssertEqual(p, path); XCTAssertEqual(key, "do_lower_case") } else { XCTFail("\(String(describing: error))") }
        XCTAssertTrue(error?.description.contains("tokenizer_config.json") ?? false)
        try write("tokenizer_config.json", Array(#"{"unk_token": "<unk>"}"#.utf8))
        error = loadError()
        if case .invalidConfiguration(_, let key, _)? = error { XCTAssertEqual(key, "unk_token") } else { XCTFail("\(String(describing: error))") }
        try write("tokenizer_config.json", Array("[1, 2]".utf8))
        error = loadError()
        if case .invalidConfiguration(_, let key, _)? = error { XCTAssertNil(key) } else { XCTFail("\(String(describing: error))") }
        try write("tokenizer_config.json", Array("{not json".utf8))
        error = loadError()
        XCTAssertTrue(error?.description.contains("tokenizer_config.json") ?? false)
    }

    func testInMemoryVocabularyErrors() {
        XCTAssertThrowsError(try BertTokenizer(vocabulary: ["[PAD]", "[UNK]", "[CLS]", "[SEP]"])) { error in
            XCTAssertEqual(error as? TokenizerError, .missingSpecialToken(token: "[MASK]", source: "in-memory vocabulary"))
        }
        XCTAssertThrowsError(try BertTokenizer(vocabulary: Self.specials + ["[UNK]"])) { error in
            XCTAssertEqual(error as? TokenizerError,
                           .duplicateToken(token: "[UNK]", line: 6, firstLine: 2, source: "in-memory vocabulary"))
        }
        XCTAssertThrowsError(try BertTokenizer(vocabulary: [])) { error in
            XCTAssertEqual(error as? TokenizerError, .emptyVocabulary(source: "in-memory vocabulary"))
        }
    }
}
