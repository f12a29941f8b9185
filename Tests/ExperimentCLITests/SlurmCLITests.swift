import Foundation
import XCTest

/// `experiment submit` and `status` where no Slurm is needed: bad input, the dry run, and a machine without Slurm.
final class SlurmCLITests: XCTestCase {
    /// Runs the binary with PATH holding no Slurm command.
    private func runWithoutSlurm(_ s: CLISandbox, _ arguments: [String]) throws -> CLISandbox.Result {
        let p = s.process(arguments)
        let empty = s.root.appendingPathComponent("empty-bin")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        p.environment?["PATH"] = empty.path
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        return s.finish(p, out: out, err: err)
    }

    /// Every bad option, pattern or spec: a message naming the field and the reason, a non-zero exit, nothing written.
    func testBadInputIsRefusedBeforeAnythingIsWritten() throws {
        let s = try CLISandbox()
        let spec = try s.toySpec()
        let before = s.snapshot()
        let cases: [([String], String)] = [
            (["--time", "90:00"], "--time: '90:00' is not HH:MM:SS or D-HH:MM:SS"),
            (["--time", "01:75:00"], "--time: '01:75:00' has minutes or seconds of 60 or more"),
            (["--mem", "lots"], "--mem: 'lots' is not a memory size"),
            (["--partition", "a;rm -rf"], "--partition: 'a;rm -rf' is not a partition name"),
            (["--cpus-per-task", "0"], "--cpus-per-task: '0' must be between 1 and 4096"),
            (["--max-parallel", "0"], "--max-parallel: '0' must be at least 1"),
            (["--results", ""], "--results must name a folder"),
            (["--only", "nothing-*"], "--only 'nothing-*' matches none of the 2 runs"),
        ]
        for (extra, message) in cases {
            let r = try s.run(["submit", spec, "--dry-run"] + extra)
            XCTAssertNotEqual(r.status, 0, "\(extra)")
            XCTAssertTrue(r.stderr.contains(message), "\(extra): \(r.stderr)")
        }
        let missing = try s.run("submit", "no-such-spec.json")
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("no-such-spec.json: spec file not found"), missing.stderr)
        let noSbatch = try runWithoutSlurm(s, ["submit", spec])
        XCTAssertEqual(noSbatch.status, 1)
        XCTAssertTrue(noSbatch.stderr.contains("error: sbatch was not found on PATH"), noSbatch.stderr)
        XCTAssertEqual(s.snapshot(), before, "nothing written")
    }

    /// The dry run prints both scripts, the task table and the two sbatch lines, and writes nothing.
    func testDryRunPrintsScriptsAndSbatchLines() throws {
        let s = try CLISandbox()
        let spec = try s.toySpec()
        let before = s.snapshot()
        let r = try s.run("submit", spec, "--dry-run", "--cpus-per-task", "2", "--max-parallel", "1", "--time", "00:30:00")
        XCTAssertEqual(r.status, 0, r.stderr)
        let folder = s.root.standardizedFileURL.path + "/results/toy/slurm"
        for text in ["==> results/toy/slurm/array.sh <==", "==> results/toy/slurm/report.sh <==", "==> results/toy/slurm/tasks.tsv <==",
                     "#SBATCH --cpus-per-task=2", "#SBATCH --time=00:30:00", "--only \"$run_id\" --threads \"${SLURM_CPUS_PER_TASK:-1}\"",
                     "0\tqv-r1-", "1\tqv-r2-",
                     "sbatch --parsable --array=0-1%1 --output=\(folder)/logs/array-%A_%a.out \(folder)/array.sh",
                     "sbatch --parsable '--dependency=afterany:<array job id>' --output=\(folder)/logs/report-%j.out \(folder)/report.sh"] {
            XCTAssertTrue(r.stdout.contains(text), "missing \(text):\n\(r.stdout)")
        }
        XCTAssertEqual(s.snapshot(), before, "a dry run writes nothing")
    }

    /// Status without Slurm: every run's state from the folder, a sentence saying Slurm is not there, exit 0.
    func testStatusWithoutSlurm() throws {
        let s = try CLISandbox()
        let spec = try s.toySpec()
        XCTAssertEqual(try s.run("run", spec, "--only", "qv-r1-*").status, 0)
        let r = try runWithoutSlurm(s, ["status", spec])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("toy: 2 runs — 1 finished, 1 not started\n"), r.stdout)
        XCTAssertNotNil(r.stdout.range(of: #"qv-r1-\S+\s+finished\s+6\s+-"#, options: .regularExpression), r.stdout)
        XCTAssertNotNil(r.stdout.range(of: #"qv-r2-\S+\s+not started\s+-\s+-"#, options: .regularExpression), r.stdout)
        XCTAssertTrue(r.stdout.contains("slurm: not submitted (no results/toy/slurm/submissions.jsonl); Slurm is not installed here"), r.stdout)
    }
}
