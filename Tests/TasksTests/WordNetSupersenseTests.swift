import Foundation
import XCTest
@testable import Tasks

/// `wordnet-supersense` on the fixture database, and the capping rules.
final class WordNetSupersenseTests: XCTestCase {
    func testNounTaskOnFixture() throws {
        let wn = try TestSupport.fixtureWordNet()
        let ds = try WordNetSupersense.build(wordnet: wn, options: SupersenseOptions(maxValidation: nil))
        XCTAssertEqual(ds.name, "wordnet-supersense")
        XCTAssertEqual(ds.labels, ["noun.Tops", "noun.animal", "noun.artifact", "noun.food", "noun.person"])
        let all = ds.train + ds.validation + ds.test
        XCTAssertEqual(all.count, 24)
        XCTAssertEqual(Set(all.map(\.id)).count, 24)
        let dog = try XCTUnwrap(all.first { $0.id == "n02084071" })
        XCTAssertEqual(dog.label, 1)
        XCTAssertNil(dog.textPair)
        XCTAssertEqual(dog.text, wn.synset(.noun, offset: 2_084_071)!.definition)
        XCTAssertFalse(dog.text.contains("\""))
        XCTAssertEqual(all.first { $0.id == "n07873807" }?.label, 3)  // pizza: noun.food
        XCTAssertEqual(ds.validation.map(\.id), ["n02075296"])         // carnivore is the only bucket-8 key
        let total = Split.allCases.map { ds.distribution($0) }.reduce([0, 0, 0, 0, 0]) { zip($0, $1.counts).map(+) }
        XCTAssertEqual(total, [8, 9, 2, 1, 4])
    }

    func testIncludeLemmas() throws {
        let ds = try WordNetSupersense.build(wordnet: try TestSupport.fixtureWordNet(),
                                             options: SupersenseOptions(includeLemmas: true, maxValidation: nil))
        let dog = try XCTUnwrap((ds.train + ds.validation + ds.test).first { $0.id == "n02084071" })
        XCTAssertTrue(dog.text.hasPrefix("dog, domestic dog, Canis familiaris: a member of the genus Canis"))
    }

    func testAllPartsInLexFileOrder() throws {
        let ds = try WordNetSupersense.build(wordnet: try TestSupport.fixtureWordNet(),
                                             options: SupersenseOptions(parts: [.verb, .adv, .noun, .adj], maxValidation: nil))
        XCTAssertEqual(ds.labels, ["adj.all", "adv.all", "noun.Tops", "noun.animal", "noun.artifact", "noun.food",
                                   "noun.person", "verb.change", "verb.communication", "verb.contact", "verb.stative"])
        let ids = (ds.train + ds.validation + ds.test).map(\.id)
        XCTAssertEqual(ids.count, 24 + 4 + 6 + 3)
        XCTAssertTrue(ids.contains("r00001740") && ids.contains("n00001740"))   // same offset, two categories
    }

    func testOptionErrors() throws {
        let nounsOnly = try WordNet(directory: TestSupport.fixtureDirectory, parts: [.noun])
        XCTAssertThrowsDataError(try WordNetSupersense.build(wordnet: nounsOnly, options: SupersenseOptions(parts: [.verb])),
                                 .invalidOption(field: "parts", reason: "WordNet was loaded without verb"))
        XCTAssertThrowsDataError(try WordNetSupersense.build(wordnet: nounsOnly, options: SupersenseOptions(parts: [])),
                                 .invalidOption(field: "parts", reason: "no part of speech chosen"))
        XCTAssertThrowsDataError(try WordNetSupersense.build(wordnet: nounsOnly, options: SupersenseOptions(maxTrain: -1)),
                                 .invalidOption(field: "maxTrain", reason: "must be ≥ 0 or absent, got -1"))
    }

    func testCapsArePrefixesOfTheSeededShuffle() throws {
        let wn = try TestSupport.fixtureWordNet()
        let full = try WordNetSupersense.build(wordnet: wn, options: SupersenseOptions(maxValidation: nil))
        let capped = try WordNetSupersense.build(wordnet: wn, options: SupersenseOptions(maxTrain: 5, maxValidation: 0))
        XCTAssertEqual(capped.train, Array(full.train.prefix(5)))
        XCTAssertEqual(capped.validation, [])
        XCTAssertEqual(capped.test, full.test)
        // Not file (offset) order, and another seed gives another order of the same members.
        XCTAssertNotEqual(full.train.map(\.id), full.train.map(\.id).sorted())
        let reseeded = try WordNetSupersense.build(wordnet: wn, options: SupersenseOptions(maxValidation: nil, dataSeed: 7))
        XCTAssertNotEqual(reseeded.train.map(\.id), full.train.map(\.id))
        XCTAssertEqual(Set(reseeded.train.map(\.id)), Set(full.train.map(\.id)))
    }

    func testClassBalancedWaterFilling() {
        let labels = [0, 1, 0, 2, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0]   // counts 10, 3, 1
        let shuffled = labels.enumerated().map { TextExample(id: "e\($0.offset)", text: "t", label: $0.element) }
        func counts(_ cap: Int) -> [Int] {
            LabelDistribution(labelCount: 3, examples: Capping.cap(shuffled, to: cap, classBalanced: true, labelCount: 3)).counts
        }
        XCTAssertEqual(counts(9), [5, 3, 1])
        XCTAssertEqual(counts(8), [4, 3, 1])
        XCTAssertEqual(counts(6), [3, 2, 1])   // quota 2 each, the spare slot to label 0
        XCTAssertEqual(counts(3), [1, 1, 1])
        XCTAssertEqual(counts(2), [1, 1, 0])
        XCTAssertEqual(counts(20), [10, 3, 1])
        let kept = Capping.cap(shuffled, to: 6, classBalanced: true, labelCount: 3).map(\.id)
        XCTAssertEqual(kept, ["e0", "e1", "e2", "e3", "e4", "e6"])   // earliest per label, shuffled order kept
        XCTAssertEqual(Capping.cap(shuffled, to: 4, classBalanced: false, labelCount: 3).map(\.id), ["e0", "e1", "e2", "e3"])
        XCTAssertEqual(Capping.cap(shuffled, to: nil, classBalanced: true, labelCount: 3).count, 14)
    }

    func testLabelDistribution() {
        let d = LabelDistribution(counts: [2, 5, 5, 1])
        XCTAssertEqual(d.total, 13)
        XCTAssertEqual(d.majorityLabel, 1)   // ties → lowest index
        XCTAssertEqual(d.majorityBaseline, 5.0 / 13.0, accuracy: 1e-12)
        XCTAssertEqual(LabelDistribution(counts: [0, 0]).majorityBaseline, 0)
    }

    func testOptionsDecodeWithDefaults() throws {
        let o = try JSONDecoder().decode(SupersenseOptions.self, from: Data(#"{"maxTrain": 100, "classBalanced": true}"#.utf8))
        XCTAssertEqual(o, SupersenseOptions(maxTrain: 100, classBalanced: true))
        XCTAssertEqual(o.maxValidation, 2000)
        let uncapped = try JSONDecoder().decode(SupersenseOptions.self, from: Data(#"{"maxValidation": null}"#.utf8))
        XCTAssertNil(uncapped.maxValidation)
        let round = try JSONDecoder().decode(SupersenseOptions.self, from: JSONEncoder().encode(uncapped))
        XCTAssertEqual(round, uncapped)
        let p = try JSONDecoder().decode(PairsOptions.self, from: Data(#"{"hypernymDepth": 3, "dataSeed": 9}"#.utf8))
        XCTAssertEqual(p, PairsOptions(hypernymDepth: 3, dataSeed: 9))
        XCTAssertEqual(try JSONDecoder().decode(UserDatasetOptions.self, from: Data("{}".utf8)), UserDatasetOptions())
    }
}
