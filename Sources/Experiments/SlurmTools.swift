import Foundation

/// Runs Slurm's stock client commands (sbatch, squeue, sacct, scancel), found on PATH, with this process's environment
/// (so `SLURM_CONF` reaches them). Nothing is printed: output is returned, failures are thrown.
public enum SlurmTools {
    /// What a command printed and how it ended.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The executable `name` in the first PATH folder that holds one, or nil.
    public static func locate(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> URL? {
        for dir in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") where !dir.isEmpty {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
               access(candidate.path, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }

    /// Runs `tool arguments…` to completion, `input` on its standard input, and returns its status and output.
    /// - Throws: `SlurmError.toolMissing` when `tool` is not on PATH, `SlurmError.toolFailed` when it cannot be started.
    public static func run(_ tool: String, _ arguments: [String], input: String? = nil) throws -> Output {
        guard let executable = locate(tool) else { throw SlurmError.toolMissing(tool: tool) }
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        let out = Pipe(), err = Pipe(), inPipe = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        do { try p.run() } catch {
            throw SlurmError.toolFailed(command: tool, status: -1, message: "cannot be started: \(error.localizedDescription)")
        }
        final class Box: @unchecked Sendable { var data = Data() }
        let box = Box()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { box.data = out.fileHandleForReading.readDataToEndOfFile() }
        if let input {
            DispatchQueue.global().async(group: group) {
                inPipe.fileHandleForWriting.write(Data(input.utf8))
                try? inPipe.fileHandleForWriting.close()
            }
        }
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: box.data, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs `tool` and returns its standard output when it exits 0.
    /// - Throws: `SlurmError.toolMissing`, or `SlurmError.toolFailed` with the command line, status and stderr.
    public static func check(_ tool: String, _ arguments: [String], input: String? = nil) throws -> String {
        let o = try run(tool, arguments, input: input)
        guard o.status == 0 else {
            throw SlurmError.toolFailed(command: ([tool] + arguments).joined(separator: " "), status: o.status, message: o.stderr)
        }
        return o.stdout
    }

    /// Submits with `sbatch --parsable …` and returns the job id it prints (`12345`, or `12345;cluster` → `12345`).
    /// - Throws: the errors of `check`, or `SlurmError.unexpectedOutput` when no job id is printed.
    public static func submit(_ arguments: [String]) throws -> String {
        let out = try check("sbatch", arguments)
        let id = out.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        guard !id.isEmpty, id.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw SlurmError.unexpectedOutput(command: "sbatch " + arguments.joined(separator: " "), output: out)
        }
        return id
    }
}
