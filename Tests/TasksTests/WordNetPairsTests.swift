import Foundation
import LinearAlgebra
import XCTest
@testable import Tasks

/// `wordnet-pairs` on the fixture database: hand-checked hypothesis sets and dataset rules.
final class WordNetPairsTests: XCTestCase {
    private func sampler(depth: Int = 2) throws -> PairSampler {
        PairSampler(graph: NounGraph(nouns: try TestSupport.fixtureWordNet().synsets(.noun)), depth: depth)
    }

    private func index(_ s: PairSampler, _ offset: Int) -> Int { s.graph.indexOfOffset[offset]! }

    private func entailments(_ s: PairSampler, _ x: Int) -> Set<String> {
        let c = s.context(x)
        return Set(s.entailmentChoices(c).flatMap { ch in ch.lemmas.map { s.graph.synsets[ch.synset].lemmas[$0] } })
    }

    private func contradictions(_ s: PairSampler, _ x: Int) -> Set<String> {
        let c = s.context(x)
        return Set(s.contradictionPool(c).flatMap { e in s.contradictionLemmas(e, c).map { s.graph.synsets[e.synset].lemmas[$0] } })
    }

    private func neutrals(_ s: PairSampler, _ x: Int) -> Set<String> {
        let c = s.context(x)
        return Set(s.graph.synsets.indices.flatMap { y in s.neutralLemmas(y, c).map { s.graph.synsets[y].lemmas[$0] } })
    }

    func testDogHandChecked() throws {
        let s = try sampler()
        let dog = index(s, 2_084_071)
        XCTAssertEqual(s.context(dog).entailmentSynsets.map { s.graph.synsets[$0].lemmas[0] },
                       ["dog", "canine", "domestic animal", "carnivore", "animal"])
        XCTAssertEqual(entailments(s, dog), ["domestic dog", "Canis familiaris", "canine", "canid", "domestic animal",
                                             "domesticated animal", "carnivore", "animal", "animate being", "beast",
                                             "brute", "creature", "fauna"])
        // Co-hyponyms under canine (wolf, jackal, wild dog) and under domestic animal (domestic cat).
        XCTAssertEqual(contradictions(s, dog), ["wolf", "jackal", "Canis aureus", "wild dog", "domestic cat", "house cat",
                                                "Felis domesticus", "Felis catus"])
        // Other lexicographer files only, never an ancestor (entity ... organism are noun.Tops ancestors of dog).
        XCTAssertEqual(neutrals(s, dog), ["abstraction", "abstract entity", "hammer", "teapot", "pizza", "pizza pie",
                                          "man", "adult male", "physicist", "woman", "adult female", "Einstein", "Albert Einstein"])
        XCTAssertEqual(Set(try sampler(depth: 1).context(dog).entailmentSynsets.map { s.graph.synsets[$0].offset }),
                       [2_084_071, 2_083_346, 1_317_541])
        XCTAssertEqual(try sampler(depth: 0).context(dog).entailmentSynsets, [dog])
    }

    func testWolfAndAntonymsAndInstances() throws {
        let s = try sampler()
        let wolf = index(s, 2_114_100)
        XCTAssertTrue(contradictions(s, wolf).contains("dog"))
        XCTAssertTrue(entailments(s, wolf).contains("wolf"))   // single-lemma synset: its own lemma
        // man ↔ woman: lexical antonym (! 10787470 n 0101 → word 1 "woman", not "adult female").
        let man = index(s, 10_287_213)
        XCTAssertEqual(contradictions(s, man), ["woman"])
        XCTAssertEqual(entailments(s, man), ["adult male"])
        XCTAssertFalse(neutrals(s, man).contains("woman"))
        // Einstein: instance hypernym physicist is an entailment; no co-hyponym or antonym is loaded.
        let einstein = index(s, 10_954_498)
        XCTAssertEqual(entailments(s, einstein), ["Albert Einstein", "physicist"])
        var g = SeededGenerator(seed: 1)
        XCTAssertNil(s.drawContradiction(s.context(einstein), &g))
        XCTAssertEqual(contradictions(s, index(s, 1740)), [])   // entity: the root
    }

    func testDatasetRules() throws {
        let wn = try TestSupport.fixtureWordNet()
        let ds = try WordNetPairs.build(wordnet: wn, options: PairsOptions(maxValidation: nil))
        XCTAssertEqual(ds.name, "wordnet-pairs")
        XCTAssertEqual(ds.labels, ["entailment", "neutral", "contradiction"])
        let s = try sampler()
        var seen: Set<String> = []
        for split in Split.allCases {
            for e in ds.examples(split) {
                XCTAssertTrue(seen.insert(e.id).inserted, "one example per premise")
                XCTAssertEqual(SplitRule.split(forKey: e.id), split, "split by premise key")
                let x = s.graph.indexOfOffset[Int(e.id.dropFirst())!]!
                XCTAssertEqual(e.text, s.graph.synsets[x].definition)
                let hypothesis = try XCTUnwrap(e.textPair)
                let allowed = [entailments(s, x), neutrals(s, x), contradictions(s, x)][e.label]
                XCTAssertTrue(allowed.contains(hypothesis), "\(e.id) \(ds.labels[e.label]) \(hypothesis)")
            }
        }
        XCTAssertEqual(seen.count, 24)
        XCTAssertEqual(try WordNetPairs.build(wordnet: wn, options: PairsOptions(maxValidation: nil)), ds)
        let other = try WordNetPairs.build(wordnet: wn, options: PairsOptions(maxValidation: nil, dataSeed: 3))
        XCTAssertNotEqual(other.train, ds.train)
        XCTAssertEqual(Set(other.train.map(\.id)), Set(ds.train.map(\.id)))
        // Capping keeps a prefix of the seeded order.
        let capped = try WordNetPairs.build(wordnet: wn, options: PairsOptions(maxTrain: 4, maxValidation: nil))
        XCTAssertEqual(capped.train, Array(ds.train.prefix(4)))
    }

    func testOptionErrors() throws {
        let wn = try TestSupport.fixtureWordNet()
        XCTAssertThrowsDataError(try WordNetPairs.build(wordnet: wn, options: PairsOptions(hypernymDepth: -1)),
                                 .invalidOption(field: "hypernymDepth", reason: "must be ≥ 0, got -1"))
        let verbs = try WordNet(directory: TestSupport.fixtureDirectory, parts: [.verb])
        XCTAssertThrowsDataError(try WordNetPairs.build(wordnet: verbs, options: PairsOptions()),
                                 .invalidOption(field: "parts", reason: "wordnet-pairs needs the nouns (data.noun) loaded"))
        XCTAssertThrowsDataError(try WordNetPairs.build(wordnet: wn, options: PairsOptions(maxTest: -2)),
                                 .invalidOption(field: "maxTest", reason: "must be ≥ 0 or absent, got -2"))
    }
}
