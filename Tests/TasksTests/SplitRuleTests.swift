import Foundation
import XCTest
@testable import Tasks

/// The hash split: values cross-checked against Python's hashlib
/// (`int(sha256(key).hexdigest()[:8], 16) % 10`), stability, and independence from file order.
final class SplitRuleTests: XCTestCase {
    func testKnownBuckets() {
        // key: (first 8 hex digits of SHA-256, as UInt32) mod 10
        let expected: [(String, Int)] = [
            ("n02084071", 2),   // 7008a46c = 1879614572
            ("n02114100", 2),   // 0fa1f088
            ("n00001740", 9),   // bc56c297
            ("n02075296", 8),
            ("n10287213", 4),
            ("a00013887", 3),
            ("hello", 4),       // 2cf24dba
            ("", 0),            // e3b0c442 = 3820012610
        ]
        for (key, bucket) in expected {
            XCTAssertEqual(SplitRule().bucket(forKey: key), bucket, key)
        }
        XCTAssertEqual(SplitRule.split(forKey: "n02084071"), .train)
        XCTAssertEqual(SplitRule.split(forKey: "n02075296"), .validation)
        XCTAssertEqual(SplitRule.split(forKey: "n00001740"), .test)
        XCTAssertEqual(SplitRule(trainBuckets: 5, validationBuckets: 1, testBuckets: 1).bucket(forKey: "n02084071"), 1879614572 % 7)
    }

    func testKeysUseEightDigitOffsets() {
        XCTAssertEqual(SplitRule.key(pos: .noun, offset: 2_084_071), "n02084071")
        XCTAssertEqual(SplitRule.key(pos: .verb, offset: 511_763), "v00511763")
        XCTAssertEqual(SplitRule.key(pos: .adj, offset: 14358), "a00014358")
        XCTAssertEqual(SplitRule.key(pos: .adv, offset: 1740), "r00001740")
    }

    func testConfigurableBuckets() throws {
        let keys = (0..<2000).map { "k\($0)" }
        let allTrain = SplitRule(trainBuckets: 1, validationBuckets: 0, testBuckets: 0)
        XCTAssertTrue(keys.allSatisfy { allTrain.split(forKey: $0) == .train })
        let half = SplitRule(trainBuckets: 1, validationBuckets: 1, testBuckets: 0)
        let v = keys.filter { half.split(forKey: $0) == .validation }.count
        XCTAssertTrue((900...1100).contains(v), "\(v)")
        XCTAssertFalse(keys.contains { half.split(forKey: $0) == .test })
        XCTAssertThrowsDataError(try SplitRule(trainBuckets: 0, validationBuckets: 0, testBuckets: 0).validate(),
                                 .invalidOption(field: "splitRule", reason: "needs at least one bucket"))
        XCTAssertThrowsDataError(try SplitRule(trainBuckets: -1).validate(),
                                 .invalidOption(field: "splitRule.trainBuckets", reason: "must be ≥ 0, got -1"))
    }

    func testCodableWithDefaults() throws {
        let decoded = try JSONDecoder().decode(SplitRule.self, from: Data(#"{"testBuckets": 2}"#.utf8))
        XCTAssertEqual(decoded, SplitRule(trainBuckets: 8, validationBuckets: 1, testBuckets: 2))
        let round = try JSONDecoder().decode(SplitRule.self, from: JSONEncoder().encode(decoded))
        XCTAssertEqual(round, decoded)
    }

    /// Same synsets → same split, in repeated builds and after reversing the synset lines of the file.
    func testSplitsIgnoreFileOrder() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let lines = try TestSupport.fixtureLines(.noun)
        try TestSupport.write((lines.prefix(29) + lines.dropFirst(29).reversed()).joined(separator: "\n") + "\n", "data.noun", in: dir)
        let forward = try TestSupport.fixtureWordNet()
        let reversed = try WordNet(directory: dir, parts: [.noun])
        XCTAssertEqual(reversed.synsets(.noun).map(\.offset), forward.synsets(.noun).map(\.offset).reversed())
        let options = SupersenseOptions(maxValidation: nil)
        let a = try WordNetSupersense.build(wordnet: forward, options: options)
        let b = try WordNetSupersense.build(wordnet: reversed, options: options)
        let again = try WordNetSupersense.build(wordnet: forward, options: options)
        XCTAssertEqual(a, b)          // whole datasets, order included
        XCTAssertEqual(a, again)
        for split in Split.allCases {
            XCTAssertTrue(a.examples(split).allSatisfy { SplitRule.split(forKey: $0.id) == split })
        }
        XCTAssertEqual(a.train.count + a.validation.count + a.test.count, 24)
        let pairsA = try WordNetPairs.build(wordnet: forward, options: PairsOptions(maxValidation: nil))
        let pairsB = try WordNetPairs.build(wordnet: reversed, options: PairsOptions(maxValidation: nil))
        XCTAssertEqual(pairsA, pairsB)
    }
}
