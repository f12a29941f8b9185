import Foundation
import XCTest
@testable import Tasks

/// The `data.<pos>` parser on real WordNet 3.0 lines (Tests/Fixtures/wordnet) and on single-field corruptions.
final class WordNetParsingTests: XCTestCase {
    func testLexicographerTable() {
        XCTAssertEqual(WordNet.lexicographerFileNames.count, 45)
        XCTAssertEqual(WordNet.lexicographerFileNames[3], "noun.Tops")
        XCTAssertEqual(WordNet.lexicographerFileNames[5], "noun.animal")
        XCTAssertEqual(WordNet.lexicographerFileNames[28], "noun.time")
        XCTAssertEqual(WordNet.lexicographerFileNames[29], "verb.body")
        XCTAssertEqual(WordNet.lexicographerFileNames[44], "adj.ppl")
        XCTAssertEqual((0..<45).filter { PartOfSpeech.noun.owns(lexFile: $0) }.count, 26)
        XCTAssertEqual((0..<45).filter { PartOfSpeech.verb.owns(lexFile: $0) }.count, 15)
    }

    func testFixtureCountsAndLicenseSkipped() throws {
        let wn = try TestSupport.fixtureWordNet()
        XCTAssertEqual(wn.parts, PartOfSpeech.allCases)
        XCTAssertEqual(wn.synsets(.noun).count, 24)
        XCTAssertEqual(wn.synsets(.adj).count, 6)
        XCTAssertEqual(wn.synsets(.verb).count, 4)
        XCTAssertEqual(wn.synsets(.adv).count, 3)
        XCTAssertEqual(try TestSupport.licenseHeader().count, 29)
        XCTAssertTrue(try TestSupport.licenseHeader().allSatisfy { $0.hasPrefix("  ") })
    }

    func testNounWithSeveralLemmasAndManyPointers() throws {
        let wn = try TestSupport.fixtureWordNet()
        let dog = try XCTUnwrap(wn.synset(.noun, offset: 2_084_071))
        XCTAssertEqual(dog.pos, .noun)
        XCTAssertFalse(dog.isSatellite)
        XCTAssertEqual(dog.lexFile, 5)
        XCTAssertEqual(dog.lexFileName, "noun.animal")
        XCTAssertEqual(dog.lemmas, ["dog", "domestic dog", "Canis familiaris"])
        XCTAssertEqual(dog.pointers.count, 23)
        XCTAssertEqual(dog.pointers[0], WordNetPointer(symbol: "@", targetOffset: 2_083_346, targetPOS: .noun, source: 0, target: 0))
        XCTAssertEqual(dog.pointers[1], WordNetPointer(symbol: "@", targetOffset: 1_317_541, targetPOS: .noun, source: 0, target: 0))
        XCTAssertEqual(dog.pointers[2].symbol, "#m")
        XCTAssertEqual(dog.pointers.last?.symbol, "%p")
        XCTAssertEqual(dog.gloss, "a member of the genus Canis (probably descended from the common wolf) that has been "
            + "domesticated by man since prehistoric times; occurs in many breeds; \"the dog barked all night\"")
        // Only the quoted examples go: the definition keeps its own inner "; ".
        XCTAssertEqual(dog.definition, "a member of the genus Canis (probably descended from the common wolf) that has been "
            + "domesticated by man since prehistoric times; occurs in many breeds")
        XCTAssertEqual(dog.key, "n02084071")
    }

    func testGlossDefinitionRules() throws {
        let wn = try TestSupport.fixtureWordNet()
        XCTAssertEqual(wn.synset(.noun, offset: 2_075_296)?.definition, "a terrestrial or aquatic flesh-eating mammal")
        let ad = try XCTUnwrap(wn.synset(.adv, offset: 1837))
        XCTAssertEqual(ad.lemmas, ["AD", "A.D.", "anno Domini"])
        XCTAssertEqual(ad.pointers, [])
        XCTAssertEqual(ad.definition, "in the Christian era; used before dates after the supposed year Christ was born")
        // A gloss with no example is its own definition (parentheses and digits kept).
        let einstein = try XCTUnwrap(wn.synset(.noun, offset: 10_954_498))
        XCTAssertEqual(einstein.definition, einstein.gloss)
        XCTAssertTrue(einstein.gloss.hasSuffix("(later called photons) (1879-1955)"))
        XCTAssertEqual(einstein.pointers.first, WordNetPointer(symbol: "@i", targetOffset: 10_428_004, targetPOS: .noun, source: 0, target: 0))
        // A dangling ";" (gloss "inaccessible and sparsely populated;  ") is dropped.
        XCTAssertEqual(wn.synset(.adj, offset: 20103)?.definition, "inaccessible and sparsely populated")
        XCTAssertEqual(Synset.definition(ofGloss: "  x; y;\"z\"; \"example\"; \"more\" "), "x; y;\"z\"")
        XCTAssertEqual(Synset.definition(ofGloss: ""), "")
    }

    func testLexicalAntonymPointer() throws {
        let wn = try TestSupport.fixtureWordNet()
        let man = try XCTUnwrap(wn.synset(.noun, offset: 10_287_213))
        XCTAssertEqual(man.lexFileName, "noun.person")
        XCTAssertEqual(man.lemmas, ["man", "adult male"])
        XCTAssertEqual(man.pointers.first { $0.symbol == "!" },
                       WordNetPointer(symbol: "!", targetOffset: 10_787_470, targetPOS: .noun, source: 1, target: 1))
        XCTAssertEqual(man.pointers.filter { $0.symbol == "~i" }.count, 7)
    }

    func testAdjectiveSatellitesAndMarkers() throws {
        let wn = try TestSupport.fixtureWordNet()
        let abounding = try XCTUnwrap(wn.synset(.adj, offset: 14358))
        XCTAssertEqual(abounding.lemmas, ["abounding", "galore"])           // galore(ip)
        XCTAssertTrue(abounding.isSatellite)
        XCTAssertEqual(abounding.pos, .adj)
        XCTAssertEqual(abounding.key, "a00014358")
        XCTAssertEqual(abounding.definition, "existing in abundance")
        XCTAssertEqual(abounding.pointers, [WordNetPointer(symbol: "&", targetOffset: 13887, targetPOS: .adj, source: 0, target: 0)])
        XCTAssertEqual(wn.synset(.adj, offset: 20103)?.lemmas, ["outback", "remote"])   // outback(a)
        XCTAssertEqual(wn.synset(.adj, offset: 19731)?.lemmas, ["handy", "ready to hand"])  // ready_to_hand(p)
        let abundant = try XCTUnwrap(wn.synset(.adj, offset: 13887))
        XCTAssertFalse(abundant.isSatellite)
        XCTAssertEqual(abundant.lexFileName, "adj.all")
        XCTAssertEqual(abundant.pointers.first { $0.symbol == "!" },
                       WordNetPointer(symbol: "!", targetOffset: 16756, targetPOS: .adj, source: 1, target: 1))
        XCTAssertEqual(abundant.pointers.first { $0.symbol == "=" }?.targetPOS, .noun)
    }

    func testVerbsWithFrames() throws {
        let wn = try TestSupport.fixtureWordNet()
        let bark = try XCTUnwrap(wn.synset(.verb, offset: 1_047_763))
        XCTAssertEqual(bark.lexFileName, "verb.communication")
        XCTAssertEqual(bark.lemmas, ["bark"])
        XCTAssertEqual(bark.pointers.count, 6)
        XCTAssertEqual(bark.pointers[3], WordNetPointer(symbol: "+", targetOffset: 2_084_732, targetPOS: .noun, source: 1, target: 4))
        XCTAssertEqual(bark.definition, "make barking sounds")
        let run = try XCTUnwrap(wn.synset(.verb, offset: 2_685_951))   // 5 words, lex_id 8 and 3, 1 frame
        XCTAssertEqual(run.lemmas, ["run", "go", "pass", "lead", "extend"])
        XCTAssertEqual(wn.synset(.verb, offset: 1_263_802)?.lemmas, ["bark", "skin"])   // 2 frames
    }

    func testLookupsAndMissingParts() throws {
        let wn = try WordNet(directory: TestSupport.fixtureDirectory, parts: [.noun])
        XCTAssertEqual(wn.parts, [.noun])
        XCTAssertNil(wn.synset(.noun, offset: 12345))
        XCTAssertEqual(wn.synsets(.verb), [])
        XCTAssertNil(wn.synset(.verb, offset: 1_047_763))
        let empty = try TestSupport.temporaryDirectory(self)
        XCTAssertThrowsDataError(try WordNet(directory: empty, parts: [.noun]),
                                 .missingFile(path: empty.appendingPathComponent("data.noun").path))
    }

    // MARK: malformed lines (each a single change to a real line; the bad line is line 31)

    private func dogLine() throws -> String { try TestSupport.fixtureLines(.noun).first { $0.hasPrefix("02084071 ") }! }
    private func barkLine() throws -> String { try TestSupport.fixtureLines(.verb).first { $0.hasPrefix("01047763 ") }! }

    /// Parses license + one good line + `bad` as `data.<pos>` and returns the error.
    private func parseError(_ bad: String, pos: PartOfSpeech = .noun, file: StaticString = #filePath, line: UInt = #line) throws -> DataError? {
        let good = pos == .noun ? try dogLine().replacingOccurrences(of: "02084071 ", with: "00000001 ") : try TestSupport.fixtureLines(pos)[29]
        let text = (try TestSupport.licenseHeader() + [good, bad]).joined(separator: "\n") + "\n"
        do {
            _ = try WordNetParser.parse(Array(text.utf8), fileName: pos.dataFileName, pos: pos)
            XCTFail("no error", file: file, line: line)
            return nil
        } catch let e as DataError { return e }
    }

    private func replacing(_ line: String, _ old: String, _ new: String) -> String {
        precondition(line.contains(old))
        return line.replacingOccurrences(of: old, with: new)
    }

    func testBadHexWordCount() throws {
        let e = try parseError(replacing(try dogLine(), " n 03 dog ", " n zz dog "))
        XCTAssertEqual(e, .badField(file: "data.noun", line: 31, field: "w_cnt", expected: "2 hex digits", found: "zz"))
        XCTAssertEqual(e?.description, "data.noun:31: field 'w_cnt': expected 2 hex digits, got \"zz\"")
    }

    func testBadFieldsEachNamed() throws {
        let dog = try dogLine()
        let cases: [(String, String, String)] = [   // (changed line, field, expected)
            (replacing(dog, "02084071 05", "2084071 05"), "synset_offset", "8 decimal digits"),
            (replacing(dog, "02084071 05 n", "02084071 5x n"), "lex_filenum", "2 decimal digits"),
            (replacing(dog, " n 03 dog 0 ", " n 00 dog 0 "), "w_cnt", "at least 1 word"),
            (replacing(dog, "dog 0 domestic_dog", "dog g domestic_dog"), "lex_id 1", "1 hex digit"),
            (replacing(dog, "Canis_familiaris 0 023", "Canis_familiaris 0 23"), "p_cnt", "3 decimal digits"),
            (replacing(dog, "023 @ 02083346", "023 ? 02083346"), "ptr 1 pointer_symbol", "a pointer symbol (man 5 wninput)"),
            (replacing(dog, "@ 02083346 n 0000", "@ 0208334 n 0000"), "ptr 1 synset_offset", "8 decimal digits"),
            (replacing(dog, "@ 02083346 n 0000", "@ 02083346 x 0000"), "ptr 1 pos", "one of n v a s r"),
            (replacing(dog, "@ 02083346 n 0000", "@ 02083346 n 00g0"), "ptr 1 source/target", "4 hex digits"),
            (replacing(dog, "@ 02083346 n 0000", "@ 02083346 n 0401"), "ptr 1 source/target", "a source word number ≤ w_cnt (3)"),
        ]
        for (line, field, expected) in cases {
            guard case let .badField(file, number, f, exp, _)? = try parseError(line) else {
                XCTFail("expected badField \(field)"); continue
            }
            XCTAssertEqual([file, String(number), f, exp], ["data.noun", "31", field, expected])
        }
    }

    func testCategoryMismatches() throws {
        let dog = try dogLine()
        XCTAssertEqual(try parseError(replacing(dog, "02084071 05 n", "02084071 29 n")),
                       .badField(file: "data.noun", line: 31, field: "lex_filenum",
                                 expected: "a noun lexicographer file number (man 5 lexnames)", found: "29"))
        XCTAssertEqual(try parseError(replacing(dog, "02084071 05 n", "02084071 05 v")),
                       .badField(file: "data.noun", line: 31, field: "ss_type", expected: "'n' in data.noun", found: "v"))
    }

    func testShapeErrors() throws {
        let dog = try dogLine()
        XCTAssertEqual(try parseError(replacing(dog, " | a member", " a member")),
                       .malformedLine(file: "data.noun", line: 31, reason: "no gloss separator '|'"))
        XCTAssertEqual(try parseError(replacing(dog, "Canis_familiaris 0 023", "Canis_familiaris 0 024")),
                       .malformedLine(file: "data.noun", line: 31,
                                      reason: "field 'ptr 24 pointer_symbol' missing: the fields end before the gloss separator '|'"))
        XCTAssertEqual(try parseError(replacing(dog, "Canis_familiaris 0 023", "Canis_familiaris 0 022")),
                       .malformedLine(file: "data.noun", line: 31, reason: "unexpected field \"%p\" before the gloss separator '|'"))
        XCTAssertEqual(try parseError("02084071 05 n | only a gloss"),
                       .malformedLine(file: "data.noun", line: 31,
                                      reason: "field 'w_cnt' missing: the fields end before the gloss separator '|'"))
    }

    func testVerbFrameErrors() throws {
        let bark = try barkLine()
        XCTAssertEqual(try parseError(replacing(bark, "01 + 01 00 |", "01 - 01 00 |"), pos: .verb),
                       .badField(file: "data.verb", line: 31, field: "frame 1 '+'", expected: "'+'", found: "-"))
        XCTAssertEqual(try parseError(replacing(bark, "01 + 01 00 |", "01 + 01 02 |"), pos: .verb),
                       .badField(file: "data.verb", line: 31, field: "frame 1 w_num", expected: "a word number ≤ w_cnt (1)", found: "02"))
        XCTAssertEqual(try parseError(replacing(bark, " 01 + 01 00 |", " |"), pos: .verb),
                       .malformedLine(file: "data.verb", line: 31, reason: "field 'f_cnt' missing: the fields end before the gloss separator '|'"))
        // Frames are only allowed in data.verb.
        XCTAssertEqual(try parseError(replacing(try dogLine(), " | a member", " 01 + 01 00 | a member")),
                       .malformedLine(file: "data.noun", line: 31, reason: "unexpected field \"01\" before the gloss separator '|'"))
    }

    func testInvalidUTF8BlankLineAndDuplicate() throws {
        let header = try TestSupport.licenseHeader().joined(separator: "\n") + "\n"
        let dog = try dogLine()
        var bytes = Array((header + dog + "\n").utf8)
        bytes += Array(replacing(dog, "02084071", "00000002").utf8.prefix(60)) + [0xFF, 0xFE] + Array(" | x\n".utf8)
        XCTAssertThrowsDataError(try WordNetParser.parse(bytes, fileName: "data.noun", pos: .noun),
                                 .invalidUTF8(file: "data.noun", line: 31))
        XCTAssertThrowsDataError(try WordNetParser.parse(Array((header + dog + "\n\n" + dog + "\n").utf8), fileName: "data.noun", pos: .noun),
                                 .malformedLine(file: "data.noun", line: 31, reason: "empty line"))
        XCTAssertThrowsDataError(try WordNetParser.parse(Array((header + dog + "\n" + dog + "\n").utf8), fileName: "data.noun", pos: .noun),
                                 .malformedLine(file: "data.noun", line: 31, reason: "duplicate synset_offset 02084071 (first on line 30)"))
        // No final newline, and CRLF line ends, are fine.
        XCTAssertEqual(try WordNetParser.parse(Array((header + dog).utf8), fileName: "data.noun", pos: .noun).count, 1)
        let crlf = try WordNetParser.parse(Array((header + dog + "\r\n").utf8), fileName: "data.noun", pos: .noun)
        XCTAssertEqual(crlf.first?.gloss.hasSuffix("\"the dog barked all night\""), true)
    }

    func testErrorsFromFilesNameTheFile() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        var lines = try TestSupport.fixtureLines(.noun)
        lines[35] = lines[35].replacingOccurrences(of: " | ", with: " ")
        try TestSupport.write(lines.joined(separator: "\n") + "\n", "data.noun", in: dir)
        XCTAssertThrowsDataError(try WordNet(directory: dir, parts: [.noun]),
                                 .malformedLine(file: "data.noun", line: 36, reason: "no gloss separator '|'"))
    }
}
