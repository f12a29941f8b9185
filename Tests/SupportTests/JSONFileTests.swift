import Foundation
import XCTest
@testable import Support

/// Decoding errors name the file, the field and the reason in words.
final class JSONFileTests: XCTestCase {
    struct Outcome: Decodable {
        struct Machine: Decodable { var cores: Int }
        var status: String
        var steps: Int
        var machine: Machine
        var tags: [String]?
    }

    func message(_ json: String) -> String {
        do {
            _ = try JSONFile.decode(Outcome.self, from: Data(json.utf8), file: "final.json")
            return "decoded"
        } catch { return "\(error)" }
    }

    func testMessages() {
        XCTAssertEqual(message(#"{"status": "finished", "steps": 3, "machine": {"cores": 2}}"#), "decoded")
        XCTAssertEqual(message(#"{"status": "finished", "machine": {"cores": 2}}"#), "final.json: field 'steps': missing")
        XCTAssertEqual(message(#"{"status": "finished", "steps": "3", "machine": {"cores": 2}}"#),
                       "final.json: field 'steps': expected an integer, got a string")
        XCTAssertEqual(message(#"{"status": "finished", "steps": 3, "machine": {"cores": null}}"#),
                       "final.json: field 'machine.cores': expected an integer, got null")
        XCTAssertEqual(message(#"{"status": "finished", "steps": 3, "machine": {"cores": 2}, "tags": ["a", 1]}"#),
                       "final.json: field 'tags[1]': expected a string, got a number")
        XCTAssertEqual(message(#"{"status": "finished", "#),
                       "final.json: not valid JSON (syntax error at line 1, column 24)")
        for m in [message("[]"), message(#"{"steps": 1.5}"#)] {
            XCTAssertFalse(m.contains("DecodingError") || m.contains("CodingKeys") || m.contains("debugDescription"), m)
        }
    }
}
