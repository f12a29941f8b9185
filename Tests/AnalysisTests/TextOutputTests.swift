import Analysis
import XCTest

/// CSV, Markdown and number formatting: exact bytes.
final class TextOutputTests: XCTestCase {
    func testNumberFormat() {
        XCTAssertEqual(NumberFormat.fixed(0.8125, digits: 3), "0.812")   // exact binary tie → half-even, as C printf
        XCTAssertEqual(NumberFormat.fixed(21.4567, digits: 1), "21.5")
        XCTAssertEqual(NumberFormat.fixed(-0.0001, digits: 3), "0.000")  // no "-0.000"
        XCTAssertEqual(NumberFormat.fixed(-1.25, digits: 1), "-1.2")
        XCTAssertEqual(NumberFormat.fixed(1234567.5, digits: 0), "1234568")  // no grouping separators
        XCTAssertEqual(NumberFormat.significant(21.5, digits: 6), "21.5")
        XCTAssertEqual(NumberFormat.significant(0.00001, digits: 6), "1e-05")
        XCTAssertEqual(NumberFormat.csv(1.0 / 3.0), "0.3333333333")
        XCTAssertEqual(NumberFormat.csv(Double(Float(0.1))), "0.1000000015")  // Float32 0.1 kept to 10 digits
        XCTAssertEqual(NumberFormat.csv(nil), "")
        XCTAssertEqual(NumberFormat.csv(.nan), "nan")
        XCTAssertEqual(NumberFormat.csv(-.infinity), "-inf")
        XCTAssertEqual(NumberFormat.roundTrip(0.1), "0.1")
        XCTAssertEqual(Double(NumberFormat.roundTrip(1.0 / 3.0)), 1.0 / 3.0)
        XCTAssertEqual(NumberFormat.percent(0.8123, digits: 1), "81.2")
        XCTAssertEqual(NumberFormat.coordinate(12.5), "12.5")
        XCTAssertEqual(NumberFormat.coordinate(12.0), "12")
        XCTAssertEqual(NumberFormat.coordinate(7.0 / 3.0), "2.33")
        XCTAssertEqual(NumberFormat.coordinate(-0.001), "0")
    }

    /// RFC 4180: quote fields with comma, quote or line break; double inner quotes; "\n" line ends, trailing newline.
    func testCSVQuoting() {
        var csv = CSVTable(header: ["layer", "matrix", "note"])
        csv.append(["0", "q", "plain"])
        csv.append(["1", "a,b", "he said \"hi\""])
        csv.append(["2", "", "two\nlines"])
        XCTAssertEqual(csv.encoded(), "layer,matrix,note\n0,q,plain\n1,\"a,b\",\"he said \"\"hi\"\"\"\n2,,\"two\nlines\"\n")
        XCTAssertEqual(CSVTable.quote("x\ry"), "\"x\ry\"")
        XCTAssertEqual(CSVTable(header: ["a"]).encoded(), "a\n")
    }

    /// GFM table: header, alignment rule, cells padded; `|` escaped, `\` escaped, newlines as <br>.
    func testMarkdownTable() {
        var t = MarkdownTable(header: ["name", "value"], alignments: [.left, .right])
        t.append(["a|b", "1.0"])
        t.append(["x\ny", "12.25"])
        XCTAssertEqual(t.rendered(), """
        | name   | value |
        | ------ | ----: |
        | a\\|b   |   1.0 |
        | x<br>y | 12.25 |

        """)
        var c = MarkdownTable(header: ["c"], alignments: [.center])
        c.append(["a\\b"])
        XCTAssertEqual(c.rendered(), "| c    |\n| :--: |\n| a\\\\b |\n")
        XCTAssertEqual(MarkdownTable.escape("p|q\r\nr"), "p\\|q<br>r")
    }

    /// (0.80, 0.82, 0.84): mean 0.82, sample std √((0.02² + 0 + 0.02²)/2) = 0.02.
    /// (0.808, 0.816): mean 0.812, std √(2·0.004²/1) = 0.004·√2 ≈ 0.005657 → "0.006".
    func testSeedSummary() {
        let three = SeedSummary([0.80, 0.82, 0.84])
        XCTAssertEqual(three.mean, 0.82, accuracy: 1e-15)
        XCTAssertEqual(three.standardDeviation!, 0.02, accuracy: 1e-15)
        XCTAssertEqual(three.count, 3)
        XCTAssertEqual(three.formatted(digits: 3), "0.820 ± 0.020 (n=3)")
        let two = SeedSummary([0.808, 0.816])
        XCTAssertEqual(two.standardDeviation!, 0.004 * 2.0.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(two.formatted(digits: 3), "0.812 ± 0.006 (n=2)")
        let one = SeedSummary([0.8123])
        XCTAssertNil(one.standardDeviation)
        XCTAssertEqual(one.formatted(digits: 3), "0.812 (n=1)")
        XCTAssertEqual(SeedSummary([]).formatted(digits: 3), "n/a (n=0)")
    }
}
