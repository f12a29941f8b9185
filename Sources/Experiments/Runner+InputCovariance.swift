import ExperimentReports
import Foundation
import LoRA
import Tasks

/// The task's input covariances for the data-metric analyses (`AnalysesSpec.dataMetric`): per layer and adapted matrix
/// whose input is known (q, k, v, ffn_up), the centred covariance of the inputs it acts on as the outputs see them, on the
/// base model over the first 1024 training examples (`InputCovariances.compute`), written once to
/// `results/<spec>/input_covariance.safetensors` (`InputCovarianceFile`) and read by the report.
extension ExperimentRunner {
    var inputCovarianceFile: URL { specDirectory.appendingPathComponent(InputCovarianceFile.name) }

    /// True when the spec asks for the data metric and its folder lacks the covariances: the task is then loaded to write
    /// them even when every run is cached.
    var inputCovariancesMissing: Bool {
        plan.spec.analyses.dataMetric && !FileManager.default.fileExists(atPath: inputCovarianceFile.path)
    }

    /// Writes the covariances of a classification task when the spec asks for them and they are missing (an existing file
    /// is kept: the committed analyses were computed from it, and a recomputation can differ in the last bits).
    func writeInputCovariances(model: LoadedModel, task: LoadedTask) throws {
        guard inputCovariancesMissing, case .classification(let data) = task else { return }
        var targets: [LoRATarget] = []
        for run in plan.allRuns { for t in run.targets where !targets.contains(t) { targets.append(t) } }
        let entries = try InputCovariances.compute(model: try model.bert(for: "the data-metric analyses"), examples: data.train,
                                                   targets: targets)
        try InputCovarianceFile.write(entries.map { ($0.layer, $0.target.rawValue, $0.covariance) }, to: specDirectory)
    }
}
