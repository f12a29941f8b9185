import Foundation
import LoRA
import Model
import Tokenization

/// `experiment predict` on a causal LM (the Llama family): each adapter in turn is swapped in exactly as for a
/// classifier (`Prediction.run`), and every input is continued greedily (`LlamaModel.generateGreedy`, with a key/value
/// cache) up to `maxNewTokens` tokens or the tokenizer's end-of-text token.
extension Prediction {
    /// One continuation: its token ids (the end-of-text token included when it was produced) and their text.
    public struct Generation: Sendable, Equatable {
        public var adapter: String
        public var id: String
        public var tokens: [Int32]
        public var text: String
    }

    /// Greedy continuations of every input under each adapter in turn; the model ends with no adapter attached, W unmerged.
    public static func generate(model: LlamaModel, tokenizer: BPETokenizer, adapters: [(name: String, adapters: [LoRAAdapter])],
                                inputs: [Input], merged: Bool, maxNewTokens: Int) throws -> [Generation] {
        let prompts = inputs.map { tokenizer.encode($0.text) }
        if let empty = prompts.firstIndex(where: \.isEmpty) {
            throw ReportError.invalidInput(file: "input '\(inputs[empty].id)'", reason: "encodes to no tokens; a causal LM needs a prompt to continue")
        }
        let cache = LlamaKVCache(config: model.config, capacity: min(model.config.maxPositions, (prompts.map(\.count).max() ?? 0) + maxNewTokens))
        var out: [Generation] = []
        model.detachAdapters()
        defer { model.detachAdapters() }
        for entry in adapters {
            try model.attach(entry.adapters)
            model.setTraining(false)
            let linears = entry.adapters.compactMap { model.linear(layer: $0.layer, site: $0.site) }
            if merged { for l in linears { try l.merge() } }
            defer {
                if merged { for l in linears { try? l.unmerge() } }
                model.detachAdapters()
            }
            for (i, prompt) in prompts.enumerated() {
                let ids = try model.generateGreedy(prompt: prompt, maxNewTokens: maxNewTokens, endOfText: tokenizer.specialIds.eos, cache: cache)
                out.append(Generation(adapter: entry.name, id: inputs[i].id, tokens: ids, text: tokenizer.decode(ids)))
            }
        }
        return out
    }
}
