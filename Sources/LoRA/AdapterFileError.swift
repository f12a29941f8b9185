import Foundation

/// Errors reading or writing PEFT adapter directories; descriptions name the file and field/tensor.
public enum AdapterFileError: Error, Equatable, CustomStringConvertible {
    case missingFile(path: String)
    case invalidConfig(file: String, reason: String)
    case unsupported(file: String, field: String, reason: String)
    case missingTensor(file: String, tensor: String)
    case tensorShape(file: String, tensor: String, shape: [Int], expected: String)
    case unexpectedTensor(file: String, tensor: String)

    public var description: String {
        switch self {
        case let .missingFile(path): return "\(path): file not found"
        case let .invalidConfig(file, reason): return "\(file): \(reason)"
        case let .unsupported(file, field, reason): return "\(file): field '\(field)': \(reason)"
        case let .missingTensor(file, tensor): return "\(file): tensor '\(tensor)' is missing"
        case let .tensorShape(file, tensor, shape, expected): return "\(file): tensor '\(tensor)' has shape \(shape), expected \(expected)"
        case let .unexpectedTensor(file, tensor): return "\(file): tensor '\(tensor)' does not name a LoRA factor of a supported module"
        }
    }
}
