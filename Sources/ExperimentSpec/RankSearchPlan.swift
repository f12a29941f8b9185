import Analysis
import LoRA
import Support

/// One candidate of a rank search: a target set at a rank, trained once per seed pair of the spec (every layer).
public struct RankSearchCandidate: Codable, Hashable, Sendable {
    public var targets: [LoRATarget]
    public var rank: Int
    /// The cost the rule weighs: trainable LoRA parameters, r · L · Σ (in + out) (the task head, the same for every
    /// candidate, is not counted).
    public var trainableParameters: Int
    /// Its runs, one per seed pair (`seeds.data × seeds.init`, data-major), by run id.
    public var runIDs: [String]

    public init(targets: [LoRATarget], rank: Int, trainableParameters: Int, runIDs: [String]) {
        self.targets = targets
        self.rank = rank
        self.trainableParameters = trainableParameters
        self.runIDs = runIDs
    }

    /// "q+v", as reports write target sets.
    public var targetLabel: String { targets.map(\.rawValue).joined(separator: "+") }
    /// "q+v r = 4".
    public var label: String { "\(targetLabel) r = \(rank)" }

    enum CodingKeys: String, CodingKey {
        case targets, rank, trainableParameters
        case runIDs = "runs"
    }

    public var json: JSONValue {
        .object([
            JSONMember("targets", .strings(targets.map(\.rawValue))), JSONMember("rank", .int(rank)),
            JSONMember("trainableParameters", .int(trainableParameters)), JSONMember("runs", .strings(runIDs)),
        ])
    }
}

/// A spec's `rankSearch` resolved against the model: every candidate it may train, with its cost and run ids, and the
/// rule's two numbers. Which candidates it does train is decided step by step from their results (`RankSearch.path`).
public struct RankSearchPlan: Codable, Equatable, Sendable {
    /// The smallest gain in validation accuracy (a fraction) that pays for a costlier candidate.
    public var minGain: Double
    /// Standard errors of the gain that must lie beyond `minGain`.
    public var z: Double
    /// The searched target set at each rank, in the order tried (increasing rank).
    public var ladder: [RankSearchCandidate]
    /// Each `thenTargets` set at every rank (index k = `ladder[k].rank`), in spec order.
    public var alternatives: [[RankSearchCandidate]]

    public init(minGain: Double, z: Double, ladder: [RankSearchCandidate], alternatives: [[RankSearchCandidate]]) {
        self.minGain = minGain
        self.z = z
        self.ladder = ladder
        self.alternatives = alternatives
    }

    /// Every candidate: the ladder, then each alternative set's.
    public var candidates: [RankSearchCandidate] { ladder + alternatives.flatMap { $0 } }

    /// "rank search: q+v at r = 1, 2, 4, then q, v at the chosen rank (minGain 0.50 points, z = 1)".
    public var summary: String {
        let sets = alternatives.compactMap { $0.first?.targetLabel }
        return "rank search: \(ladder.first?.targetLabel ?? "") at r = \(ladder.map { String($0.rank) }.joined(separator: ", "))"
            + (sets.isEmpty ? "" : ", then \(sets.joined(separator: ", ")) at the chosen rank")
            + " (minGain \(NumberFormat.fixed(100 * minGain, digits: 2)) points, z = \(NumberFormat.significant(z, digits: 4)))"
    }

    /// As `resolved-spec.json` records it.
    public var json: JSONValue {
        .object([
            JSONMember("minGain", .double(minGain)), JSONMember("z", .double(z)),
            JSONMember("ladder", .array(ladder.map(\.json))),
            JSONMember("alternatives", .array(alternatives.map { .array($0.map(\.json)) })),
        ])
    }
}
