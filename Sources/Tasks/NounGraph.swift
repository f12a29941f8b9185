/// The noun hypernym graph used by `wordnet-pairs`: synsets sorted by offset, `@`/`@i` edges, their inverse,
/// and a case-insensitive lemma → senses index. Pointers to synsets that are not loaded are ignored.
struct NounGraph {
    let synsets: [Synset]
    let indexOfOffset: [Int: Int]
    /// Direct hypernyms (`@` and `@i` pointers to loaded nouns), in pointer order, deduplicated.
    let hypernyms: [[Int]]
    /// Direct hyponyms: the inverse of `hypernyms` (so it agrees with it even in partial data).
    let children: [[Int]]
    /// Lower-cased lemmas of each synset.
    let lowerLemmas: [[String]]
    /// Lower-cased lemma → every synset having it (its senses), ascending.
    let senses: [String: [Int]]

    init(nouns: [Synset]) {
        let sorted = nouns.sorted { $0.offset < $1.offset }
        synsets = sorted
        var idx = [Int: Int](minimumCapacity: sorted.count)
        for (i, s) in sorted.enumerated() where idx[s.offset] == nil { idx[s.offset] = i }
        indexOfOffset = idx
        var hyper = [[Int]](repeating: [], count: sorted.count)
        var kids = [[Int]](repeating: [], count: sorted.count)
        for (i, s) in sorted.enumerated() {
            for p in s.pointers where (p.symbol == "@" || p.symbol == "@i") && p.targetPOS == .noun {
                if let j = idx[p.targetOffset], j != i, !hyper[i].contains(j) {
                    hyper[i].append(j)
                    kids[j].append(i)
                }
            }
        }
        hypernyms = hyper
        children = kids
        var lower: [[String]] = []
        lower.reserveCapacity(sorted.count)
        var sense: [String: [Int]] = [:]
        for (i, s) in sorted.enumerated() {
            let l = s.lemmas.map { $0.lowercased() }
            lower.append(l)
            for w in Set(l) { sense[w, default: []].append(i) }
        }
        lowerLemmas = lower
        senses = sense
    }

    /// Ancestors of `i` by breadth-first search over `hypernyms`, nearest first, without `i`; `depth` limits the
    /// number of hypernym steps (nil = all the way to the root).
    func ancestors(of i: Int, depth: Int? = nil) -> [Int] {
        var out: [Int] = []
        var seen: Set<Int> = [i]
        var frontier = [i]
        var level = 0
        while !frontier.isEmpty, depth.map({ level < $0 }) ?? true {
            var next: [Int] = []
            for f in frontier {
                for h in hypernyms[f] where seen.insert(h).inserted {
                    out.append(h)
                    next.append(h)
                }
            }
            frontier = next
            level += 1
        }
        return out
    }
}
