import LinearAlgebra

/// Hypothesis choices of `wordnet-pairs` for one premise synset X (see `WordNetPairs` for the rules).
struct PairSampler {
    let graph: NounGraph
    let depth: Int

    /// What is known about one premise: its ancestors and the synsets it points to.
    struct Context {
        let x: Int
        /// All ancestors of X (every hypernym step to the root), without X.
        let closure: Set<Int>
        /// X followed by its ancestors within `hypernymDepth` steps, nearest first.
        let entailmentSynsets: [Int]
        /// Loaded nouns X points to by any pointer.
        let pointerTargets: Set<Int>
        let directHypernyms: Set<Int>
    }

    func context(_ x: Int) -> Context {
        var targets: Set<Int> = []
        for p in graph.synsets[x].pointers where p.targetPOS == .noun {
            if let j = graph.indexOfOffset[p.targetOffset] { targets.insert(j) }
        }
        return Context(x: x, closure: Set(graph.ancestors(of: x)), entailmentSynsets: [x] + graph.ancestors(of: x, depth: depth),
                       pointerTargets: targets, directHypernyms: Set(graph.hypernyms[x]))
    }

    // MARK: entailment

    /// Entailment choices: (synset, lemma indices). For X itself its lemmas other than the first when it has
    /// several, else its only lemma; for each hypernym within the depth, all its lemmas.
    func entailmentChoices(_ c: Context) -> [(synset: Int, lemmas: [Int])] {
        c.entailmentSynsets.map { s in
            let n = graph.synsets[s].lemmas.count
            return (s, s == c.x && n > 1 ? Array(1..<n) : Array(0..<n))
        }
    }

    /// A uniformly drawn entailment synset, then a uniformly drawn lemma of it. Always succeeds.
    func drawEntailment(_ c: Context, _ g: inout SeededGenerator) -> String {
        let choices = entailmentChoices(c)
        let pick = choices[g.nextInt(below: choices.count)]
        return graph.synsets[pick.synset].lemmas[pick.lemmas[g.nextInt(below: pick.lemmas.count)]]
    }

    // MARK: contradiction

    /// The contradiction pool, with multiplicity: every other hyponym of each direct hypernym of X (lemma
    /// unspecified), then every antonym `!` pointer target of X (with the pointer's target word when lexical).
    func contradictionPool(_ c: Context) -> [(synset: Int, lemma: Int?)] {
        var pool: [(Int, Int?)] = []
        for h in graph.hypernyms[c.x] { for y in graph.children[h] { pool.append((y, nil)) } }
        pool += antonyms(c)
        return pool
    }

    private func antonyms(_ c: Context) -> [(synset: Int, lemma: Int?)] {
        graph.synsets[c.x].pointers.compactMap { p in
            guard p.symbol == "!", p.targetPOS == .noun, let y = graph.indexOfOffset[p.targetOffset] else { return nil }
            return (y, p.target > 0 ? p.target - 1 : nil)
        }
    }

    /// Usable lemma indices of a pool entry: none if the entry is X or an ancestor of X; otherwise its lemma(s)
    /// none of whose senses is X or an ancestor of X (so the word cannot also read as an entailment).
    func contradictionLemmas(_ entry: (synset: Int, lemma: Int?), _ c: Context) -> [Int] {
        let y = entry.synset
        if y == c.x || c.closure.contains(y) { return [] }
        let lemmas = graph.lowerLemmas[y]
        let candidates = entry.lemma.map { $0 < lemmas.count ? [$0] : [] } ?? Array(lemmas.indices)
        return candidates.filter { k in
            graph.senses[lemmas[k]]!.allSatisfy { z in z != c.x && !c.closure.contains(z) }
        }
    }

    /// A pool entry drawn uniformly among the usable ones (rejection sampling, then an exhaustive scan), then a
    /// usable lemma of it drawn uniformly; nil when no entry is usable.
    func drawContradiction(_ c: Context, _ g: inout SeededGenerator) -> String? {
        let sizes: [Int] = graph.hypernyms[c.x].map { graph.children[$0].count }
        let anto = antonyms(c)
        let total = sizes.reduce(0, +) + anto.count
        guard total > 0 else { return nil }
        func entry(_ r: Int) -> (synset: Int, lemma: Int?) {
            var r = r
            for (k, h) in graph.hypernyms[c.x].enumerated() {
                if r < sizes[k] { return (graph.children[h][r], nil) }
                r -= sizes[k]
            }
            return anto[r]
        }
        func finish(_ e: (synset: Int, lemma: Int?), _ usable: [Int]) -> String {
            graph.synsets[e.synset].lemmas[usable[g.nextInt(below: usable.count)]]
        }
        for _ in 0..<16 {
            let e = entry(g.nextInt(below: total))
            let usable = contradictionLemmas(e, c)
            if !usable.isEmpty { return finish(e, usable) }
        }
        var valid: [((synset: Int, lemma: Int?), [Int])] = []
        for r in 0..<total {
            let e = entry(r)
            let usable = contradictionLemmas(e, c)
            if !usable.isEmpty { valid.append((e, usable)) }
        }
        guard !valid.isEmpty else { return nil }
        let (e, usable) = valid[g.nextInt(below: valid.count)]
        return finish(e, usable)
    }

    // MARK: neutral

    /// Whether synset z is unrelated to X: a different lexicographer file, not X, not an ancestor or descendant
    /// of X, no shared direct hypernym (not a co-hyponym), and no pointer between z and X in either direction.
    func unrelated(_ z: Int, _ c: Context) -> Bool {
        let sz = graph.synsets[z], sx = graph.synsets[c.x]
        if z == c.x || sz.lexFile == sx.lexFile || c.closure.contains(z) || c.pointerTargets.contains(z) { return false }
        if graph.hypernyms[z].contains(where: { c.directHypernyms.contains($0) }) { return false }
        if sz.pointers.contains(where: { $0.targetPOS == .noun && $0.targetOffset == sx.offset }) { return false }
        return !graph.ancestors(of: z).contains(c.x)
    }

    /// Usable neutral lemma indices of synset y: those whose every sense (every noun synset with that word) is
    /// unrelated to X — so the word has no reading that would make it an entailment or a contradiction.
    func neutralLemmas(_ y: Int, _ c: Context) -> [Int] {
        guard unrelated(y, c) else { return [] }
        return graph.lowerLemmas[y].indices.filter { k in
            graph.senses[graph.lowerLemmas[y][k]]!.allSatisfy { $0 == y || unrelated($0, c) }
        }
    }

    /// A synset drawn uniformly from all nouns until one has a usable neutral lemma (at most `tries` draws),
    /// then one of its usable lemmas drawn uniformly; nil if every draw failed.
    func drawNeutral(_ c: Context, _ g: inout SeededGenerator, tries: Int = 200) -> String? {
        for _ in 0..<tries {
            let y = g.nextInt(below: graph.synsets.count)
            let usable = neutralLemmas(y, c)
            if !usable.isEmpty { return graph.synsets[y].lemmas[usable[g.nextInt(below: usable.count)]] }
        }
        return nil
    }
}
