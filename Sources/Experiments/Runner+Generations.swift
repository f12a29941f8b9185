import Foundation
import LoRA
import Model
import Tasks
import Tokenization

extension GenerationRecord {
    /// Greedy continuations (`LlamaModel.generateGreedy`, KV cache, at most `maxNewTokens` tokens or until the task's
    /// end-of-text token) of `task.generationPrompts`, first with the adapters attached to `model` now (the fine-tuned
    /// model), then with none (the base model); the adapters are attached again afterwards, adapter dropout off
    /// throughout. Prompts are the training prompts' token ids exactly (`TokenizedGenerationExample.promptIds`).
    static func generate(_ task: GenerationTaskData, model: LoadedModel) throws -> GenerationRecord {
        let llama = try model.llama(for: "greedy generation")
        let tokenizer = try model.bpeTokenizer(for: "greedy generation")
        let eos = task.data.endOfText
        let attached = llama.adapters
        llama.setTraining(false)
        defer { llama.setTraining(true) }
        let longest = task.generationPrompts.map(\.promptTokens).max() ?? 0
        let cache = LlamaKVCache(config: llama.config, capacity: min(llama.config.maxPositions, longest + task.maxNewTokens))
        func continuations() throws -> [[Int32]] {
            try task.generationPrompts.map {
                try llama.generateGreedy(prompt: $0.promptIds, maxNewTokens: task.maxNewTokens, endOfText: eos, cache: cache)
            }
        }
        let tuned = try continuations()
        llama.detachAdapters()
        let base = try continuations()
        try llama.attach(attached)
        func text(_ ids: [Int32]) -> (String, Bool) {
            ids.last == eos ? (tokenizer.decode(Array(ids.dropLast())), true) : (tokenizer.decode(ids), false)
        }
        let entries = task.generationPrompts.enumerated().map { i, e -> Entry in
            let (b, bs) = text(base[i]), (t, ts) = text(tuned[i])
            return Entry(id: e.id, prompt: tokenizer.decode(e.promptIds), reference: text(e.targetIds).0,
                         base: b, baseStopped: bs, tuned: t, tunedStopped: ts)
        }
        return GenerationRecord(maxNewTokens: task.maxNewTokens, entries: entries)
    }
}
