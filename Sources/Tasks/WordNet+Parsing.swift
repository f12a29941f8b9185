/// Reading WordNet 3.0 `data.<pos>` files (`man 5 wndb`).
///
/// A data line is
/// `synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt [ptr...] [frames...] | gloss`
/// with, exactly:
/// - `synset_offset`: 8 decimal digits, unique within the file;
/// - `lex_filenum`: 2 decimal digits naming a lexicographer file of the file's category (`man 5 lexnames`);
/// - `ss_type`: `n`, `v`, `a`, `s` (satellite adjective) or `r`, matching the file (`a`/`s` in `data.adj`);
/// - `w_cnt`: 2 hex digits, ≥ 1, then that many `word lex_id` pairs, `lex_id` being 1 hex digit; in `data.adj`
///   a word may end in a syntactic marker `(a)`, `(p)` or `(ip)`, which is removed;
/// - `p_cnt`: 3 decimal digits, then that many pointers `pointer_symbol synset_offset pos source/target`
///   (symbol from `man 5 wninput`, 8-digit offset, pos `n v a s r`, 4 hex digits whose source half is ≤ w_cnt);
/// - in `data.verb` only: `f_cnt` (2 decimal digits) then `f_cnt` groups `+ f_num w_num` (2 decimal, 2 hex);
/// - `|` then the gloss to the end of the line (trailing blanks dropped).
/// Lines starting with two spaces are the license header and are skipped; a final newline is optional; any
/// other blank line is an error. Fields are separated by single spaces (runs of spaces are tolerated).
enum WordNetParser {
    static let pointerSymbols: Set<String> = [
        "!", "@", "@i", "~", "~i", "#m", "#s", "#p", "%m", "%s", "%p", "=", "+",
        ";c", "-c", ";r", "-r", ";u", "-u", "*", ">", "^", "$", "&", "<", "\\",
    ]

    /// Parses a whole data file. `fileName` is used in errors.
    static func parse(_ bytes: [UInt8], fileName: String, pos: PartOfSpeech) throws -> [Synset] {
        // One validation of the whole file (the usual case); per-line checks only to locate a bad line.
        let validUTF8 = String(validating: bytes, as: UTF8.self) != nil
        var synsets: [Synset] = []
        var firstLine: [Int: Int] = [:]
        var lineNumber = 0
        var start = 0
        let n = bytes.count
        while start < n {
            var end = start
            while end < n && bytes[end] != 0x0A { end += 1 }
            lineNumber += 1
            var stop = end
            if stop > start && bytes[stop - 1] == 0x0D { stop -= 1 }
            let line = bytes[start..<stop]
            start = end + 1
            if line.count >= 2 && line[line.startIndex] == 0x20 && line[line.startIndex + 1] == 0x20 { continue }
            if line.isEmpty {
                throw DataError.malformedLine(file: fileName, line: lineNumber, reason: "empty line")
            }
            let synset = try parseLine(line, file: fileName, line: lineNumber, pos: pos, knownValid: validUTF8)
            if let first = firstLine[synset.offset] {
                throw DataError.malformedLine(file: fileName, line: lineNumber,
                    reason: "duplicate synset_offset \(pad8(synset.offset)) (first on line \(first))")
            }
            firstLine[synset.offset] = lineNumber
            synsets.append(synset)
        }
        return synsets
    }

    /// Parses one data line (without its newline).
    static func parseLine(_ line: ArraySlice<UInt8>, file: String, line lineNumber: Int, pos: PartOfSpeech,
                          knownValid: Bool = false) throws -> Synset {
        if !knownValid && String(validating: line, as: UTF8.self) == nil {
            throw DataError.invalidUTF8(file: file, line: lineNumber)
        }
        guard let bar = line.firstIndex(of: UInt8(ascii: "|")) else {
            throw DataError.malformedLine(file: file, line: lineNumber, reason: "no gloss separator '|'")
        }
        var fields = Fields(tokens: line[line.startIndex..<bar].split(separator: 0x20), file: file, line: lineNumber)

        let offset = try fields.decimal("synset_offset", digits: 8)
        let lexFile = try fields.decimal("lex_filenum", digits: 2)
        guard lexFile < WordNet.lexicographerFileNames.count, pos.owns(lexFile: lexFile) else {
            throw fields.bad("lex_filenum", expected: "a \(pos.rawValue) lexicographer file number (man 5 lexnames)",
                             found: pad2(lexFile))
        }
        let ssType = try fields.next("ss_type")
        let allowed: [String] = pos == .adj ? ["a", "s"] : [pos.letter]
        guard let typeText = ascii(ssType), allowed.contains(typeText) else {
            throw fields.bad("ss_type", expected: allowed.map { "'\($0)'" }.joined(separator: " or ") + " in \(file)",
                             found: text(ssType))
        }
        let wordCount = try fields.hex("w_cnt", digits: 2)
        guard wordCount >= 1 else { throw fields.bad("w_cnt", expected: "at least 1 word", found: "00") }
        var lemmas: [String] = []
        lemmas.reserveCapacity(wordCount)
        for w in 1...wordCount {
            let word = try fields.next("word \(w)")
            lemmas.append(lemma(word, stripMarker: pos == .adj))
            _ = try fields.hex("lex_id \(w)", digits: 1)
        }
        let pointerCount = try fields.decimal("p_cnt", digits: 3)
        var pointers: [WordNetPointer] = []
        pointers.reserveCapacity(pointerCount)
        if pointerCount > 0 {
            for p in 1...pointerCount {
                let symbolToken = try fields.next("ptr \(p) pointer_symbol")
                guard let symbol = ascii(symbolToken), pointerSymbols.contains(symbol) else {
                    throw fields.bad("ptr \(p) pointer_symbol", expected: "a pointer symbol (man 5 wninput)",
                                     found: text(symbolToken))
                }
                let target = try fields.decimal("ptr \(p) synset_offset", digits: 8)
                let posToken = try fields.next("ptr \(p) pos")
                guard posToken.count == 1, let targetPOS = pointerPOS(posToken[posToken.startIndex]) else {
                    throw fields.bad("ptr \(p) pos", expected: "one of n v a s r", found: text(posToken))
                }
                let st = try fields.hex("ptr \(p) source/target", digits: 4)
                let source = st >> 8, targetWord = st & 0xFF
                guard source <= wordCount else {
                    throw fields.bad("ptr \(p) source/target", expected: "a source word number ≤ w_cnt (\(wordCount))",
                                     found: text(fields.previous))
                }
                pointers.append(WordNetPointer(symbol: symbol, targetOffset: target, targetPOS: targetPOS,
                                               source: source, target: targetWord))
            }
        }
        if pos == .verb {
            let frameCount = try fields.decimal("f_cnt", digits: 2)
            if frameCount > 0 {
                for f in 1...frameCount {
                    let plus = try fields.next("frame \(f) '+'")
                    guard ascii(plus) == "+" else { throw fields.bad("frame \(f) '+'", expected: "'+'", found: text(plus)) }
                    _ = try fields.decimal("frame \(f) f_num", digits: 2)
                    let w = try fields.hex("frame \(f) w_num", digits: 2)
                    guard w <= wordCount else {
                        throw fields.bad("frame \(f) w_num", expected: "a word number ≤ w_cnt (\(wordCount))",
                                         found: text(fields.previous))
                    }
                }
            }
        }
        if let extra = fields.peek() {
            throw DataError.malformedLine(file: file, line: lineNumber,
                reason: "unexpected field \(text(extra).debugDescription) before the gloss separator '|'")
        }
        var g = line.index(after: bar)
        var e = line.endIndex
        while g < e && (line[g] == 0x20 || line[g] == 0x09) { g += 1 }
        while e > g && (line[e - 1] == 0x20 || line[e - 1] == 0x09) { e -= 1 }
        let gloss = String(decoding: line[g..<e], as: UTF8.self)
        return Synset(offset: offset, pos: pos, isSatellite: ascii(ssType) == "s", lexFile: lexFile,
                      lemmas: lemmas, pointers: pointers, gloss: gloss)
    }

    /// A word field as a lemma: `_` → space; in `data.adj` a trailing `(a)`, `(p)` or `(ip)` marker is removed.
    static func lemma(_ word: ArraySlice<UInt8>, stripMarker: Bool) -> String {
        var w = Array(word)
        if stripMarker, w.last == UInt8(ascii: ")") {
            for marker in ["(a)", "(p)", "(ip)"] {
                let m = Array(marker.utf8)
                if w.count > m.count && Array(w.suffix(m.count)) == m { w.removeLast(m.count); break }
            }
        }
        for i in w.indices where w[i] == UInt8(ascii: "_") { w[i] = 0x20 }
        return String(decoding: w, as: UTF8.self)
    }

    static func pointerPOS(_ b: UInt8) -> PartOfSpeech? {
        switch b {
        case UInt8(ascii: "n"): return .noun
        case UInt8(ascii: "v"): return .verb
        case UInt8(ascii: "a"), UInt8(ascii: "s"): return .adj
        case UInt8(ascii: "r"): return .adv
        default: return nil
        }
    }

    static func ascii(_ t: ArraySlice<UInt8>) -> String? {
        t.allSatisfy({ $0 < 0x80 }) ? String(decoding: t, as: UTF8.self) : nil
    }

    static func text(_ t: ArraySlice<UInt8>) -> String { String(decoding: t, as: UTF8.self) }

    /// The space-separated fields before the gloss, consumed in order with their `man 5 wndb` names.
    struct Fields {
        let tokens: [ArraySlice<UInt8>]
        let file: String
        let line: Int
        var index = 0
        var previous: ArraySlice<UInt8> = []

        init(tokens: [ArraySlice<UInt8>], file: String, line: Int) {
            self.tokens = tokens
            self.file = file
            self.line = line
        }

        func peek() -> ArraySlice<UInt8>? { index < tokens.count ? tokens[index] : nil }

        mutating func next(_ field: String) throws -> ArraySlice<UInt8> {
            guard index < tokens.count else {
                throw DataError.malformedLine(file: file, line: line,
                    reason: "field '\(field)' missing: the fields end before the gloss separator '|'")
            }
            previous = tokens[index]
            index += 1
            return previous
        }

        func bad(_ field: String, expected: String, found: String) -> DataError {
            .badField(file: file, line: line, field: field, expected: expected, found: found)
        }

        mutating func decimal(_ field: String, digits: Int) throws -> Int {
            let t = try next(field)
            var v = 0
            guard t.count == digits else { throw bad(field, expected: "\(digits) decimal digits", found: WordNetParser.text(t)) }
            for b in t {
                guard b >= 0x30 && b <= 0x39 else {
                    throw bad(field, expected: "\(digits) decimal digits", found: WordNetParser.text(t))
                }
                v = v * 10 + Int(b - 0x30)
            }
            return v
        }

        mutating func hex(_ field: String, digits: Int) throws -> Int {
            let t = try next(field)
            let what = digits == 1 ? "1 hex digit" : "\(digits) hex digits"
            guard t.count == digits else { throw bad(field, expected: what, found: WordNetParser.text(t)) }
            var v = 0
            for b in t {
                let d: Int
                switch b {
                case 0x30...0x39: d = Int(b - 0x30)
                case 0x61...0x66: d = Int(b - 0x61 + 10)
                case 0x41...0x46: d = Int(b - 0x41 + 10)
                default: throw bad(field, expected: what, found: WordNetParser.text(t))
                }
                v = v * 16 + d
            }
            return v
        }
    }
}

func pad8(_ n: Int) -> String { let s = String(n); return String(repeating: "0", count: max(0, 8 - s.count)) + s }
func pad2(_ n: Int) -> String { let s = String(n); return String(repeating: "0", count: max(0, 2 - s.count)) + s }
