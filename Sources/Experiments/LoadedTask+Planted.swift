import ExperimentSpec
import Foundation
import LinearAlgebra
import Tasks
import Tokenization

extension LoadedTask {
    /// `planted-rank` (`PlantedRankData`): the teacher's hidden states as targets on WordNet noun glosses (shuffled by the
    /// plant seed's stream `planted-texts`; `wordnet` is the database then) or on random tokens (`wordnet` nil).
    /// - Throws: `ModelError` when the checkpoint is not a BERT encoder, `DataError` for options the task cannot use.
    static func planted(_ t: PlantedRankTask, wordnet: WordNet?, model: LoadedModel) throws -> (LoadedTask, TaskSummary) {
        let options = PlantedRankOptions(plantRank: t.plantRank, targets: t.targets, layers: t.layers, singularValues: t.singularValues,
                                         inputs: t.inputs == .wordnet ? .wordnet : .randomTokens, plantSeed: t.plantSeed,
                                         maxTokens: t.maxTokens, trainExamples: t.trainExamples, validationExamples: t.validationExamples,
                                         directions: t.directions == .inputPrincipal ? .inputPrincipal : .random,
                                         principalDimensions: t.principalDimensions)
        var texts: [String]?
        if let wordnet {
            var definitions = wordnet.synsets(.noun).map(\.definition)
            var rng = SeededGenerator(seed: t.plantSeed, stream: "planted-texts")
            rng.shuffle(&definitions)
            texts = definitions
        }
        let data = try PlantedRankData.build(model: try model.bert(for: "the planted-rank task"),
                                             tokenizer: try model.bertTokenizer(for: "the planted-rank task"),
                                             options: options, texts: texts)
        func split(_ name: String, _ e: [TokenizedExample]) -> TaskSummary.SplitSummary {
            TaskSummary.SplitSummary(split: name, examples: e.count,
                                     meanTokens: e.isEmpty ? 0 : Double(e.map(\.ids.count).reduce(0, +)) / Double(e.count),
                                     labelCounts: [:], majorityLabel: nil, majorityBaseline: nil)
        }
        return (.planted(data), TaskSummary(task: "planted-rank", labels: [],
                                            splits: [split("train", data.train), split("validation", data.validation)]))
    }
}
