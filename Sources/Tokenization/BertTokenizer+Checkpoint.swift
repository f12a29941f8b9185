import Foundation
import Support

extension BertTokenizer {
    /// Reads a Hugging Face BERT checkpoint directory:
    ///
    /// - `vocab.txt` (required): UTF-8, one token per line, id = 0-based line index. Lines end at LF; one CR before
    ///   the LF is dropped (CRLF files); a final LF does not start another token. Nothing else is trimmed — like
    ///   transformers' `load_vocab`, which strips only the newline.
    /// - `tokenizer_config.json` (optional): `do_lower_case` (default true), `strip_accents` (default null, i.e. follow
    ///   `do_lower_case`), `tokenize_chinese_chars` (default true). Special-token names, if given, must be the
    ///   standard `[PAD] [UNK] [CLS] [SEP] [MASK]`, and `do_basic_tokenize` must not be false; anything else would
    ///   be tokenized differently from Hugging Face, so it is rejected. Other keys are ignored.
    ///
    /// - Throws: `TokenizerError` naming the file and line or key.
    public init(checkpointDirectory: URL) throws {
        let vocabURL = checkpointDirectory.appendingPathComponent("vocab.txt")
        let vocabulary = try Self.readVocabulary(vocabURL)
        var lowercase = true
        var stripAccents: Bool?
        var chinese = true
        let configURL = checkpointDirectory.appendingPathComponent("tokenizer_config.json")
        if FileManager.default.fileExists(atPath: configURL.path) {
            let config = try Self.readConfiguration(configURL)
            let path = configURL.path
            func bool(_ key: String) throws -> Bool?? {
                guard let value = config[key] else { return .none }
                if value is NSNull { return .some(nil) }
                if let b = value as? Bool, !(value is String) { return .some(b) }
                throw TokenizerError.invalidConfiguration(path: path, key: key, reason: "expected true, false or null")
            }
            if case .some(.some(let b)) = try bool("do_lower_case") { lowercase = b }
            if case .some(let b) = try bool("strip_accents") { stripAccents = b }
            if case .some(.some(let b)) = try bool("tokenize_chinese_chars") { chinese = b }
            if case .some(.some(false)) = try bool("do_basic_tokenize") {
                throw TokenizerError.invalidConfiguration(path: path, key: "do_basic_tokenize",
                                                          reason: "false is not supported (BERT basic tokenization is always applied)")
            }
            let names = Self.specialTokenNames
            for (key, expected) in [("pad_token", names.pad), ("unk_token", names.unk), ("cls_token", names.cls),
                                    ("sep_token", names.sep), ("mask_token", names.mask)] {
                guard let value = config[key], !(value is NSNull) else { continue }
                let name = (value as? String) ?? ((value as? [String: Any])?["content"] as? String)
                if name != expected {
                    throw TokenizerError.invalidConfiguration(path: path, key: key,
                                                              reason: "only \(expected) is supported, found \(String(describing: value))")
                }
            }
        }
        try self.init(vocabulary: vocabulary, lowercase: lowercase, stripAccents: stripAccents,
                      tokenizeChineseChars: chinese, source: vocabURL.path)
    }

    static func readVocabulary(_ url: URL) throws -> [String] {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TokenizerError.missingVocabularyFile(path: url.path)
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TokenizerError.unreadableFile(path: url.path, reason: FileSystemError.readFailure(url.path))
        }
        var tokens: [String] = []
        tokens.reserveCapacity(data.count / 7)
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                var stop = end
                if stop > start && bytes[stop - 1] == 0x0D { stop -= 1 }
                guard let token = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<stop]), as: UTF8.self) else {
                    throw TokenizerError.invalidUTF8(path: url.path, line: tokens.count + 1)
                }
                tokens.append(token)
                start = end + 1
            }
        }
        return tokens
    }

    static func readConfiguration(_ url: URL) throws -> [String: Any] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TokenizerError.unreadableFile(path: url.path, reason: FileSystemError.readFailure(url.path))
        }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw TokenizerError.invalidConfiguration(path: url.path, key: nil, reason: "not valid JSON (\(error))")
        }
        guard let dict = object as? [String: Any] else {
            throw TokenizerError.invalidConfiguration(path: url.path, key: nil, reason: "not a JSON object")
        }
        return dict
    }
}
