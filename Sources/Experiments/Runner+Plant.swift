import Foundation
import LoRA
import Tasks

/// Saves the planted ΔW* of the planted-rank task as a PEFT adapter (scaling 1: B = U·diag(s), A = Vᵀ), so the
/// analyses measure recovery against it like any other adapter.
enum PEFTAdapterFileWriter {
    static func writePlant(_ data: PlantedRankData, to directory: URL, model: LoadedModel) throws {
        try PEFTAdapterFile.write(data.plant, to: directory, baseModel: model.peftBaseModel,
                                  harness: .init(note: "planted ΔW* = U·diag(s)·Vᵀ of the planted-rank task (teacher), scaling 1",
                                                 baseModelPath: model.name))
    }
}
