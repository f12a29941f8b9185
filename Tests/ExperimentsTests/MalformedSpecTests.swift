import Foundation
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// The malformed-spec corpus: every `Tests/Fixtures/specs/bad-*.json` has exactly one defect, and this table
/// holds the exact message it must produce (`<file>: <json.path>: <reason>`). `{base}` stands for the
/// repository root the test resolves against.
final class MalformedSpecTests: XCTestCase {
    enum Stage { case decode, resolve }

    static let cases: [(file: String, stage: Stage, message: String)] = [
        // Syntax (byte-located)
        ("bad-syntax-missing-comma.json", .decode, "byte 28 (line 3, column 3): expected ',' or '}' after the value of 'name', found '\"'"),
        ("bad-trailing-comma.json", .decode, "byte 59 (line 4, column 1): trailing comma before '}' is not allowed in JSON"),
        ("bad-comment.json", .decode, "byte 4 (line 2, column 3): comments are not allowed in JSON"),
        ("bad-empty-file.json", .decode, "byte 0 (line 1, column 1): expected a JSON value, found the end of the file (the file is empty)"),
        ("bad-duplicate-key.json", .decode, "training: duplicate key 'steps' (at bytes 171 and 185)"),
        ("bad-top-level-array.json", .decode, "(top level): expected an object, got an array"),
        // Keys
        ("bad-unknown-key.json", .decode, "training: unknown key 'learningrate' — did you mean 'learningRate'?"),
        ("bad-unknown-top-level-key.json", .decode, "(top level): unknown key 'titel' — did you mean 'title'?"),
        ("bad-missing-name.json", .decode, "(top level): missing required key 'name'"),
        ("bad-missing-targets.json", .decode, "adapters[0]: missing required key 'targets'"),
        ("bad-task-foreign-key.json", .decode, "task: unknown key 'parts' — it belongs to task kind wordnet-supersense, wordnet-pairs, wordnet-gloss, not jsonl"),
        // Types
        ("bad-batch-size-fraction.json", .decode, "training.batchSize: expected an integer, got 32.5"),
        ("bad-steps-float-literal.json", .decode, "training.steps: expected an integer, got 300.0"),
        ("bad-bool-as-number.json", .decode, "lora.rsLoRA: expected true or false, got 1"),
        ("bad-number-as-string.json", .decode, "training.learningRate: expected a number, got \"1e-3\""),
        ("bad-null-batch-size.json", .decode, "training.batchSize: expected an integer, got null"),
        // Enumerations
        ("bad-schedule.json", .decode, "training.schedule: unknown schedule 'cosin' (expected one of linear, cosine, constant)"),
        ("bad-task-kind.json", .decode,
         "task.kind: unknown task kind 'wordnet' (expected one of wordnet-supersense, wordnet-pairs, planted-rank, jsonl, glue-tsv, wordnet-gloss)"),
        ("bad-unknown-target.json", .decode, "adapters[0].targets[1]: unknown target 'x' (expected one of q, k, v, o, ffn_gate, ffn_up, ffn_down)"),
        ("bad-alpha-word.json", .decode, "lora.alpha: unknown alpha 'r' (expected a number > 0, or \"rank\" for α = r)"),
        // Empty arrays and repeats
        ("bad-empty-adapters.json", .decode, "adapters: must not be empty"),
        ("bad-empty-ranks.json", .decode, "adapters[0].ranks: must not be empty"),
        ("bad-duplicate-target.json", .decode, "adapters[0].targets[2]: duplicate target \"q\" (also at [0])"),
        ("bad-duplicate-rank.json", .decode, "adapters[0].ranks[2]: duplicate rank 2 (also at [1])"),
        // Exactly one of
        ("bad-steps-and-epochs.json", .decode, "training: give exactly one of 'steps' or 'epochs', not both"),
        ("bad-no-steps-or-epochs.json", .decode, "training: missing 'steps' or 'epochs' (give exactly one)"),
        ("bad-ranks-and-budget.json", .decode, "adapters[0]: give exactly one of 'ranks' or 'budget', not both"),
        ("bad-model-both-sources.json", .decode, "model: give exactly one of 'checkpoint' or 'builtin', not both"),
        // Ranges
        ("bad-zero-batch-size.json", .decode, "training.batchSize: must be ≥ 1, got 0"),
        ("bad-negative-learning-rate.json", .decode, "training.learningRate: must be > 0, got -0.001"),
        ("bad-warmup-fraction.json", .decode, "training.warmupFraction: must be in [0, 1], got 1.5"),
        ("bad-dropout-one.json", .decode, "lora.dropout: must be in [0, 1), got 1.0"),
        ("bad-negative-seed.json", .decode, "seeds.data[0]: must be ≥ 0, got -1"),
        ("bad-null-draws.json", .decode, "analyses.nullDraws: must be ≥ 200, got 50"),
        ("bad-name-characters.json", .decode,
         "name: must be 1–64 characters of a–z, 0–9 and '-', not starting or ending with '-' (it names the folder results/<name>/), got \"QV rank\""),
        // Between sections (still no model needed)
        ("bad-gaussian-std-with-kaiming.json", .decode, "lora.gaussianStd: applies only to init 'gaussian' (init is 'kaiming-uniform')"),
        ("bad-planted-recovery-task.json", .decode, "analyses.plantedRecovery: needs task kind 'planted-rank' (the task is 'wordnet-supersense')"),
        ("bad-data-metric-planted.json", .decode, "analyses.dataMetric: needs a classification task (the planted-rank task judges recovery in the data metric already, with its own covariances)"),
        ("bad-data-metric-type.json", .decode, "analyses.dataMetric: expected true or false, got \"yes\""),
        ("bad-extra-seeds-targets.json", .decode, "seeds.extra[0].targets: no adapter set has targets q+k (adapters have q+v)"),
        // The head-only baseline
        ("bad-head-only-with-targets.json", .decode,
         "adapters[1].targets: not allowed with \"headOnly\": true (the head-only baseline trains the task head alone, with no adapters)"),
        ("bad-head-only-false.json", .decode, "adapters[1].headOnly: must be true (leave the key out for a set of LoRA adapters)"),
        ("bad-head-only-twice.json", .decode,
         "adapters[2]: a second head-only set (adapters[1] is one); give one, and add seed pairs to seeds or seeds.extra for more baseline runs"),
        ("bad-head-only-planted-task.json", .decode,
         "adapters[1]: a head-only baseline needs a task with a head (task kind 'planted-rank' trains none)"),
        ("bad-extra-seeds-head-only-without-set.json", .decode,
         "seeds.extra[0].headOnly: no adapter set is head-only (add {\"headOnly\": true} to adapters)"),
        ("bad-extra-seeds-head-only-ranks.json", .decode,
         "seeds.extra[0].ranks: not allowed with \"headOnly\": true (the head-only baseline trains the task head alone, with no adapters)"),
        // Rank search
        ("bad-rank-search-order.json", .decode,
         "rankSearch.ranks[2]: must be larger than the rank before it (ranks are tried in increasing order), got 2 after 4"),
        ("bad-rank-search-then-targets.json", .decode,
         "rankSearch.thenTargets[1]: is the searched target set q+v itself (thenTargets lists the other sets to try at the chosen rank)"),
        ("bad-rank-search-planted-task.json", .decode,
         "rankSearch: needs a classification task: it compares validation accuracies, and task kind 'planted-rank' reports mse"),
        // Resolution: the model's shape and the file system
        ("bad-budget-remainder.json", .resolve,
         "adapters[1].budget: 18000 is not a multiple of 4608 (= 6 layers × 1 matrix × (384 + 384)); nearest budgets 13824 (r = 3) and 18432 (r = 4)"),
        ("bad-rank-too-large.json", .resolve, "adapters[0].ranks[2]: rank 512 exceeds 384 = min(in, out) of q (in 384, out 384)"),
        ("bad-rank-search-rank-too-large.json", .resolve, "rankSearch.ranks[2]: rank 512 exceeds 384 = min(in, out) of q (in 384, out 384)"),
        ("bad-gate-on-encoder.json", .resolve,
         "adapters[0].targets: 'ffn_gate' is the MLP gate of a Llama-family decoder; the model is a BERT encoder, whose matrices are q, k, v, o, ffn_up, ffn_down"),
        ("bad-layer-out-of-range.json", .resolve, "adapters[0].layers[1]: layer 6 does not exist (the model has 6 layers, 0–5)"),
        ("bad-missing-checkpoint.json", .resolve,
         "model.checkpoint: checkpoint directory 'models/no-such-model' not found (relative paths are resolved against the repository root {base})"),
        ("bad-missing-data-file.json", .resolve,
         "task.train: file 'data/missing-train.jsonl' not found (relative paths are resolved against the repository root {base})"),
        ("bad-max-tokens.json", .resolve, "task.maxTokens: 1024 exceeds the model's 512 positions"),
        ("bad-seed-similarity-one-seed.json", .resolve,
         "analyses.seedSimilarity.rank: needs two runs of one adapter set at rank 64 that differ in seeds; add a seed to seeds.init or an entry to seeds.extra"),
        ("bad-subspace-pair-rank.json", .resolve, "analyses.subspaceSimilarity.pairs[0]: no adapter set has both ranks 8 and 32"),
        ("bad-extra-seeds-no-new-runs.json", .resolve,
         "seeds.extra[0]: adds no runs: each of its (data, init) seed pairs already runs for its targets and ranks"),
    ]

    func testEveryMalformedSpecGivesItsExactMessage() throws {
        let repo = try TemporaryDirectory.repository()
        for c in Self.cases {
            let expected = "\(c.file): " + c.message.replacingOccurrences(of: "{base}", with: repo.url.path)
            var decoded: ExperimentSpec?
            let error = specError {
                let spec = try Fixtures.spec(c.file)
                decoded = spec
                _ = try RunPlan.resolve(spec, modelShape: .miniLML6, baseDirectory: repo.url, file: c.file)
            }
            XCTAssertEqual(error?.description, expected, c.file)
            XCTAssertEqual(decoded == nil, c.stage == .decode, "\(c.file) should fail at \(c.stage)")
        }
    }

    /// The corpus and the table agree: no fixture without an expected message, and at least 20 of them.
    func testTableCoversTheWholeCorpus() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Fixtures.specs.path)
            .filter { $0.hasPrefix("bad-") && $0.hasSuffix(".json") }
        XCTAssertEqual(Set(files), Set(Self.cases.map(\.file)))
        XCTAssertEqual(Self.cases.count, Set(Self.cases.map(\.file)).count, "a fixture is listed twice")
        XCTAssertGreaterThanOrEqual(files.count, 20)
    }

    /// Errors carry their parts separately too, for tools that want the path.
    func testErrorPartsAreStructured() {
        let error = specError { _ = try Fixtures.spec("bad-batch-size-fraction.json") }
        XCTAssertEqual(error?.file, "bad-batch-size-fraction.json")
        XCTAssertEqual(error?.jsonPath, "training.batchSize")
        XCTAssertEqual(error?.reason, "expected an integer, got 32.5")
        XCTAssertEqual(error?.errorDescription, error?.description)
    }
}
