import Foundation
import XCTest
@testable import Tasks

/// `wordnet-gloss` on the real WordNet 3.0 database (Debian wordnet-base); skipped when it is not installed.
final class RealWordNetGlossTests: XCTestCase {
    func testGlossTaskSizes() throws {
        guard FileManager.default.fileExists(atPath: "/usr/share/wordnet/data.noun") else {
            throw XCTSkip("WordNet 3.0 not installed at /usr/share/wordnet (wordnet-base)")
        }
        let wn = try WordNet(directory: URL(fileURLWithPath: "/usr/share/wordnet"), parts: PartOfSpeech.allCases)
        let ds = try WordNetGloss.build(wordnet: wn, options: GlossOptions(maxValidation: nil))
        let sizes = Split.allCases.map { ds.examples($0).count }
        let all = ds.train + ds.validation + ds.test
        let words = all.map { Double($0.target.split(separator: " ").count) }
        print("[RealWordNetGlossTests] wordnet-gloss, all parts: \(sizes) train/validation/test, "
              + String(format: "%.1f", words.reduce(0, +) / Double(words.count)) + " words per gloss on average, longest "
              + "\(Int(words.max()!)); first train example: \(ds.train[0].text.debugDescription)")
        XCTAssertEqual(all.count, 117_659)
        XCTAssertEqual(sizes, [93_994, 11_877, 11_788])
    }
}
