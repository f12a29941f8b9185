import Foundation
import XCTest

/// The head-only baseline through the `experiment` binary on the built-in tiny model: a spec with a LoRA set and
/// `{"headOnly": true}` is planned, trained for a few steps, reported, rebuilt, shown by `status` and planned for Slurm.
final class HeadOnlyCLITests: XCTestCase {
    /// The toy task of `CLISandbox.toySpec` with q+v at r = 1, 2 and the head-only baseline; no `analyses` key, so every
    /// analysis the grid supports runs (Fig 3 between r = 1 and 2, Table 7, App. H.3, spectra, learning diagnostics).
    func headOnlySpec(_ s: CLISandbox) throws -> String {
        try s.toySpec()   // writes train.jsonl and validation.jsonl
        try s.write("head.json", """
            {"name": "head", "model": {"builtin": "tiny"},
             "task": {"kind": "jsonl", "train": "train.jsonl", "validation": "validation.jsonl", "maxTokens": 16},
             "adapters": [{"targets": ["q", "v"], "ranks": [1, 2]}, {"headOnly": true}],
             "training": {"batchSize": 8, "steps": 6, "learningRate": 0.01}}
            """)
        return "head.json"
    }

    func testHeadOnlyBaselineTrainsBesideLoRAAndIsReportedAsTheBaseline() throws {
        let s = try CLISandbox()
        let spec = try headOnlySpec(s)

        let dry = try s.run("run", spec, "--dry-run")
        XCTAssertEqual(dry.status, 0, dry.stderr)
        let planned = try XCTUnwrap(dry.stdout.split(separator: "\n").first { $0.hasPrefix("head-d1-i1-") }, dry.stdout)
        XCTAssertNotNil(planned.range(of: #"^head-d1-i1-[0-9a-f]{10} +head-only +- +0 +- +1 +1 +head only +6 +no "#,
                                      options: .regularExpression), String(planned))

        let run = try s.run("run", spec)
        XCTAssertEqual(run.status, 0, run.stderr)
        let runs = try FileManager.default.contentsOfDirectory(atPath: s.root.appendingPathComponent("results/head/runs").path)
            .filter { !$0.hasSuffix(".lock") }
        let head = try XCTUnwrap(runs.first { $0.hasPrefix("head-d1-i1-") }, "\(runs)")
        XCTAssertEqual(runs.filter { $0.hasPrefix("qv-") }.count, 2, "\(runs)")
        XCTAssertTrue(s.exists("results/head/runs/\(head)/final.json"))
        XCTAssertTrue(s.exists("results/head/runs/\(head)/eval.jsonl"))
        XCTAssertTrue(s.exists("results/head/runs/\(head)/head.safetensors"))
        XCTAssertFalse(s.exists("results/head/runs/\(head)/adapter"), "the baseline has no adapters")

        let accuracy = try s.read("results/head/accuracy.csv").split(separator: "\n")
        XCTAssertEqual(accuracy.count, 4, accuracy.joined(separator: "\n"))
        XCTAssertTrue(accuracy[1].hasPrefix("\(head),head-only,0,1,1,0,finished,6,accuracy,validation,"), String(accuracy[1]))
        let cells = accuracy[1].split(separator: ",", omittingEmptySubsequences: false)
        XCTAssertEqual(cells[12], "", "no α for the baseline")
        XCTAssertEqual(cells[13], "", "no scaling for the baseline")
        XCTAssertTrue(accuracy[2].contains(",q+v,1,") && accuracy[3].contains(",q+v,2,"), accuracy.joined(separator: "\n"))

        for file in ["learning_diagnostics.csv", "weight_projection.csv", "direction_overlap.csv", "spectra.csv", "subspace_similarity.csv"] {
            let text = try s.read("results/head/\(file)")
            XCTAssertFalse(text.contains("head-d1-i1") || text.contains("head-only"), "\(file) skips the baseline")
        }
        let report = try s.read("results/head/report.md")
        for text in ["Head-only baseline (the same task head trained on the frozen model, no adapters), validation accuracy (%): ",
                     "Baseline: `head-only` runs train the same task head on the frozen model with no adapters (r = 0, no LoRA parameters), validation accuracy (%): ",
                     "Gain over it (mean − baseline mean, points): q+v: r = 1 "] {
            XCTAssertTrue(report.contains(text), "report.md lacks \(text)\n\(report)")
        }
        XCTAssertNotNil(report.range(of: "\\| \(head) +\\| head-only +\\| +0 \\| +1 \\| +1 \\| +0 \\| finished \\| +6 \\| accuracy \\|",
                                     options: .regularExpression), "the Runs table lists the baseline:\n\(report)")
        let claims = try s.read("results/head/claims.csv")
        XCTAssertFalse(claims.contains("head-only"), "the accuracy claims compare LoRA configurations only")

        let before = s.snapshot("results/head")
        let rebuilt = try s.run("report", spec)
        XCTAssertEqual(rebuilt.status, 0, rebuilt.stderr)
        XCTAssertEqual(s.snapshot("results/head"), before, "a rebuild changes no byte")

        let status = try s.run("status", spec)
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("head: 3 runs — 3 finished"), status.stdout)
        XCTAssertNotNil(status.stdout.range(of: "\(head) +finished +6 ", options: .regularExpression), status.stdout)
    }

    /// `experiment submit --dry-run` gives the baseline an array task like any run.
    func testSubmitPlansTheBaselineAsAnArrayTask() throws {
        let s = try CLISandbox()
        let spec = try headOnlySpec(s)
        let r = try s.run("submit", spec, "--dry-run")
        XCTAssertEqual(r.status, 0, r.stderr)
        for text in ["0\tqv-r1-", "1\tqv-r2-", "2\thead-d1-i1-", "sbatch --parsable --array=0-2%3 "] {
            XCTAssertTrue(r.stdout.contains(text), "\(text) missing:\n\(r.stdout)")
        }
    }
}
