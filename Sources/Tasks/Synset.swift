/// WordNet's four syntactic categories (satellite adjectives are `adj`).
public enum PartOfSpeech: String, CaseIterable, Codable, Sendable {
    case noun, verb, adj, adv

    /// The letter used in synset keys and in WordNet's pointer `pos` field: n, v, a, r.
    public var letter: String {
        switch self {
        case .noun: return "n"
        case .verb: return "v"
        case .adj: return "a"
        case .adv: return "r"
        }
    }

    /// The database file holding this category's synsets (`data.noun`, ...).
    public var dataFileName: String { "data." + rawValue }

    /// The lexicographer file numbers of this category (`man 5 lexnames`).
    public var lexFileRange: ClosedRange<Int>? {
        switch self {
        case .noun: return 3...28
        case .verb: return 29...43
        case .adj, .adv: return nil  // adj: 00, 01, 44; adv: 02
        }
    }

    /// Whether lexicographer file `lexFile` belongs to this category.
    public func owns(lexFile: Int) -> Bool {
        switch self {
        case .noun, .verb: return lexFileRange!.contains(lexFile)
        case .adj: return lexFile == 0 || lexFile == 1 || lexFile == 44
        case .adv: return lexFile == 2
        }
    }
}

/// One pointer of a synset (`pointer_symbol synset_offset pos source/target`, `man 5 wndb`).
///
/// `source` / `target` are 1-based word numbers within the source and target synsets for a lexical pointer
/// (e.g. an antonym `!` between two lemmas); both are 0 for a semantic pointer between whole synsets.
public struct WordNetPointer: Equatable, Sendable {
    /// e.g. `@` hypernym, `@i` instance hypernym, `~` hyponym, `~i` instance hyponym, `!` antonym.
    public let symbol: String
    public let targetOffset: Int
    /// The target's category (a pointer to a satellite adjective is `adj`).
    public let targetPOS: PartOfSpeech
    public let source: Int
    public let target: Int

    public init(symbol: String, targetOffset: Int, targetPOS: PartOfSpeech, source: Int, target: Int) {
        self.symbol = symbol
        self.targetOffset = targetOffset
        self.targetPOS = targetPOS
        self.source = source
        self.target = target
    }
}

/// One synset (a line of a WordNet `data.<pos>` file).
public struct Synset: Equatable, Sendable {
    /// The 8-digit `synset_offset` (a byte offset into the data file; unique within one category).
    public let offset: Int
    /// The category; satellite adjectives (`ss_type` `s`) are `adj` with `isSatellite`.
    public let pos: PartOfSpeech
    public let isSatellite: Bool
    /// `lex_filenum`, an index into `WordNet.lexicographerFileNames`.
    public let lexFile: Int
    public let lexFileName: String
    /// The words in synset order, underscores replaced by spaces and adjective markers `(a)`, `(p)`, `(ip)` removed.
    public let lemmas: [String]
    public let pointers: [WordNetPointer]
    /// The full gloss: definition, then any `; "..."` example sentences.
    public let gloss: String
    private let storedDefinition: String

    public init(offset: Int, pos: PartOfSpeech, isSatellite: Bool = false, lexFile: Int, lemmas: [String],
                pointers: [WordNetPointer], gloss: String) {
        self.offset = offset
        self.pos = pos
        self.isSatellite = isSatellite
        self.lexFile = lexFile
        self.lexFileName = WordNet.lexicographerFileNames.indices.contains(lexFile)
            ? WordNet.lexicographerFileNames[lexFile] : "lexfile.\(lexFile)"
        self.lemmas = lemmas
        self.pointers = pointers
        self.gloss = gloss
        self.storedDefinition = Synset.definition(ofGloss: gloss)
    }

    /// The gloss up to (not including) its first `; "` — i.e. without the quoted example sentences — with
    /// surrounding whitespace and any dangling trailing `;` removed (27 WordNet 3.0 noun glosses end in `;`).
    /// The whole gloss when it has no `; "`.
    public var definition: String { storedDefinition }

    /// The split key: category letter + the 8-digit offset as written in the data file, e.g. `n02084071`.
    public var key: String { SplitRule.key(pos: pos, offset: offset) }

    static func definition(ofGloss gloss: String) -> String {
        let bytes = Array(gloss.utf8)
        var end = bytes.count
        var i = 0
        while i + 2 < bytes.count {
            if bytes[i] == UInt8(ascii: ";") && bytes[i + 1] == UInt8(ascii: " ") && bytes[i + 2] == UInt8(ascii: "\"") {
                end = i
                break
            }
            i += 1
        }
        var start = 0
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        while start < end && isSpace(bytes[start]) { start += 1 }
        while end > start && (isSpace(bytes[end - 1]) || bytes[end - 1] == UInt8(ascii: ";")) { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
