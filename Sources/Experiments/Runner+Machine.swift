import Foundation
import LinearAlgebra

extension MachineFacts {
    /// Facts about this machine and checkout: CPU model (/proc/cpuinfo), cores, the threads training uses
    /// (`Parallel.width`, set by --threads: the engines split work across them and keep OpenBLAS itself at one thread
    /// inside, so `BLAS.threads` after a forward pass would say 1), BLAS build, git commit.
    public static func current(repositoryRoot: URL) -> MachineFacts {
        var cpu = "unknown"
        if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
           let value = line.split(separator: ":", maxSplits: 1).last {
            cpu = value.trimmingCharacters(in: .whitespaces)
        }
        return MachineFacts(cpu: cpu, cores: ProcessInfo.processInfo.activeProcessorCount, threads: Parallel.width,
                            blas: BLAS.configuration, gitCommit: gitCommit(repositoryRoot), swiftVersion: nil)
    }

    /// `git rev-parse HEAD` in `root` (with "-dirty" when the work tree has changes), or "unknown".
    static func gitCommit(_ root: URL) -> String {
        func git(_ args: [String]) -> String? {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["git", "-C", root.path] + args
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            do { try p.run() } catch { return nil }
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { return nil }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let head = git(["rev-parse", "HEAD"]) else { return "unknown" }
        let dirty = (git(["status", "--porcelain", "--untracked-files=no"]) ?? "").isEmpty ? "" : "-dirty"
        return head + dirty
    }
}
