import Foundation
import LoRA

extension PEFTAdapterFile {
    /// Reads a PEFT adapter directory for `model`: its family's module names, its layer count and its matrices' shapes
    /// (see `load(_:naming:dimensions:layers:)`).
    public static func load(_ directory: URL, for model: any AdaptableModel) throws -> PEFTAdapterContents {
        try load(directory, naming: model.naming, dimensions: { _, site in model.dimensions(of: site) }, layers: model.layerCount)
    }
}
