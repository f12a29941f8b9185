import Foundation
import XCTest

/// A failed precondition of a Slurm test: thrown, so the test stops and fails with this message.
struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Talks to the Slurm the integration tests run against (scripts/slurm-local.sh, or any cluster SLURM_CONF names) with
/// its stock commands.
enum SlurmProbe {
    /// Runs a Slurm command; returns its exit status and standard output (standard error appended).
    @discardableResult
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Skips when LORA_SKIP_SLURM_TESTS=1; otherwise throws `Failure` unless `sinfo` answers (a Slurm controller is reachable).
    static func requireSlurm() throws {
        if ProcessInfo.processInfo.environment["LORA_SKIP_SLURM_TESTS"] == "1" {
            throw XCTSkip("LORA_SKIP_SLURM_TESTS=1: the Slurm integration tests are skipped")
        }
        let r = try? run(["sinfo", "-h", "-o", "%T"])
        guard let r, r.status == 0, !r.output.isEmpty else {
            throw Failure("no Slurm answers (sinfo: \(r?.output ?? "not found")). Start one with `scripts/slurm-local.sh start` and "
                          + "export the SLURM_CONF it prints (scripts/test.sh does both), or set LORA_SKIP_SLURM_TESTS=1 to skip")
        }
    }

    /// Slurm's state of `job` (a job id, or `<array>_<index>`), "" when squeue no longer knows it.
    static func state(_ job: String) throws -> String {
        let r = try run(["squeue", "-h", "-r", "--states=all", "-j", job, "-o", "%T"])
        return r.status == 0 ? r.output.split(separator: "\n").first.map(String.init) ?? "" : ""
    }

    static let activeStates: Set<String> = ["PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "REQUEUED", "RESIZING", "SUSPENDED"]

    /// Polls `job` until it has ended (or squeue forgot it) and returns its last state; throws `Failure` after `timeout` seconds
    /// (a bound against a hung cluster, not a measurement).
    static func waitUntilEnded(_ job: String, timeout: TimeInterval = 300) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let s = try state(job)
            if !activeStates.contains(s) { return s }
            Thread.sleep(forTimeInterval: 0.5)
        }
        throw Failure("Slurm job \(job) still \(try state(job)) after \(Int(timeout)) s")
    }

    /// Polls until `condition` holds; throws `Failure` after `timeout` seconds.
    static func wait(_ what: String, timeout: TimeInterval = 300, until condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw Failure("timed out after \(Int(timeout)) s waiting for \(what)")
    }
}

/// One line of results/<spec>/slurm/submissions.jsonl, as far as the tests need it.
struct SubmissionLine: Decodable {
    var arrayJob: String
    var reportJob: String?
    var runs: [String]

    static func all(in sandbox: CLISandbox, spec: String) throws -> [SubmissionLine] {
        try sandbox.read("results/\(spec)/slurm/submissions.jsonl").split(separator: "\n")
            .map { try JSONDecoder().decode(SubmissionLine.self, from: Data($0.utf8)) }
    }
}

/// Byte-for-byte comparison of two results folders of one spec, timings aside.
enum ResultsComparison {
    /// Fields that hold wall-clock times or throughput, the only things two runs of one grid may differ in.
    static let timingKeys: Set<String> = ["trainSeconds", "evalSeconds", "tokens_per_s", "train_seconds", "eval_seconds"]

    /// The files of `folder` (relative paths), without locks, Slurm's folder and temporary files.
    static func files(_ folder: URL) -> [String] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var out: [String] = []
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            let rel = String(url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1))
            if rel.hasSuffix(".lock") || rel.hasPrefix("slurm/") || rel.hasSuffix(".tmp") { continue }
            out.append(rel)
        }
        return out.sorted()
    }

    /// report.md's lines that sum wall-clock times ("- Training time (sum over finished runs): 0.6 min").
    static let timingLinePrefixes = ["- Training time ", "- Evaluation time "]

    /// `text` with timing fields blanked: JSON objects (one per line for .jsonl) lose the timing keys, CSV files get
    /// empty timing columns, Markdown loses its timing lines; other text is returned unchanged.
    static func withoutTimings(_ text: String, name: String) throws -> String {
        if name.hasSuffix(".md") {
            return text.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { line in !timingLinePrefixes.contains { line.hasPrefix($0) } }.joined(separator: "\n")
        }
        if name.hasSuffix(".json") || name.hasSuffix(".jsonl") {
            let docs = name.hasSuffix(".jsonl") ? text.split(separator: "\n").map(String.init) : [text]
            return try docs.map { try canonicalJSON(Data($0.utf8)) }.joined(separator: "\n")
        }
        if name.hasSuffix(".csv") {
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            let masked = Set((lines.first ?? []).indices.filter { timingKeys.contains(lines[0][$0]) })
            for i in lines.indices.dropFirst() { for c in masked where c < lines[i].count { lines[i][c] = "" } }
            return lines.map { $0.joined(separator: ",") }.joined(separator: "\n")
        }
        return text
    }

    private static func canonicalJSON(_ data: Data) throws -> String {
        func strip(_ v: Any) -> Any {
            if let d = v as? [String: Any] { return d.filter { !timingKeys.contains($0.key) }.mapValues(strip) }
            if let a = v as? [Any] { return a.map(strip) }
            return v
        }
        let object = strip(try JSONSerialization.jsonObject(with: data))
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// Asserts that `slurm` holds exactly the files of `local`, each with the same bytes (always so for `.safetensors`
    /// files: adapters, heads) or the same text once timings are blanked.
    static func assertSame(local: URL, slurm: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = files(local), got = files(slurm)
        XCTAssertFalse(expected.isEmpty, "no files to compare under \(local.path)", file: file, line: line)
        XCTAssertEqual(got, expected, "the same files", file: file, line: line)
        for name in expected where got.contains(name) {
            let a = try Data(contentsOf: local.appendingPathComponent(name)), b = try Data(contentsOf: slurm.appendingPathComponent(name))
            if a == b { continue }
            let textA = String(decoding: a, as: UTF8.self), textB = String(decoding: b, as: UTF8.self)
            let same = name.hasSuffix(".safetensors") ? false
                : try withoutTimings(textA, name: name) == withoutTimings(textB, name: name)
            XCTAssertTrue(same, "\(name) differs between the local run and the Slurm run (timings aside)", file: file, line: line)
        }
    }
}
