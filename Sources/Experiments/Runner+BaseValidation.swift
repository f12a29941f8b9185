import Foundation
import Model
import Support
import Training

extension ExperimentRunner {
    /// `base-validation.json` in a generation spec's folder: the base model's validation loss (no adapter), the value
    /// fine-tuning starts from, beside each run's in the report.
    static let baseValidationFile = "base-validation.json"

    /// The base model's `CausalLMMetrics` on the validation split (adapters detached, forward only), written as
    /// `{"loss", "perplexity", "tokens"}` with sorted keys. Called with the task's inputs when runs are about to train.
    func writeBaseValidation(model: LoadedModel, task: GenerationTaskData) throws {
        let base = model.model
        base.detachAdapters()
        base.setTraining(false)
        let metrics = try TrainingStep(model: base, objective: .causalLM, optimizer: AdamW(parameters: []))
            .causalLMMetrics(task.data.validation)
        var values = metrics.asDictionary
        values["tokens"] = Double(metrics.tokens)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(values) + Data("\n".utf8), to: specDirectory.appendingPathComponent(Self.baseValidationFile))
    }

    /// The base model's validation metrics from `base-validation.json`, or nil (no such file: not a generation task, or
    /// written before it existed).
    public func recordedBaseValidation() -> [String: Double]? {
        guard let data = FileManager.default.contents(atPath: specDirectory.appendingPathComponent(Self.baseValidationFile).path) else { return nil }
        return try? JSONDecoder().decode([String: Double].self, from: data)
    }
}
