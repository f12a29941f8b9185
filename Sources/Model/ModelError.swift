/// Errors from loading or using a model. Each description names the file and the offending field or tensor.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    case missingFile(path: String)
    case unreadable(path: String, reason: String)
    case invalidConfig(file: String, field: String, reason: String)
    case missingTensor(file: String, tensor: String)
    case tensorShape(file: String, tensor: String, shape: [Int], expected: [Int])
    case tokenOutOfRange(position: Int, id: Int32, vocabularySize: Int)
    case sequenceTooLong(length: Int, maxPositions: Int)
    case nonFiniteMerge(tensor: String)
    case adapterMismatch(reason: String)
    /// A forward pass was given another family's workspace (`AdaptableModel.makeWorkspace` makes the right one).
    case workspaceMismatch(expected: String, got: String)
    /// A matrix asked for by (layer, site name) that the model does not have.
    case noSuchMatrix(layer: Int, site: String)
    /// A feature only some families support, asked of a model of another (`architecture` describes it).
    case unsupportedFamily(feature: String, architecture: String)

    public var description: String {
        switch self {
        case let .missingFile(path): return "\(path): file not found"
        case let .unreadable(path, reason): return "\(path): cannot read: \(reason)"
        case let .invalidConfig(file, field, reason): return "\(file): field '\(field)': \(reason)"
        case let .missingTensor(file, tensor): return "\(file): tensor '\(tensor)' is missing"
        case let .tensorShape(file, tensor, shape, expected):
            return "\(file): tensor '\(tensor)' has shape \(shape), expected \(expected)"
        case let .tokenOutOfRange(position, id, vocab):
            return "token id \(id) at position \(position) is outside the vocabulary (size \(vocab))"
        case let .sequenceTooLong(length, maxPositions):
            return "sequence of \(length) tokens exceeds the model's \(maxPositions) positions"
        case let .nonFiniteMerge(tensor): return "merging the adapter into '\(tensor)' gives a NaN or infinite weight; refused"
        case let .adapterMismatch(reason): return "adapter does not fit the model: \(reason)"
        case let .workspaceMismatch(expected, got): return "the forward pass needs a \(expected), got a \(got)"
        case let .noSuchMatrix(layer, site): return "the model has no matrix '\(site)' in layer \(layer)"
        case let .unsupportedFamily(feature, architecture): return "\(feature) is not supported for this model (\(architecture))"
        }
    }
}
