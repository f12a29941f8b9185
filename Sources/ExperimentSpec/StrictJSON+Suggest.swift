/// "Did you mean …?" for misspelt keys and values.
enum Suggestion {
    /// The candidate closest to `word`, if it is close enough to be a likely typo: the same up to case, `_`
    /// and `-` (`learningrate`, `learning_rate` → `learningRate`); a prefix of at least 4 characters
    /// (`warmup` → `warmupFraction`); or within a small edit distance (1 for words up to 4 characters,
    /// 2 up to 8, else 3). Ties go to the earlier candidate.
    static func nearest(to word: String, among candidates: [String]) -> String? {
        let w = normalize(word)
        guard !w.isEmpty else { return nil }
        if let exact = candidates.first(where: { normalize($0) == w }) { return exact }
        if w.count >= 4, let prefixed = candidates.first(where: { normalize($0).hasPrefix(w) || w.hasPrefix(normalize($0)) }) {
            return prefixed
        }
        let limit = w.count <= 4 ? 1 : (w.count <= 8 ? 2 : 3)
        var best: (String, Int)?
        for c in candidates {
            let d = editDistance(w, normalize(c))
            if d <= limit, d < (best?.1 ?? Int.max) { best = (c, d) }
        }
        return best?.0
    }

    static func normalize(_ s: String) -> String {
        String(s.lowercased().filter { $0 != "_" && $0 != "-" && $0 != " " })
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
