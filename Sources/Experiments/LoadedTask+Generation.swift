import Foundation
import Model
import Tasks
import Tokenization

/// A generation task's data as the runner holds it: the tokenized splits and what the runner generates for the report.
public struct GenerationTaskData: Sendable {
    /// The splits, tokenized by the checkpoint's byte-level BPE tokenizer (prompt tokens masked out of the loss).
    public let data: TokenizedGenerationDataset
    /// The first `generations` validation examples: the prompts continued greedily before and after fine-tuning.
    public let generationPrompts: [TokenizedGenerationExample]
    /// Longest continuation generated for each of them, in tokens.
    public let maxNewTokens: Int
}

extension LoadedTask {
    /// `wordnet-gloss` (`WordNetGloss`): the WordNet splits built with data seed 0 and the split rule's defaults (no test
    /// split: the runner never reads it), tokenized
    /// to `maxTokens` (targets cut there lose their end-of-text token, `TokenizedGenerationDataset`).
    /// - Throws: `ModelError.unsupportedFamily` when the checkpoint's tokenizer is not byte-level BPE (not a decoder),
    ///   `DataError` for a database or option the task cannot use.
    static func generation(_ t: WordNetGlossTask, wordnet: WordNet, model: LoadedModel) throws -> (LoadedTask, TaskSummary) {
        let tokenizer = try model.bpeTokenizer(for: "the wordnet-gloss task")
        let options = GlossOptions(parts: t.parts.map { PartOfSpeech(rawValue: $0.rawValue)! }, allLemmas: t.allLemmas,
                                   maxTrain: t.maxTrain, maxValidation: t.maxValidation, maxTest: 0, dataSeed: 0)
        let text = try WordNetGloss.build(wordnet: wordnet, options: options)
        let data = try TokenizedGenerationDataset(text, tokenizer: tokenizer, maxTokens: t.maxTokens)
        let task = GenerationTaskData(data: data, generationPrompts: Array(data.validation.prefix(t.generations)),
                                      maxNewTokens: t.maxNewTokens)
        return (.generation(task), summary(data))
    }

    /// `task.json` of a generation task: examples, mean tokens (prompt + target + end-of-text) and truncations per split.
    static func summary(_ data: TokenizedGenerationDataset) -> TaskSummary {
        let splits = Split.allCases.compactMap { split -> TaskSummary.SplitSummary? in
            let examples = data.examples(split)
            guard !examples.isEmpty else { return nil }
            var s = TaskSummary.SplitSummary(split: split.rawValue, examples: examples.count, meanTokens: data.meanLength(split),
                                             labelCounts: [:], majorityLabel: nil, majorityBaseline: nil)
            if let n = data.truncated[split] { (s.truncated, s.maxTokens) = (n, data.maxTokens) }
            return s
        }
        return TaskSummary(task: data.name, labels: [], splits: splits)
    }
}
