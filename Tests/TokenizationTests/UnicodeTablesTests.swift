import Foundation
import XCTest
@testable import Tokenization

/// Code point by code point, the normalizer and pre-tokenizer classes against what the installed Hugging Face
/// `tokenizers` was measured to do (fixture section "unicode"). Needs no checkpoint.
final class UnicodeTablesTests: XCTestCase {
    static let fixture = Result { try TokenizerFixture.load().unicode }

    private func flat(_ ranges: [[UInt32]]) -> [UInt32] { ranges.flatMap { $0 } }

    func testGeneratedTablesMatchFixture() throws {
        let u = try Self.fixture.get()
        XCTAssertEqual(BertUnicodeTables.removedByCleanText, flat(u.removed_by_clean_text))
        XCTAssertEqual(BertUnicodeTables.punctuation, flat(u.punctuation))
        XCTAssertEqual(BertUnicodeTables.nonspacingMarks, flat(u.nonspacing_marks))
        XCTAssertEqual(BertUnicodeTables.whitespace, u.whitespace)
    }

    func testChineseCharacterRanges() throws {
        let u = try Self.fixture.get()
        let expected = flat(u.chinese)
        for c in UInt32(0)...0x10FFFF {
            if BertTokenizer.isChineseCharacter(c) != BertUnicodeTables.contains(expected, c) {
                XCTFail(String(format: "U+%04X chinese", c))
            }
        }
    }

    /// The binary search answers like the ranges say, at and around every range boundary.
    func testBinarySearchAtRangeBoundaries() {
        for table in [BertUnicodeTables.removedByCleanText, BertUnicodeTables.punctuation, BertUnicodeTables.nonspacingMarks] {
            var pairs: [ClosedRange<UInt32>] = []
            for i in stride(from: 0, to: table.count, by: 2) {
                XCTAssertLessThanOrEqual(table[i], table[i + 1])
                if i > 0 { XCTAssertGreaterThan(table[i], table[i - 1] + 1, "ranges sorted and not adjacent") }
                pairs.append(table[i]...table[i + 1])
            }
            let probes = pairs.flatMap { [$0.lowerBound &- 1, $0.lowerBound, $0.upperBound, $0.upperBound + 1] }
            for c in probes where c <= 0x10FFFF {
                XCTAssertEqual(BertUnicodeTables.contains(table, c), pairs.contains { $0.contains(c) }, "\(c)")
            }
        }
    }

    /// Whole strings through the normalizer (clean, CJK, NFD + strip, lowercase) against `BertNormalizer.normalize_str`,
    /// including mark orders and post-Unicode-9 scalars whose effect cannot show in ids.
    func testNormalizerOnWholeStrings() throws {
        let fixture = try TokenizerFixture.load()
        XCTAssertGreaterThan(fixture.normalizer_cases.count, 60)
        let specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        for (index, c) in fixture.normalizer_cases.enumerated() {
            let o = c.options ?? .init(lowercase: true, strip_accents: nil, tokenize_chinese_chars: true)
            let tok = try BertTokenizer(vocabulary: specials, lowercase: o.lowercase, stripAccents: o.strip_accents,
                                        tokenizeChineseChars: o.tokenize_chinese_chars)
            let got = tok.normalize(scalars(c.text)[...])
            XCTAssertEqual(got, c.normalized, "normalizer case \(index) \(c.text.debugDescription)")
        }
    }

    /// Clean text + whitespace + lowercase on every scalar alone equals the measured Hugging Face result.
    func testCleanAndLowercaseEveryScalar() throws {
        let u = try Self.fixture.get()
        let tok = try BertTokenizer(vocabulary: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"], lowercase: true,
                                    stripAccents: false, tokenizeChineseChars: false)
        let removed = flat(u.removed_by_clean_text), toSpace = Set(u.whitespace_to_space)
        var lower: [UInt32: [UInt32]] = [:]
        for (k, v) in u.lowercase { lower[UInt32(k)!] = v }
        var mismatches = 0
        for c in UInt32(0)...0x10FFFF where Unicode.Scalar(c) != nil {
            let expected: [UInt32] = BertUnicodeTables.contains(removed, c) ? [] : toSpace.contains(c) ? [0x20] : (lower[c] ?? [c])
            let got = tok.normalize([c][...])
            if got != expected {
                mismatches += 1
                if mismatches <= 20 { XCTFail(String(format: "U+%04X: expected %@ got %@", c, "\(expected)", "\(got)")) }
            }
        }
        XCTAssertEqual(mismatches, 0)
    }

    /// NFD + strip Mn on every scalar alone (Hangul syllables aside) equals the measured Hugging Face result.
    func testStripAccentsEveryScalar() throws {
        let u = try Self.fixture.get()
        let tok = try BertTokenizer(vocabulary: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"], lowercase: false,
                                    stripAccents: true, tokenizeChineseChars: false)
        let removed = flat(u.removed_by_clean_text), toSpace = Set(u.whitespace_to_space), marks = flat(u.nonspacing_marks)
        var decomposed: [UInt32: [UInt32]] = [:]
        for (k, v) in u.nfd_strip_except_hangul { decomposed[UInt32(k)!] = v }
        var mismatches = 0
        for c in UInt32(0x80)...0x10FFFF where Unicode.Scalar(c) != nil && !(0xAC00...0xD7A3).contains(c) {
            let expected: [UInt32] = BertUnicodeTables.contains(removed, c) ? [] : toSpace.contains(c) ? [0x20]
                : BertUnicodeTables.contains(marks, c) ? [] : (decomposed[c] ?? [c])
            let got = tok.normalize([c][...])
            if got != expected {
                mismatches += 1
                if mismatches <= 20 { XCTFail(String(format: "U+%04X: expected %@ got %@", c, "\(expected)", "\(got)")) }
            }
        }
        XCTAssertEqual(mismatches, 0)
        // Hangul: the algorithmic decomposition (L V [T] jamo), e.g. 한 = ᄒ ᅡ ᆫ.
        XCTAssertEqual(tok.normalize(scalars("한")[...]), [0x1112, 0x1161, 0x11AB])
    }
}
