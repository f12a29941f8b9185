import XCTest
@testable import Tokenization

/// The hand-written `ByteLevel` split rule on cases worked out from its regex
/// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
final class BPEPreTokenizerTests: XCTestCase {
    private func pieces(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        return BPETokenizer.byteLevelPieces(scalars).map { range in
            var s = ""
            s.unicodeScalars.append(contentsOf: scalars[range])
            return s
        }
    }

    func testWordsTakeOneLeadingSpace() {
        XCTAssertEqual(pieces("Hello world"), ["Hello", " world"])
        XCTAssertEqual(pieces(" Hello"), [" Hello"])
        XCTAssertEqual(pieces("ab 🐶🐱 c"), ["ab", " 🐶🐱", " c"])
        XCTAssertEqual(pieces("!!? ab"), ["!!?", " ab"])
        XCTAssertEqual(pieces(""), [])
    }

    func testClassesSplitRuns() {
        XCTAssertEqual(pieces("abc123def"), ["abc", "123", "def"])
        XCTAssertEqual(pieces(" 12 ab"), [" 12", " ab"])
        XCTAssertEqual(pieces("x½²"), ["x", "½²"], "No is a number")
        XCTAssertEqual(pieces("e\u{301}t"), ["e", "\u{301}", "t"], "a combining mark (Mn) is neither letter nor number")
        XCTAssertEqual(pieces("中文,字"), ["中文", ",", "字"])
    }

    func testContractionsAreCaseSensitiveAndApostropheOnly() {
        XCTAssertEqual(pieces("don't we're I'll"), ["don", "'t", " we", "'re", " I", "'ll"])
        XCTAssertEqual(pieces("x's 'd 'm 've"), ["x", "'s", " '", "d", " '", "m", " '", "ve"])
        XCTAssertEqual(pieces("IT'S"), ["IT", "'", "S"])
        XCTAssertEqual(pieces("don’t"), ["don", "’", "t"], "U+2019 is not an apostrophe here")
        XCTAssertEqual(pieces("'''s"), ["'''", "s"])
    }

    func testWhitespaceRunsLeaveTheirLastScalarToTheNextPiece() {
        XCTAssertEqual(pieces("a  1"), ["a", " ", " 1"])
        XCTAssertEqual(pieces("a   b"), ["a", "  ", " b"])
        XCTAssertEqual(pieces("a\t\tb"), ["a", "\t", "\t", "b"])
        XCTAssertEqual(pieces("a\n b"), ["a", "\n", " b"])
        XCTAssertEqual(pieces("a \nb"), ["a", " ", "\n", "b"])
        XCTAssertEqual(pieces("x   "), ["x", "   "], "a run reaching the end stays whole")
        XCTAssertEqual(pieces("\n\n\n"), ["\n\n\n"])
        XCTAssertEqual(pieces("a\u{A0}b"), ["a", "\u{A0}", "b"], "only U+0020 is the optional leading space")
        XCTAssertEqual(pieces("a\u{3000}\u{3000}b"), ["a", "\u{3000}", "\u{3000}", "b"])
    }
}
