import Foundation
import XCTest

/// `experiment submit` against a real Slurm (scripts/slurm-local.sh in scripts/test.sh), not a mock: the smoke grid
/// through a job array gives the same files as a local `experiment run`, and a cancelled task resumes on resubmission.
/// Skipped only when LORA_SKIP_SLURM_TESTS=1; without a reachable Slurm they fail.
final class SlurmIntegrationTests: XCTestCase {
    static let smoke = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("experiments/specs/smoke.json")

    /// Starts `experiment run <spec> <extra…> --threads 1` in `sandbox` (the reference the Slurm grid must match).
    private func startLocalRun(_ sandbox: CLISandbox, _ spec: String, _ extra: [String] = []) throws -> (Process, Pipe, Pipe) {
        let p = sandbox.process(["run", spec, "--threads", "1"] + extra)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        return (p, out, err)
    }

    /// The smoke grid (4 runs) as one array with one CPU per task, then its report job: every run folder (adapter, head,
    /// config, metrics, evaluations, outcome) and every report file is identical to a local run's, timings aside.
    func testSmokeGridThroughSlurmMatchesLocalRun() throws {
        try SlurmProbe.requireSlurm()
        let text = try String(contentsOf: Self.smoke, encoding: .utf8)
        let local = try CLISandbox(), cluster = try CLISandbox()
        try local.write("smoke.json", text)
        try cluster.write("smoke.json", text)
        let (p, out, err) = try startLocalRun(local, "smoke.json")

        let submit = try cluster.run("submit", "smoke.json", "--cpus-per-task", "1", "--max-parallel", "2")
        XCTAssertEqual(submit.status, 0, submit.stderr)
        let lines = try SubmissionLine.all(in: cluster, spec: "smoke")
        XCTAssertEqual(lines.count, 1)
        let sub = try XCTUnwrap(lines.first)
        XCTAssertEqual(sub.runs.count, 4, "one array task per run")
        XCTAssertTrue(submit.stdout.contains("array job: \(sub.arrayJob) (--array=0-3%2"), submit.stdout)
        let reportJob = try XCTUnwrap(sub.reportJob)
        let reportState = try SlurmProbe.waitUntilEnded(reportJob)
        XCTAssertEqual(reportState, "COMPLETED", (try? cluster.read("results/smoke/slurm/logs/report-\(reportJob).out")) ?? "no log")
        for i in 0..<4 { XCTAssertEqual(try SlurmProbe.state("\(sub.arrayJob)_\(i)"), "COMPLETED", "array task \(i)") }

        let reference = local.finish(p, out: out, err: err)
        XCTAssertEqual(reference.status, 0, reference.stderr)
        try ResultsComparison.assertSame(local: local.root.appendingPathComponent("results/smoke"),
                                         slurm: cluster.root.appendingPathComponent("results/smoke"))
        let status = try cluster.run("status", "smoke.json")
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("smoke: 4 runs — 4 finished"), status.stdout)
        XCTAssertTrue(status.stdout.contains("report \(reportJob): COMPLETED"), status.stdout)
    }

    /// One run of 120 steps: `scancel` of its array task after its first checkpoint leaves it interrupted (a checkpoint,
    /// no final.json, task CANCELLED); submitting again trains only that run, resuming from the checkpoint, and its folder
    /// (adapter, head, metrics, evaluations, outcome) is identical to an uninterrupted local run's, timings aside.
    func testCancelledTaskResumesOnResubmit() throws {
        try SlurmProbe.requireSlurm()
        let text = try String(contentsOf: Self.smoke, encoding: .utf8).replacingOccurrences(of: #""steps": 40,"#, with: #""steps": 120,"#)
        XCTAssertTrue(text.contains(#""steps": 120,"#) && text.contains(#""checkpointEvery": 10"#), "smoke.json changed shape; update this test")
        let local = try CLISandbox(), cluster = try CLISandbox()
        try local.write("long.json", text)
        try cluster.write("long.json", text)
        let (p, out, err) = try startLocalRun(local, "long.json", ["--only", "q-r2-*"])

        XCTAssertEqual(try cluster.run("submit", "long.json", "--only", "q-r2-*").status, 0)
        let first = try XCTUnwrap(try SubmissionLine.all(in: cluster, spec: "smoke").first)
        let run = try XCTUnwrap(first.runs.first)
        XCTAssertEqual(first.runs, [run])
        let checkpoint = "results/smoke/runs/\(run)/checkpoint/state.safetensors"
        try SlurmProbe.wait("the first checkpoint of \(run)") { cluster.exists(checkpoint) || cluster.exists("results/smoke/runs/\(run)/final.json") }
        try SlurmProbe.run(["scancel", "\(first.arrayJob)_0"])
        XCTAssertEqual(try SlurmProbe.waitUntilEnded("\(first.arrayJob)_0"), "CANCELLED")
        _ = try SlurmProbe.waitUntilEnded(try XCTUnwrap(first.reportJob))
        XCTAssertFalse(cluster.exists("results/smoke/runs/\(run)/final.json"),
                       "the run finished before scancel reached it: raise its steps so the test can interrupt it")
        XCTAssertTrue(cluster.exists(checkpoint), "the cancelled task left its checkpoint")
        let interrupted = try cluster.run("status", "long.json")
        XCTAssertNotNil(interrupted.stdout.range(of: #"\#(run)\s+interrupted\s+\d+\s+\#(first.arrayJob)_0 CANCELLED"#, options: .regularExpression),
                        interrupted.stdout)

        let again = try cluster.run("submit", "long.json", "--only", "q-r2-*")
        XCTAssertEqual(again.status, 0, again.stderr)
        let second = try XCTUnwrap(try SubmissionLine.all(in: cluster, spec: "smoke").last)
        XCTAssertEqual(second.runs, [run], "only the unfinished run is submitted again")
        XCTAssertEqual(try SlurmProbe.waitUntilEnded(try XCTUnwrap(second.reportJob)), "COMPLETED")
        XCTAssertEqual(try SlurmProbe.state("\(second.arrayJob)_0"), "COMPLETED")
        let log = try cluster.read("results/smoke/slurm/logs/array-\(second.arrayJob)_0.out")
        XCTAssertTrue(log.contains("\(run): resuming from step "), log)

        let reference = local.finish(p, out: out, err: err)
        XCTAssertEqual(reference.status, 0, reference.stderr)
        try ResultsComparison.assertSame(local: local.root.appendingPathComponent("results/smoke/runs/\(run)"),
                                         slurm: cluster.root.appendingPathComponent("results/smoke/runs/\(run)"))
    }
}
