import Foundation
import Support

/// An in-memory WordNet 3.0 database (the `data.<pos>` files of Debian's `wordnet-base`).
///
/// Only the categories passed to `init` are read. Synsets are kept in file order; lookups by offset are O(1).
public struct WordNet: Sendable {
    /// Lexicographer file names, index = `lex_filenum` (`man 5 lexnames`, WordNet 3.0): 45 entries,
    /// adjectives 00, 01, 44; adverbs 02; nouns 03–28 (26 files); verbs 29–43 (15 files).
    public static let lexicographerFileNames: [String] = [
        "adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal", "noun.artifact",
        "noun.attribute", "noun.body", "noun.cognition", "noun.communication", "noun.event", "noun.feeling",
        "noun.food", "noun.group", "noun.location", "noun.motive", "noun.object", "noun.person",
        "noun.phenomenon", "noun.plant", "noun.possession", "noun.process", "noun.quantity", "noun.relation",
        "noun.shape", "noun.state", "noun.substance", "noun.time", "verb.body", "verb.change", "verb.cognition",
        "verb.communication", "verb.competition", "verb.consumption", "verb.contact", "verb.creation",
        "verb.emotion", "verb.motion", "verb.perception", "verb.possession", "verb.social", "verb.stative",
        "verb.weather", "adj.ppl",
    ]

    /// The folder the database was read from (nil when built from synsets in memory).
    public let directory: URL?
    /// The categories that were loaded, in `PartOfSpeech.allCases` order.
    public let parts: [PartOfSpeech]
    private let store: [PartOfSpeech: [Synset]]
    private let index: [PartOfSpeech: [Int: Int]]

    /// Reads `data.<pos>` for each of `parts` from `directory`.
    /// Throws `DataError.missingFile` for an absent file and a line-numbered `DataError` for any malformed line.
    public init(directory: URL, parts: [PartOfSpeech] = PartOfSpeech.allCases) throws {
        var loaded: [PartOfSpeech: [Synset]] = [:]
        for pos in PartOfSpeech.allCases where parts.contains(pos) {
            let url = directory.appendingPathComponent(pos.dataFileName)
            guard FileManager.default.fileExists(atPath: url.path) else { throw DataError.missingFile(path: url.path) }
            let data: Data
            do { data = try Data(contentsOf: url) } catch {
                throw DataError.unreadableFile(path: url.path, reason: FileSystemError.readFailure(url.path))
            }
            loaded[pos] = try WordNetParser.parse([UInt8](data), fileName: pos.dataFileName, pos: pos)
        }
        self.init(directory: directory, synsets: loaded)
    }

    /// A database from already-parsed synsets (tests, subsets). Later duplicates of an offset are unreachable
    /// by `synset(_:offset:)`.
    public init(synsets: [PartOfSpeech: [Synset]]) {
        self.init(directory: nil, synsets: synsets)
    }

    private init(directory: URL?, synsets: [PartOfSpeech: [Synset]]) {
        self.directory = directory
        self.parts = PartOfSpeech.allCases.filter { synsets[$0] != nil }
        self.store = synsets
        var idx: [PartOfSpeech: [Int: Int]] = [:]
        for (pos, list) in synsets {
            var m = [Int: Int](minimumCapacity: list.count)
            for (i, s) in list.enumerated() where m[s.offset] == nil { m[s.offset] = i }
            idx[pos] = m
        }
        self.index = idx
    }

    /// All synsets of a category in file order (empty if the category was not loaded).
    public func synsets(_ pos: PartOfSpeech) -> [Synset] { store[pos] ?? [] }

    /// The synset at `offset` in `data.<pos>`, if loaded.
    public func synset(_ pos: PartOfSpeech, offset: Int) -> Synset? {
        guard let i = index[pos]?[offset] else { return nil }
        return store[pos]![i]
    }

    /// Finds the database folder (one holding at least one `data.<pos>` file). Order:
    /// 1. `override` (a folder; `~` expanded) — if given it must hold the database, there is no fallback;
    /// 2. environment `WNSEARCHDIR` (WordNet's own variable), then `$WNHOME/dict` (its documented default);
    /// 3. the folder of `data.noun` in `dpkg -L wordnet-base` (Debian's package);
    /// 4. `/usr/share/wordnet`.
    /// Throws `DataError.wordnetNotFound` listing every place tried.
    public static func locateDatabase(override: String?) throws -> URL {
        try locateDatabase(override: override, environment: ProcessInfo.processInfo.environment,
                           dpkgDataFolder: dpkgWordNetFolder)
    }

    static func locateDatabase(override: String?, environment: [String: String],
                               dpkgDataFolder: () -> String?) throws -> URL {
        func holdsDatabase(_ dir: String) -> Bool {
            PartOfSpeech.allCases.contains { FileManager.default.fileExists(atPath: dir + "/" + $0.dataFileName) }
        }
        if let override {
            let dir = (override as NSString).expandingTildeInPath
            if holdsDatabase(dir) { return URL(fileURLWithPath: dir, isDirectory: true) }
            throw DataError.wordnetNotFound(searched: ["\(dir) (given explicitly; no data.noun/verb/adj/adv there)"])
        }
        var searched: [String] = []
        var candidates: [(String, String)] = []
        if let d = environment["WNSEARCHDIR"], !d.isEmpty { candidates.append((d, "$WNSEARCHDIR")) }
        else { searched.append("$WNSEARCHDIR (unset)") }
        if let h = environment["WNHOME"], !h.isEmpty { candidates.append((h + "/dict", "$WNHOME/dict")) }
        else { searched.append("$WNHOME (unset)") }
        for (dir, origin) in candidates {
            if holdsDatabase(dir) { return URL(fileURLWithPath: dir, isDirectory: true) }
            searched.append("\(dir) (\(origin))")
        }
        if let dir = dpkgDataFolder() {
            if holdsDatabase(dir) { return URL(fileURLWithPath: dir, isDirectory: true) }
            searched.append("\(dir) (dpkg -L wordnet-base)")
        } else {
            searched.append("dpkg -L wordnet-base (no data.noun listed)")
        }
        let fallback = "/usr/share/wordnet"
        if holdsDatabase(fallback) { return URL(fileURLWithPath: fallback, isDirectory: true) }
        searched.append(fallback)
        throw DataError.wordnetNotFound(searched: searched)
    }

    /// The folder of `data.noun` as listed by `dpkg -L wordnet-base`, or nil (no dpkg, package not installed).
    static func dpkgWordNetFolder() -> String? {
        let dpkg = "/usr/bin/dpkg"
        guard FileManager.default.isExecutableFile(atPath: dpkg) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: dpkg)
        process.arguments = ["-L", "wordnet-base"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasSuffix("/data.noun") {
            return String(line.dropLast("/data.noun".count))
        }
        return nil
    }
}
