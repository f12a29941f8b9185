import ExperimentReports
import Foundation
import LoRA
import Tasks

extension ExperimentRunner {
    /// True for a planted-rank spec whose folder lacks the planted adapter's input covariances (results trained before
    /// the file existed): the task is then loaded to write them even when every run is cached.
    var plantedInputsMissing: Bool {
        guard case .plantedRank = plan.spec.task else { return false }
        let file = specDirectory.appendingPathComponent("planted-adapter").appendingPathComponent(InputCovarianceFile.name)
        return !FileManager.default.fileExists(atPath: file.path)
    }
}

/// Saves the planted ΔW* of the planted-rank task as a PEFT adapter (scaling 1: B = U·diag(s), A = Vᵀ), so the
/// analyses measure recovery against it like any other adapter.
enum PEFTAdapterFileWriter {
    /// Writes the input covariances, and the adapter itself when `adapter`.
    static func writePlant(_ data: PlantedRankData, to directory: URL, model: LoadedModel, adapter: Bool) throws {
        if adapter {
            try PEFTAdapterFile.write(data.plant, to: directory, baseModel: model.peftBaseModel,
                                  harness: .init(note: "planted ΔW* = U·diag(s)·Vᵀ of the planted-rank task (teacher), scaling 1",
                                                 baseModelPath: model.name))
        }
        try InputCovarianceFile.write(data.inputCovariances.map { ($0.layer, $0.target.rawValue, $0.covariance) }, to: directory)
    }
}
