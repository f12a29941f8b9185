import Foundation

/// The rank search, planned lazily: which run comes next depends on the finished results, so the runner recomputes the
/// path (`RankSearch.path`, the same pure function the report uses) after every step and trains the candidate it names.
extension ExperimentRunner {
    /// How each ended run of the search's candidates ended, read from the run folders. With `counted`, only those runs
    /// count as ended (`--force`: the runs this invocation trained); nil: every run with a `final.json`.
    func rankSearchResults(counted: Set<String>? = nil) throws -> [String: RankSearchRunResult] {
        guard let search = plan.rankSearch else { return [:] }
        var records: [RunRecord] = []
        for id in Set(search.candidates.flatMap(\.runIDs)).sorted() {
            guard counted?.contains(id) ?? true, let run = plan.run(id: id), isFinished(run) else { continue }
            records.append(try record(run))
        }
        return RankSearch.results(records)
    }

    /// The search's path as the results folder decides it now — every finished run counts, exactly as for the report;
    /// nil when the spec has no rank search.
    /// - Throws: `JSONFileError` when a candidate's `final.json` is not a valid outcome.
    public func rankSearchPath() throws -> RankSearchPath? {
        try rankSearchPath(counted: nil)
    }

    func rankSearchPath(counted: Set<String>?) throws -> RankSearchPath? {
        guard let search = plan.rankSearch else { return nil }
        return RankSearch.path(search, results: try rankSearchResults(counted: counted), validationExamples: recordedValidationExamples())
    }

    /// The runs of the path's next candidate that `run` would train now: selected by `--only` and not ended (with
    /// `force`: not among `trained`, the runs this invocation trained).
    func rankSearchRunsToTrain(trained: Set<String>) throws -> [RunConfig] {
        let counted = options.force ? trained : nil
        guard let next = try rankSearchPath(counted: counted)?.next else { return [] }
        return next.runIDs.compactMap(plan.run(id:)).filter { isSelected($0) && !(isFinished($0) && (counted?.contains($0.id) ?? true)) }
    }

    /// The runs of the path's next candidate that are selected and have no `final.json`: what a Slurm submission hands
    /// over for the search (its later steps depend on these results, so they are submitted once these have finished).
    public func rankSearchRunsToSubmit() throws -> [RunConfig] {
        guard let next = try rankSearchPath()?.next else { return [] }
        return next.runIDs.compactMap(plan.run(id:)).filter { isSelected($0) && !isFinished($0) }
    }

    /// Walks the search: recompute the path, train the next candidate's runs, repeat — until the search is complete, or
    /// its next candidate's runs are not selected by `--only`, or another process holds them. Emits
    /// `rankSearchDecided` for every step as it is decided and `rankSearchEnded` with the final path. Returns the
    /// records of every ended run on the path that `gridRecords` does not hold already.
    func trainRankSearch(after gridRecords: [RunRecord], session: inout TrainingSession,
                         inputs: () throws -> (LoadedModel, LoadedTask, TaskSummary)) throws -> [RunRecord] {
        var announced = 0
        var position = selectedRuns.count
        var path: RankSearchPath
        while true {
            guard let p = try rankSearchPath(counted: options.force ? session.trained : nil) else { return [] }
            path = p
            let decided = path.steps.filter { $0.decision != .pending }
            for step in decided.dropFirst(announced) { session.progress(.rankSearchDecided(step)) }
            announced = decided.count
            if path.isComplete { break }
            let todo = try rankSearchRunsToTrain(trained: session.trained)
            let total = selectedRuns.count + path.visited.flatMap(\.runIDs).count
            var progressed = false
            for run in todo {
                position += 1
                if try obtain(run, position: position, total: max(total, position), inputs: inputs, session: &session) != nil { progressed = true }
            }
            if !progressed { break }
        }
        session.progress(.rankSearchEnded(path))
        var seen = Set(gridRecords.map(\.id))
        var records: [RunRecord] = []
        for id in path.visited.flatMap(\.runIDs) where !seen.contains(id) {
            seen.insert(id)
            if let run = plan.run(id: id), isFinished(run), !options.force || session.trained.contains(id) { records.append(try record(run)) }
        }
        return records
    }
}
