import ArgumentParser
import Experiments
import Foundation
import LoRA
import Model
import Support
import Tokenization

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify texts with one or more trained adapters on one loaded base model (adapters swapped, not reloaded).",
        discussion: "Loads the checkpoint once, then for each --adapter in turn attaches its A, B (and, with --merged, adds ΔW = (α/r)·B·A into W, so the forward pass is the base model's), runs every input through the mean-pooled encoder and the run's classification head, and prints one JSON object per (adapter, input) on stdout: {\"adapter\", \"id\", \"label\", \"label_index\", \"probability\"}. For a causal LM (a GGUF checkpoint) each input is continued greedily instead (--max-new-tokens, stopping at end-of-text): {\"adapter\", \"id\", \"generation\", \"tokens\"}. A run folder keeps the head as head.safetensors beside adapter/; --head overrides it (one per --adapter, in order). Inputs: --text (repeatable; ids text-1, text-2, …) or --input FILE.jsonl with \"text\", optional \"text_pair\" and \"id\" per line.")

    @Argument(help: "Hugging Face checkpoint directory (config.json, model.safetensors, vocab.txt).")
    var checkpoint: String
    @Option(name: .customLong("adapter"), help: "A PEFT LoRA adapter directory (repeatable).") var adapters: [String] = []
    @Option(name: .customLong("head"), help: "The head.safetensors of the matching --adapter (repeatable; default: beside the adapter).")
    var heads: [String] = []
    @Option(help: "For a causal LM (a GGUF checkpoint): the most tokens generated per input (greedy; stops at end-of-text).")
    var maxNewTokens: Int = 32
    @Option(name: .customLong("text"), help: "A text to classify (repeatable).") var texts: [String] = []
    @Option(help: "JSON Lines of inputs: {\"text\": …, \"text_pair\": … (optional), \"id\": … (optional)}.") var input: String?
    @Flag(help: "Merge each adapter into W before predicting (then unmerge it before the next).") var merged = false
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        guard !adapters.isEmpty else { throw ValidationError("give at least one --adapter") }
        guard heads.isEmpty || heads.count == adapters.count else {
            throw ValidationError("--head is given \(heads.count) times for \(adapters.count) adapters; give one per --adapter or none")
        }
        guard maxNewTokens >= 1 else { throw ValidationError("--max-new-tokens must be at least 1") }
        guard texts.isEmpty != (input == nil) else { throw ValidationError("give either --text (one or more) or --input FILE.jsonl") }
    }

    func run() throws {
        try compute.apply()
        try reportingErrors {
            let loaded = try LoadedModel.load(checkpoint: URL(fileURLWithPath: checkpoint), name: checkpoint)
            let (model, tokenizer) = (loaded.model, loaded.tokenizer)
            let inputs = try readInputs()
            if let llama = model as? LlamaModel {
                guard let bpe = tokenizer as? BPETokenizer else { throw CLIFailure(message: "\(checkpoint): a Llama checkpoint without its BPE tokenizer", code: 1) }
                guard heads.isEmpty else { throw CLIFailure(message: "--head is for classifiers; a causal LM generates text", code: 2) }
                let entries = try adapters.map { path in (name: path, adapters: try PEFTAdapterFile.load(URL(fileURLWithPath: path), for: model).adapters) }
                for g in try Prediction.generate(model: llama, tokenizer: bpe, adapters: entries, inputs: inputs, merged: merged,
                                                 maxNewTokens: maxNewTokens) {
                    print("{\"adapter\":\(JSONValue.quoted(g.adapter)),\"id\":\(JSONValue.quoted(g.id)),\"generation\":\(JSONValue.quoted(g.text)),"
                          + "\"tokens\":[\(g.tokens.map(String.init).joined(separator: ","))]}")
                }
                return
            }
            var entries: [(name: String, adapters: [LoRAAdapter], head: Prediction.Head)] = []
            for (i, path) in adapters.enumerated() {
                let url = URL(fileURLWithPath: path)
                let read = try PEFTAdapterFile.load(url, for: model)
                let headURL = heads.isEmpty ? Self.defaultHead(for: url) : URL(fileURLWithPath: heads[i])
                entries.append((path, read.adapters, try Prediction.Head.read(headURL, width: model.hiddenSize)))
            }
            let rows = try Prediction.run(model: model, tokenizer: tokenizer, adapters: entries, inputs: inputs, merged: merged)
            for r in rows {
                print("{\"adapter\":\(JSONValue.quoted(r.adapter)),\"id\":\(JSONValue.quoted(r.id)),\"label\":\(JSONValue.quoted(r.label)),"
                      + "\"label_index\":\(r.labelIndex),\"probability\":\(String(format: "%.6f", r.probability))}")
            }
        }
    }

    /// head.safetensors in the adapter's parent folder (a run folder), else inside the adapter folder.
    static func defaultHead(for adapter: URL) -> URL {
        let beside = adapter.standardizedFileURL.deletingLastPathComponent().appendingPathComponent("head.safetensors")
        return FileManager.default.fileExists(atPath: beside.path) ? beside : adapter.appendingPathComponent("head.safetensors")
    }

    func readInputs() throws -> [Prediction.Input] {
        guard let input else { return texts.enumerated().map { Prediction.Input(id: "text-\($0.offset + 1)", text: $0.element) } }
        guard let data = FileManager.default.contents(atPath: input) else {
            throw CLIFailure(message: "\(input): cannot read the file", code: 1)
        }
        var out: [Prediction.Input] = []
        for (n, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let text = object["text"] as? String else {
                throw CLIFailure(message: "\(input):\(n + 1): expected a JSON object with a string \"text\"", code: 1)
            }
            let id = (object["id"].map { "\($0)" }) ?? "line-\(n + 1)"
            out.append(Prediction.Input(id: id, text: text, pair: object["text_pair"] as? String))
        }
        guard !out.isEmpty else { throw CLIFailure(message: "\(input): no inputs", code: 1) }
        return out
    }
}
