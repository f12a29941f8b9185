import Foundation
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments
import Support

/// The parts of `experiment submit` / `status` that need no Slurm: option rules, scripts, the task table, the records,
/// job-state parsing and run states.
final class SlurmSubmissionTests: XCTestCase {
    func testOptionRulesNameTheFieldAndReason() {
        let bad: [(SlurmJobOptions, String)] = [
            (.init(time: "1:00"), "--time: '1:00' is not HH:MM:SS or D-HH:MM:SS"),
            (.init(time: "00:60:00"), "--time: '00:60:00' has minutes or seconds of 60 or more"),
            (.init(time: "1-24:00:00"), "--time: '1-24:00:00' has 24 hours or more beside a day count (write D-HH:MM:SS)"),
            (.init(time: "00:00:00"), "--time: '00:00:00' is zero: a job needs some time"),
            (.init(time: "1:2:3"), "--time: '1:2:3' is not HH:MM:SS or D-HH:MM:SS"),
            (.init(partition: "a b"), "--partition: 'a b' is not a partition name or comma-separated list of names (letters, digits, _ . -)"),
            (.init(partition: "a,"), "--partition: 'a,' is not a partition name or comma-separated list of names (letters, digits, _ . -)"),
            (.init(cpusPerTask: 0), "--cpus-per-task: '0' must be between 1 and 4096"),
            (.init(mem: "8GB"), "--mem: '8GB' is not a memory size such as 4000M or 8G (a positive integer, unit K, M, G or T)"),
            (.init(mem: "0"), "--mem: '0' is not a memory size such as 4000M or 8G (a positive integer, unit K, M, G or T)"),
            (.init(maxParallel: 0), "--max-parallel: '0' must be at least 1"),
        ]
        for (options, message) in bad {
            XCTAssertThrowsError(try options.validate(), message) { XCTAssertEqual("\($0)", message) }
        }
        let good = SlurmJobOptions(partition: "cpu,long", time: "2-03:04:05", cpusPerTask: 8, mem: "16G", maxParallel: 3)
        XCTAssertNoThrow(try good.validate())
        XCTAssertNoThrow(try SlurmJobOptions(time: "100:00:00").validate(), "hours beyond a day without a day count")
    }

    func testScriptsRunTheSameBinaryFromTheRepositoryRootForEachUnfinishedRun() throws {
        let toy = try ToyRepository()
        let plan = try toy.plan(ToyRepository.spec(ranks: "[1, 2, 4]", training: #""steps": 2, "learningRate": 0.01"#))
        _ = try toy.runner(plan, only: "qv-r2-*").run { _ in }
        let options = SlurmJobOptions(partition: "cpu", time: "01:00:00", cpusPerTask: 4, mem: "8G", maxParallel: 5)
        let s = try SlurmSubmission(runner: toy.runner(plan), specFile: toy.root.appendingPathComponent("specs/t.json"),
                                    binary: URL(fileURLWithPath: "/opt/bin/experiment"), options: options)
        let ids = plan.runs.map(\.id)
        XCTAssertEqual(s.runIDs, [ids[0], ids[2]], "the finished run is left out")
        XCTAssertEqual(s.arraySpec, "0-1%2", "K capped at the task count")
        XCTAssertEqual(s.table, "index\trun\n0\t\(ids[0])\n1\t\(ids[2])\n")
        let root = toy.root.standardizedFileURL.path
        for line in ["#SBATCH --cpus-per-task=4", "#SBATCH --partition=cpu", "#SBATCH --time=01:00:00", "#SBATCH --mem=8G",
                     "#SBATCH --requeue", "cd '\(root)'", "  '\(ids[0])'\n  '\(ids[2])'\n)",
                     "exec '/opt/bin/experiment' run '\(root)/specs/t.json' --results '\(root)/results' \\\n  --only \"$run_id\" --threads \"${SLURM_CPUS_PER_TASK:-1}\""] {
            XCTAssertTrue(s.arrayScript.contains(line), "array.sh lacks \(line):\n\(s.arrayScript)")
        }
        XCTAssertTrue(s.reportScript.contains("exec '/opt/bin/experiment' report '\(root)/specs/t.json' --results '\(root)/results'"), s.reportScript)
        XCTAssertEqual(s.reportArguments(arrayJob: "77", script: s.reportScriptURL),
                       ["--parsable", "--dependency=afterany:77", "--output=\(root)/results/t/slurm/logs/report-%j.out", "\(root)/results/t/slurm/report.sh"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.folder.path), "planning writes nothing")
        try s.write()
        XCTAssertEqual(try String(contentsOf: s.arrayScriptURL, encoding: .utf8), s.arrayScript)
        XCTAssertTrue(Folder.isFolder(s.logsFolder.path))
    }

    /// The array script, run by bash as task 1 of the array, execs the binary for run 1 with the task's CPUs as threads.
    func testArrayScriptPicksTheRunOfItsTaskIndex() throws {
        let toy = try ToyRepository()
        let plan = try toy.plan(ToyRepository.spec(ranks: "[1, 2]"))
        let echo = toy.root.appendingPathComponent("echo-args")
        try "#!/bin/sh\necho \"$@\"\n".write(to: echo, atomically: true, encoding: .utf8)
        chmod(echo.path, 0o755)
        let s = try SlurmSubmission(runner: toy.runner(plan), specFile: toy.root.appendingPathComponent("t.json"), binary: echo, options: .init())
        try s.write()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [s.arrayScriptURL.path]
        p.environment = ["SLURM_ARRAY_TASK_ID": "1", "SLURM_CPUS_PER_TASK": "3", "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        p.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(p.terminationStatus, 0, text)
        let root = toy.root.standardizedFileURL.path
        XCTAssertTrue(text.hasSuffix("run \(root)/t.json --results \(root)/results --only \(plan.runs[1].id) --threads 3\n"), text)
    }

    func testRecordsAppendAndNameACorruptLine() throws {
        let dir = try TemporaryDirectory()
        let url = dir.url.appendingPathComponent("slurm/submissions.jsonl")
        XCTAssertEqual(try SlurmSubmissionRecord.readAll(url), [])
        let a = SlurmSubmissionRecord(submitted: Date(timeIntervalSince1970: 0), arrayJob: "12", reportJob: "13", runs: ["r0", "r1"], options: .init())
        let b = SlurmSubmissionRecord(submitted: Date(timeIntervalSince1970: 60), arrayJob: "14", reportJob: nil, runs: ["r1"], options: .init(maxParallel: 1))
        try a.append(to: url)
        try b.append(to: url)
        XCTAssertEqual(try SlurmSubmissionRecord.readAll(url), [a, b])
        XCTAssertEqual(a.submitted, "1970-01-01T00:00:00Z")
        try dir.write("slurm/submissions.jsonl", try String(contentsOf: url, encoding: .utf8) + "{\"arrayJob\": 5}\n")
        XCTAssertThrowsError(try SlurmSubmissionRecord.readAll(url)) {
            XCTAssertEqual("\($0)", "\(url.path): line 3: field 'submitted': missing")
        }
    }

    func testJobStatesFromSacctAndSqueue() {
        let sacct = SlurmQueue.parseSacct("12_0|COMPLETED\n12_[2-3,5%2]|PENDING\n13|CANCELLED by 0\n")
        XCTAssertEqual(sacct.map { "\($0.job)/\($0.arrayTask.map(String.init) ?? "-")/\($0.state)" },
                       ["12/0/COMPLETED", "12/2/PENDING", "12/3/PENDING", "12/5/PENDING", "13/-/CANCELLED"])
        let squeue = SlurmQueueSnapshot(source: .squeue, states: SlurmQueue.parseSqueue("12_1|RUNNING|None\n13|PENDING|Dependency\n"), sacctUnavailable: "off")
        XCTAssertEqual(squeue.task("12", 1), SlurmJobState(job: "12", arrayTask: 1, state: "RUNNING", reason: nil))
        XCTAssertEqual(squeue.job("13"), SlurmJobState(job: "13", arrayTask: nil, state: "PENDING", reason: "Dependency"))
        XCTAssertNil(squeue.task("12", 0))
    }

    func testLocksAreReadFromProcLocks() {
        let dev = UInt64(254) << 8   // fe:00
        let text = "1: FLOCK  ADVISORY  WRITE 7265 fe:00:16220164 0 EOF\n2: -> FLOCK  ADVISORY  WRITE 7300 fe:00:99 0 EOF\n3: POSIX  ADVISORY  WRITE 1 fe:00:42 0 EOF\n"
        XCTAssertTrue(LockProbe.procLocks(text, holdFlockOnDevice: dev, inode: 16220164))
        XCTAssertFalse(LockProbe.procLocks(text, holdFlockOnDevice: dev, inode: 99), "a waiter holds nothing")
        XCTAssertFalse(LockProbe.procLocks(text, holdFlockOnDevice: dev, inode: 42), "a POSIX lock is not the runner's flock")
        XCTAssertFalse(LockProbe.procLocks(text, holdFlockOnDevice: UInt64(8) << 8, inode: 16220164), "another device")
    }

    func testRunStatesFollowTheFolderAndTheLock() throws {
        let toy = try ToyRepository()
        let plan = try toy.plan(ToyRepository.spec(ranks: "[1]", training: #""steps": 100000, "learningRate": 0.01"#))
        let run = plan.runs[0]
        let probe = toy.runner(plan)
        XCTAssertEqual(try probe.state(of: run), .notStarted)
        let lockURL = probe.runDirectory(run.id).deletingLastPathComponent().appendingPathComponent(run.id + ".lock")
        var lock = try RunLock(url: lockURL)
        XCTAssertEqual(try probe.state(of: run), .running(checkpointStep: nil))
        lock = nil
        XCTAssertEqual(try probe.state(of: run), .notStarted, "a released lock")
        let counter = StepCounter()
        XCTAssertThrowsError(try toy.runner(plan, shouldStop: { counter.tick() >= 7 }).run { _ in })
        XCTAssertEqual(try probe.state(of: run), .interrupted(checkpointStep: 7))
        withExtendedLifetime(lock) {}
    }
}
