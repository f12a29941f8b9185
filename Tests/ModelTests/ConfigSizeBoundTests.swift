import Foundation
import XCTest
@testable import Model

/// Malformed-input corpus, checkpoint config.json: sizes far beyond any encoder (which used to abort, crash or trap
/// on overflow while allocating) are refused with the file and the field, before anything is allocated.
final class ConfigSizeBoundTests: XCTestCase {
    static let valid: [String: Int] = ["vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2,
                                       "intermediate_size": 4, "max_position_embeddings": 8]

    func testHugeSizesAreRefusedWithFileAndField() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lora-bounds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("config.json")
        let huge: [(String, String, Int)] = [
            ("num_hidden_layers", "1000000000000", 1_024), ("num_hidden_layers", "4611686018427387904", 1_024),
            ("hidden_size", "3458764513820540928", 65_536), ("intermediate_size", "9007199254740992", 262_144),
            ("vocab_size", "4194305", 4_194_304), ("num_attention_heads", "1025", 1_024),
            ("max_position_embeddings", "131073", 131_072), ("type_vocab_size", "1000000", 1_024),
        ]
        for (field, value, limit) in huge {
            var fields = Self.valid.map { "\"\($0.key)\": \($0.value)" }.filter { !$0.hasPrefix("\"\(field)\"") }
            fields.append("\"\(field)\": \(value)")
            try Data(("{" + fields.joined(separator: ", ") + "}").utf8).write(to: url)
            XCTAssertThrowsError(try BertModel.load(checkpointDirectory: dir)) { error in
                XCTAssertEqual("\(error)", "\(url.path): field '\(field)': \(value) exceeds the largest supported value \(limit)", field)
            }
        }
    }
}
