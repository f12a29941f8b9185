import GGUF

/// Building a `BPETokenizer` from a GGUF file's tokenizer metadata (ggml `docs/gguf.md`, "Tokenizer"), as transformers'
/// GGUF converter does (`integrations/gguf/gguf_tokenizer_mapping.py`, transformers 5.24):
///
/// - `tokenizer.ggml.model` must be `gpt2` (byte-level BPE);
/// - `tokenizer.ggml.tokens` (array of string) and `tokenizer.ggml.merges` (array of string) are required;
/// - `tokenizer.ggml.token_type` (array of integers) is optional: control (3) and user-defined (4) tokens are
///   matched whole in raw text;
/// - `tokenizer.ggml.bos_token_id`, `eos_token_id`, `unknown_token_id`, `padding_token_id` are optional;
/// - `tokenizer.ggml.add_bos_token` / `add_eos_token` (bool) say whether `encode` adds them; absent means false,
///   transformers' default for a `gpt2` tokenizer;
/// - `tokenizer.ggml.pre` picks the split rule. transformers applies its own split for the names in its table
///   (`llama-bpe`, `qwen2`, …; not implemented here, so refused) and `tokenizers`' `ByteLevel` regex for any other
///   name; the names accepted here are those for which llama.cpp's rule is GPT-2's regex, with or without splitting
///   digits first (`gpt-2`, `smollm`, `starcoder`, `refact`, `codeshell`), and an absent key;
/// - `tokenizer.ggml.add_space_prefix` is ignored, as transformers ignores it for `gpt2` vocabularies.
///
/// Missing keys and wrongly typed values throw `GGUFError` (naming the file and key); the rest `BPETokenizerError`.
extension BPETokenizer {
    /// The `tokenizer.ggml.pre` values accepted, each with the rule transformers applies for it.
    public static let ggufPreTokenizers: [String: PreTokenizer] = [
        "gpt-2": .byteLevel, "smollm": .byteLevel, "starcoder": .byteLevel, "refact": .byteLevel, "codeshell": .byteLevel,
    ]

    /// The tokenizer described by a GGUF file's metadata.
    public init(gguf file: GGUFFile) throws {
        try self.init(ggufMetadata: file.metadata)
    }

    /// The tokenizer described by GGUF metadata (read from a file, or built in memory).
    public init(ggufMetadata m: GGUFMetadata) throws {
        let model = try m.string("tokenizer.ggml.model")
        guard model == "gpt2" else { throw BPETokenizerError.unsupportedModel(source: m.label, model: model) }
        var preTokenizer = PreTokenizer.byteLevel
        if m.contains("tokenizer.ggml.pre") {
            let name = try m.string("tokenizer.ggml.pre")
            guard let rule = Self.ggufPreTokenizers[name] else {
                throw BPETokenizerError.unsupportedPreTokenizer(
                    source: m.label, name: name, supported: Self.ggufPreTokenizers.keys.sorted().joined(separator: ", "))
            }
            preTokenizer = rule
        }
        func optionalId(_ key: String) throws -> Int32? {
            guard m.contains(key) else { return nil }
            let id = try m.int(key)
            guard let narrow = Int32(exactly: id) else {
                throw GGUFError.valueOutOfRange(file: m.label, key: key, value: "\(id)", range: "0...\(Int32.max)")
            }
            return narrow
        }
        let ids = SpecialIds(bos: try optionalId("tokenizer.ggml.bos_token_id"), eos: try optionalId("tokenizer.ggml.eos_token_id"),
                             unknown: try optionalId("tokenizer.ggml.unknown_token_id"),
                             padding: try optionalId("tokenizer.ggml.padding_token_id"))
        try self.init(tokens: try m.strings("tokenizer.ggml.tokens"), merges: try m.strings("tokenizer.ggml.merges"),
                      tokenTypes: m.contains("tokenizer.ggml.token_type") ? try m.ints("tokenizer.ggml.token_type") : nil,
                      specialIds: ids,
                      addsBos: m.contains("tokenizer.ggml.add_bos_token") ? try m.bool("tokenizer.ggml.add_bos_token") : false,
                      addsEos: m.contains("tokenizer.ggml.add_eos_token") ? try m.bool("tokenizer.ggml.add_eos_token") : false,
                      preTokenizer: preTokenizer, source: m.label)
    }
}
