import Foundation
import LoRA
import Model
import Support
import Tokenization

/// What `inspect` does with a causal LM (the Llama family, from a GGUF file): the ids exactly as the checkpoint's
/// tokenizer gives them (special tokens only where it adds them — SmolLM2's adds none) and the logits of every
/// vocabulary entry at the final position, computed on the inference path (`LlamaModel.extend` with a fresh cache).
extension Inspect {
    func inspectCausalLM(_ model: LlamaModel, tokenizer: any Tokenizer, text: String) throws {
        guard pair == nil else { throw CLIFailure(message: "--pair is for encoder checkpoints; a causal LM reads one text", code: 2) }
        let ids = tokenizer.encode(text, pair: nil, maxLength: nil).ids
        guard !ids.isEmpty else { throw CLIFailure(message: "--text encodes to no tokens; give a non-empty text", code: 1) }
        guard ids.count <= model.config.maxPositions else {
            throw CLIFailure(message: "--text is \(ids.count) tokens, more than the model's \(model.config.maxPositions) positions; "
                             + "shorten it (inspect never truncates)", code: 1)
        }
        model.setTraining(false, modelDropout: false)
        let logits = try model.extend(ids, cache: LlamaKVCache(config: model.config, capacity: ids.count))   // (V)
        let nonFinite = logits.filter { !$0.isFinite }.count
        if nonFinite > 0 {
            let message = "the last position's logits have \(nonFinite) NaN or infinite values of \(logits.count)"
            if json { throw CLIFailure(message: "\(message); JSON cannot represent them, so nothing is printed", code: 1) }
            Console.info("warning: \(message)")
        }
        if json {
            let tokens = ids.map(String.init).joined(separator: ",")
            let pieces = ids.map { JSONValue.quoted(tokenizer.token(for: $0)) }.joined(separator: ",")
            let values = logits.map { "\($0)" }.joined(separator: ",")
            print("{\"tokens\":[\(tokens)],\"token_strings\":[\(pieces)],\"vocabulary_size\":\(logits.count),\"last_logits\":[\(values)]}")
        } else {
            print("tokens (\(ids.count)): " + ids.map { "\(tokenizer.token(for: $0))(\($0))" }.joined(separator: " "))
            let top = logits.indices.sorted { logits[$0] > logits[$1] }.prefix(5)
            print("next token, top 5 of \(logits.count) logits: "
                  + top.map { "\(tokenizer.token(for: Int32($0)))(\($0)) \(String(format: "%.4f", logits[$0]))" }.joined(separator: "  "))
        }
    }

    /// Architecture and adaptable matrices of a Llama checkpoint, and the attached adapter's matrices.
    func printLlamaSummary(_ model: LlamaModel, adapterConfig: PEFTAdapterConfig?) {
        let c = model.config
        print("checkpoint   \(checkpoint)")
        print("architecture \(model.architectureSummary)")
        print("vocabulary   \(c.vocabularySize) tokens, \(c.maxPositions) positions; output \(model.tiedEmbeddings ? "tied to the token embeddings" : "its own matrix")")
        print("adaptable matrices per layer (W is out × in; LoRA adds r·(in + out) parameters each):")
        for t in LlamaTarget.allCases {
            let (i, o) = model.dimensions(of: t)
            print("  \(t.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(o) × \(i)")
        }
        if let a = adapterConfig {
            print("adapter      r = \(a.r), α = \(a.loraAlpha)\(a.useRslora ? " (rsLoRA)" : ""), targets \(a.targetModules.displayText), \(model.adapters.count) matrices")
        }
    }
}
