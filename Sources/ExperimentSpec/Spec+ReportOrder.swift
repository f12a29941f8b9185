extension ExperimentSpec {
    /// The order in which to build the reports of several specs: as given, except that a spec whose `lengthCheckOf`
    /// names another spec of the list comes after it — its report reads that spec's freshly written CSVs (the φ grids
    /// are not committed). A cycle (which no real pair of specs needs) is broken where it closes.
    public static func reportOrder(_ specs: [ExperimentSpec]) -> [Int] {
        let index = Dictionary(specs.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        var order: [Int] = [], placed = Set<Int>(), visiting = Set<Int>()
        func place(_ i: Int) {
            guard !placed.contains(i), !visiting.contains(i) else { return }
            visiting.insert(i)
            if let other = specs[i].lengthCheckOf, let j = index[other], j != i { place(j) }
            visiting.remove(i)
            if placed.insert(i).inserted { order.append(i) }
        }
        specs.indices.forEach(place)
        return order
    }
}
