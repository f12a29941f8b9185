import Foundation

/// The resources every job of a submission asks Slurm for, as `#SBATCH` lines, checked before anything is written.
public struct SlurmJobOptions: Equatable, Sendable, Codable {
    /// `--partition`: one name or a comma-separated list (letters, digits, `_ . -`); nil = the cluster's default.
    public var partition: String?
    /// `--time`: `HH:MM:SS` or `D-HH:MM:SS` (hours any number without days, below 24 with them); nil = the partition's default.
    public var time: String?
    /// `--cpus-per-task`, 1…4096; also the `--threads` each task trains with.
    public var cpusPerTask: Int
    /// `--mem`: a positive integer with an optional unit K, M, G or T (Slurm's default unit is M); nil = the default.
    public var mem: String?
    /// `--max-parallel`: the `%K` of `--array=0-(n-1)%K`, at least 1; nil = every task may run at once (K = n).
    public var maxParallel: Int?

    public init(partition: String? = nil, time: String? = nil, cpusPerTask: Int = 1, mem: String? = nil, maxParallel: Int? = nil) {
        self.partition = partition
        self.time = time
        self.cpusPerTask = cpusPerTask
        self.mem = mem
        self.maxParallel = maxParallel
    }

    /// Throws `SlurmError.invalidOption` naming the first option (`--partition`, `--time`, `--cpus-per-task`, `--mem`,
    /// `--max-parallel`) whose value breaks the rules above.
    public func validate() throws {
        if let p = partition, !Self.isPartitionList(p) {
            throw SlurmError.invalidOption(field: "--partition", value: p,
                                           reason: "is not a partition name or comma-separated list of names (letters, digits, _ . -)")
        }
        if let t = time { try Self.checkTime(t) }
        if !(1...4096).contains(cpusPerTask) {
            throw SlurmError.invalidOption(field: "--cpus-per-task", value: "\(cpusPerTask)", reason: "must be between 1 and 4096")
        }
        if let m = mem, !Self.isMemory(m) {
            throw SlurmError.invalidOption(field: "--mem", value: m, reason: "is not a memory size such as 4000M or 8G (a positive integer, unit K, M, G or T)")
        }
        if let k = maxParallel, k < 1 {
            throw SlurmError.invalidOption(field: "--max-parallel", value: "\(k)", reason: "must be at least 1")
        }
    }

    static func isPartitionList(_ s: String) -> Bool {
        let names = s.split(separator: ",", omittingEmptySubsequences: false)
        return !names.isEmpty && names.allSatisfy { name in
            !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
        }
    }

    static func isMemory(_ s: String) -> Bool {
        var digits = Substring(s)
        if let last = digits.last, "KMGTkmgt".contains(last) { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(digits) else { return false }
        return n > 0
    }

    /// `HH:MM:SS` or `D-HH:MM:SS`, minutes and seconds below 60, hours below 24 when days are given, not all zero.
    static func checkTime(_ s: String) throws {
        func fail(_ reason: String) -> SlurmError { .invalidOption(field: "--time", value: s, reason: reason) }
        var days = 0
        var clock = Substring(s)
        if let dash = s.firstIndex(of: "-") {
            guard let d = number(s[..<dash]) else { throw fail("is not HH:MM:SS or D-HH:MM:SS") }
            days = d
            clock = s[s.index(after: dash)...]
        }
        let parts = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let h = number(parts[0]), let m = number(parts[1]), let sec = number(parts[2]),
              parts[1].count == 2, parts[2].count == 2 else { throw fail("is not HH:MM:SS or D-HH:MM:SS") }
        if m >= 60 || sec >= 60 { throw fail("has minutes or seconds of 60 or more") }
        if s.contains("-"), h >= 24 { throw fail("has 24 hours or more beside a day count (write D-HH:MM:SS)") }
        if days == 0, h == 0, m == 0, sec == 0 { throw fail("is zero: a job needs some time") }
    }

    private static func number(_ s: Substring) -> Int? {
        guard !s.isEmpty, s.count <= 6, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(s)
    }

    /// The `#SBATCH` option lines for these resources (partition, time and mem only when set).
    var directives: [String] {
        var lines = ["--cpus-per-task=\(cpusPerTask)"]
        if let partition { lines.append("--partition=\(partition)") }
        if let time { lines.append("--time=\(time)") }
        if let mem { lines.append("--mem=\(mem)") }
        return lines
    }
}
