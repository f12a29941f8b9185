import Foundation
import XCTest
@testable import Tasks

/// The tasks on the real WordNet 3.0 database (Debian wordnet-base); skipped when it is not installed.
/// Measured numbers are printed so the CLI's reports can be cross-checked.
final class RealWordNetTests: XCTestCase {
    /// Loaded once for the whole class (the database is read-only).
    private static let database: Result<WordNet, Error>? = {
        guard FileManager.default.fileExists(atPath: "/usr/share/wordnet/data.noun") else { return nil }
        let start = Date()
        let db = Result { try WordNet(directory: URL(fileURLWithPath: "/usr/share/wordnet"), parts: PartOfSpeech.allCases) }
        print("[RealWordNetTests] parse data.noun/verb/adj/adv: \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
        return db
    }()

    private func wordnet() throws -> WordNet {
        guard let db = Self.database else { throw XCTSkip("WordNet 3.0 not installed at /usr/share/wordnet (wordnet-base)") }
        return try db.get()
    }

    private func timed<T>(_ what: String, _ body: () throws -> T) rethrows -> T {
        let start = Date()
        let v = try body()
        print("[RealWordNetTests] \(what): \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
        return v
    }

    private func report(_ ds: TextDataset) {
        for split in Split.allCases {
            let d = ds.distribution(split)
            let shares = zip(ds.labels, d.counts).map { "\($0)=\($1)" }.joined(separator: " ")
            print("[RealWordNetTests] \(ds.name) \(split.rawValue): \(d.total) examples, majority \(ds.labels[d.majorityLabel]) "
                + String(format: "%.4f", d.majorityBaseline) + " | \(shares)")
        }
    }

    func testSynsetCounts() throws {
        let wn = try wordnet()
        XCTAssertEqual(wn.synsets(.noun).count, 82_115)
        XCTAssertEqual(wn.synsets(.verb).count, 13_767)
        XCTAssertEqual(wn.synsets(.adj).count, 18_156)
        XCTAssertEqual(wn.synsets(.adj).filter(\.isSatellite).count, 10_693)
        XCTAssertEqual(wn.synsets(.adv).count, 3_621)
        XCTAssertEqual(Set(wn.synsets(.noun).map(\.lexFile)).count, 26)
        XCTAssertTrue(wn.synsets(.noun).allSatisfy { !$0.definition.isEmpty && !$0.definition.contains("; \"") })
    }

    func testSupersenseNouns() throws {
        let wn = try wordnet()
        let full = try timed("wordnet-supersense build (uncapped)") {
            try WordNetSupersense.build(wordnet: wn, options: SupersenseOptions(maxValidation: nil))
        }
        XCTAssertEqual(full.labels.count, 26)
        XCTAssertEqual(full.labels.first, "noun.Tops")
        XCTAssertEqual(full.labels.last, "noun.time")
        XCTAssertEqual(full.train.count, 65_587)        // the reference calibration's count for SHA-256("n" + offset)
        XCTAssertEqual(full.validation.count, 8_357)
        XCTAssertEqual(full.test.count, 8_171)
        let ds = try WordNetSupersense.build(wordnet: wn, options: SupersenseOptions())
        report(ds)
        XCTAssertEqual(ds.train, full.train)
        XCTAssertEqual(ds.validation.count, 2_000)
        XCTAssertEqual(ds.validation, Array(full.validation.prefix(2_000)))
        let ids = ds.validation.map(\.id)
        XCTAssertNotEqual(ids, ids.sorted(), "drawn by a seeded shuffle, not in file order")
        XCTAssertGreaterThanOrEqual(ds.distribution(.validation).counts.filter { $0 > 0 }.count, 20)
        let train = ds.distribution(.train)
        XCTAssertEqual(ds.labels[train.majorityLabel], "noun.artifact")
        XCTAssertEqual(train.majorityBaseline, 0.14, accuracy: 0.02)
        XCTAssertTrue(["noun.artifact", "noun.person"].contains(ds.labels[ds.distribution(.validation).majorityLabel]))

        let balanced = try WordNetSupersense.build(wordnet: wn, options: SupersenseOptions(maxTrain: 2_600, classBalanced: true))
        let counts = balanced.distribution(.train).counts
        let available = full.distribution(.train).counts
        XCTAssertEqual(counts.reduce(0, +), 2_600)
        // Water filling: a class either contributes all it has (noun.Tops 44, noun.motive 36) or the common quota (±1).
        let quota = counts.max()!
        for (have, got) in zip(available, counts) { XCTAssertTrue(got == have || got >= quota - 1, "\(counts)") }
        XCTAssertEqual(counts.filter { $0 < quota - 1 }.count, 2, "\(counts)")
    }

    func testPairsHandCheckedOnRealData() throws {
        let wn = try wordnet()
        let s = PairSampler(graph: NounGraph(nouns: wn.synsets(.noun)), depth: 2)
        let dog = s.graph.indexOfOffset[2_084_071]!
        let c = s.context(dog)
        let entail = Set(s.entailmentChoices(c).flatMap { ch in ch.lemmas.map { s.graph.synsets[ch.synset].lemmas[$0] } })
        XCTAssertTrue(entail.isSuperset(of: ["domestic dog", "Canis familiaris", "canine", "canid", "domestic animal", "carnivore", "animal"]))
        XCTAssertFalse(entail.contains("dog"))   // the premise's own first lemma
        XCTAssertFalse(entail.contains("mammal"))   // placental → mammal is 3 steps up
        let contra = Set(s.contradictionPool(c).flatMap { e in s.contradictionLemmas(e, c).map { s.graph.synsets[e.synset].lemmas[$0] } })
        XCTAssertTrue(contra.isSuperset(of: ["wolf", "jackal", "fox", "hyena", "domestic cat", "house cat"]), "\(contra.sorted())")
        XCTAssertFalse(contra.contains("dog"))
        for word in ["entity", "animal", "organism", "mammal", "wolf", "puppy", "cat"] {
            // No synset having the word offers it as a neutral hypothesis (wolf, cat: other senses exist in
            // noun.person etc., but the animal sense makes the word ambiguous, so it is excluded).
            for y in s.graph.senses[word] ?? [] {
                let usable = s.neutralLemmas(y, c).map { s.graph.lowerLemmas[y][$0] }
                XCTAssertFalse(usable.contains(word), "\(word) (\(s.graph.synsets[y].key)) must not be a neutral hypothesis for dog")
            }
        }
        let teapot = s.graph.senses["teapot"]!.first!
        XCTAssertEqual(s.neutralLemmas(teapot, c).map { s.graph.synsets[teapot].lemmas[$0] }, ["teapot"])
        // An antonym pair: man (10287213) ! woman.
        let man = s.context(s.graph.indexOfOffset[10_287_213]!)
        XCTAssertTrue(s.contradictionPool(man).contains { $0.synset == s.graph.indexOfOffset[10_787_470]! && $0.lemma == 0 })
    }

    func testPairsDataset() throws {
        let wn = try wordnet()
        let full = try timed("wordnet-pairs build (uncapped)") {
            try WordNetPairs.build(wordnet: wn, options: PairsOptions(maxValidation: nil))
        }
        XCTAssertEqual(full.train.count, 65_587)     // one example per premise
        XCTAssertEqual(full.validation.count, 8_357)
        XCTAssertEqual(full.test.count, 8_171)
        for split in Split.allCases {
            let counts = full.distribution(split).counts
            XCTAssertLessThanOrEqual(counts.max()! - counts.min()!, 2, "\(split) \(counts)")
        }
        let ds = try WordNetPairs.build(wordnet: wn, options: PairsOptions())
        report(ds)
        XCTAssertEqual(ds.validation, Array(full.validation.prefix(2_000)))
        let v = ds.distribution(.validation).counts
        XCTAssertLessThanOrEqual(v.max()! - v.min()!, 2, "\(v)")
        XCTAssertEqual(ds.distribution(.validation).majorityBaseline, 1.0 / 3.0, accuracy: 0.002)
        for e in ds.validation.prefix(6) { print("[RealWordNetTests] \(ds.labels[e.label]): \(e.text) ⇒ \(e.textPair!)") }
    }
}
