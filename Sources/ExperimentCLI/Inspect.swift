import ArgumentParser
import Foundation
import LinearAlgebra
import LoRA
import Model
import Support
import Experiments
import Tokenization

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise a checkpoint (and an adapter), or encode a text and print its mean-pooled final hidden state.",
        discussion: "The checkpoint is a Hugging Face folder (BERT encoders) or a llama.cpp GGUF file, or a folder holding exactly one (Llama decoders). Without --text: architecture, parameter counts and the matrices LoRA can adapt. With --text \"…\" --json: one JSON object on stdout with \"tokens\" (ids exactly as the checkpoint's tokenizer gives them: [CLS]/[SEP] included for BERT, no special tokens for SmolLM2's tokenizer) and, for an encoder, \"pooled\" (the mean over all those tokens of the final hidden states), for a causal LM \"last_logits\" (the logits of every vocabulary entry at the final position). A text longer than the model's positions is an error (never truncated). A pooled state holding NaN or ±∞ (non-finite weights in the checkpoint or adapter) is an error with --json, since JSON cannot represent it (exit 1, nothing on stdout), and a warning naming the first non-finite tensor without.")

    @Argument(help: "Hugging Face checkpoint directory (config.json, model.safetensors, vocab.txt), or a GGUF file (or a folder holding one).")
    var checkpoint: String
    @Option(help: "A PEFT LoRA adapter directory to apply (adapter_config.json + adapter_model.safetensors).")
    var adapter: String?
    @Option(help: "Text to encode.") var text: String?
    @Option(help: "Second segment of a sentence pair (token type 1).") var pair: String?
    @Flag(help: "Machine-readable output: one JSON object on stdout, nothing else.") var json = false
    @OptionGroup var compute: ComputeOptions

    func run() throws {
        try compute.apply()
        try reportingErrors {
            let loaded = try LoadedModel.load(checkpoint: URL(fileURLWithPath: checkpoint), name: checkpoint)
            let model = loaded.model
            var adapterConfig: PEFTAdapterConfig?
            if let adapter {
                let contents = try PEFTAdapterFile.load(URL(fileURLWithPath: adapter), for: model)
                if let note = AdapterNotes.ignoredTensors(contents, directory: adapter) { Console.info(note) }
                try model.attach(contents.adapters)
                adapterConfig = contents.config
            }
            guard let text else {
                if json { throw CLIFailure(message: "--json needs --text", code: 2) }
                if let llama = model as? LlamaModel { printLlamaSummary(llama, adapterConfig: adapterConfig); return }
                try printSummary(model, adapterConfig: adapterConfig)
                return
            }
            let tokenizer = loaded.tokenizer
            if let llama = model as? LlamaModel {
                try inspectCausalLM(llama, tokenizer: tokenizer, text: text)
                return
            }
            let encoding = tokenizer.encode(text, pair: pair, maxLength: nil)
            guard encoding.count <= model.maxPositions else {
                throw CLIFailure(message: "--text\(pair == nil ? "" : " with --pair") is \(encoding.count) tokens ([CLS] and [SEP] "
                                 + "included), more than the model's \(model.maxPositions) positions; shorten it (inspect never truncates)", code: 1)
            }
            let batch = Batch(packing: [(encoding.ids, encoding.typeIds)])
            let workspace = model.makeWorkspace(forInference: true)
            let d = model.hiddenSize
            let pooled = FloatBuffer(capacity: d)
            try withExtendedLifetime(workspace) {   // the returned view points into the workspace
                let hidden = try model.forward(batch, in: workspace)
                Pooling.mean.forward(out: pooled.p, hidden: hidden.base, mask: batch.mask, offsets: batch.offsets, width: d)
            }
            let values = pooled.array(d)
            let nonFinite = values.filter { !$0.isFinite }.count
            if nonFinite > 0 {
                let source = Self.firstNonFiniteTensor(model).map { t in
                    "; tensor '\(t.name)' of \(t.inAdapter ? (adapter ?? "the adapter") + "/adapter_model.safetensors" : checkpoint + "/model.safetensors") holds NaN or infinite values"
                } ?? ""
                let message = "the pooled hidden state has \(nonFinite) NaN or infinite values of \(d)\(source)"
                if json { throw CLIFailure(message: "\(message); JSON cannot represent them, so nothing is printed", code: 1) }
                Console.info("warning: \(message)")
            }
            if json {
                let tokens = encoding.ids.map(String.init).joined(separator: ",")
                let pieces = encoding.ids.map { JSONValue.quoted(tokenizer.token(for: $0)) }.joined(separator: ",")
                let floats = values.map { "\($0)" }.joined(separator: ",")
                print("{\"tokens\":[\(tokens)],\"token_strings\":[\(pieces)],\"type_ids\":[\(encoding.typeIds.map(String.init).joined(separator: ","))],\"hidden_size\":\(d),\"pooled\":[\(floats)]}")
            } else {
                print("tokens (\(encoding.ids.count)): " + encoding.ids.map { "\(tokenizer.token(for: $0))(\($0))" }.joined(separator: " "))
                let norm = values.map { Double($0) * Double($0) }.reduce(0, +).squareRoot()
                print("pooled: \(d) values, ‖pooled‖₂ = \(String(format: "%.6f", norm)); first 8: " + values.prefix(8).map { String(format: "%.6f", $0) }.joined(separator: " "))
            }
        }
    }
}
