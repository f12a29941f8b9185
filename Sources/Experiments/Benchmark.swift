import Foundation
import LinearAlgebra
import LoRA
import Model
import Training

/// `experiment bench`: times full LoRA training steps (forward, backward, AdamW) on random tokens of a fixed shape,
/// and sets the achieved matrix-product rate beside a square-sgemm rate measured in the same run.
public enum Benchmark {
    public struct Options: Sendable {
        public var batch = 32
        public var tokens = 32
        public var targets: [LoRATarget] = [.q, .v]
        public var rank = 8
        public var steps = 20
        public var warmupSteps = 3
        public var classes = 26
        public var threads = BLAS.defaultThreads
        public init() {}
    }

    public struct Result: Codable, Sendable {
        public var engine = "swift"
        public var model: String
        public var threads: Int
        public var batch: Int
        public var seq: Int
        public var targets: String
        public var rank: Int
        public var steps: Int
        public var tokensPerS: Double
        public var secPerStep: Double
        /// Fastest and median timed step: on a shared machine the mean carries other processes' bursts, these less so.
        public var secPerStepMin: Double
        public var secPerStepMedian: Double
        public var stepGflop: Double
        public var gflops: Double
        public var sgemmGflops: Double
        public var sgemmShare: Double
        public var peakRssMib: Double
        /// Peak RSS (VmHWM, so it includes model loading and the sgemm measurement) when the warm-up steps are done, or
        /// before the first step when there are none: `peakRssMib` minus this is what the timed steps added (growth).
        public var peakRssAfterWarmupMib: Double
        public var blas: String

        enum CodingKeys: String, CodingKey {
            case engine, model, threads, batch, seq, targets, rank, steps, blas
            case tokensPerS = "tokens_per_s", secPerStep = "sec_per_step", secPerStepMin = "sec_per_step_min"
            case secPerStepMedian = "sec_per_step_median", stepGflop = "step_gflop", gflops
            case sgemmGflops = "sgemm_gflops", sgemmShare = "sgemm_share", peakRssMib = "peak_rss_mib"
            case peakRssAfterWarmupMib = "peak_rss_after_warmup_mib"
        }
    }

    /// Progress of a benchmark run (the CLI renders it).
    public enum Event: Sendable {
        case measuringSGEMM
        case step(index: Int, total: Int, seconds: Double)
    }

    /// Runs the benchmark on `model` (adapters are attached here and removed afterwards).
    public static func run(model: any AdaptableModel, modelName: String, options o: Options, progress: (Event) -> Void = { _ in }) throws -> Result {
        let sgemm = prepare(threads: o.threads, progress: progress)
        defer { model.detachAdapters() }
        let step = trainingStep(model, targets: o.targets, rank: o.rank, classes: o.classes)
        var rng = SeededGenerator(seed: 7, stream: "bench")
        let vocab = model.vocabularySize
        let low = min(1000, vocab / 2)
        func randomBatch() -> (Batch, [Int]) {
            let n = o.batch * o.tokens
            let ids = (0..<n).map { _ in Int32(low + rng.nextInt(below: vocab - low)) }
            let batch = Batch(batchSize: o.batch, tokens: o.tokens, ids: ids, typeIds: [Int32](repeating: 0, count: n),
                              mask: [Float](repeating: 1, count: n))
            return (batch, (0..<o.batch).map { _ in rng.nextInt(below: o.classes) })
        }
        // Each batch is drawn just before its step (the loop's untimed `batchSeconds`), so memory does not grow with
        // --steps; the peak RSS after warm-up and at the end then differ only by what the timed steps added.
        var timed = 0.0
        var stepTimes: [Double] = []
        var peakAfterWarmup = peakResidentMiB()
        let total = o.steps + o.warmupSteps
        try TrainingLoop.run(step, totalSteps: total, learningRate: { _ in 1e-4 }, clipNorm: nil, batches: {
            let (batch, labels) = randomBatch()
            return [(batch, .labels(labels))]
        }, progress: { event in
            guard case .step(let s) = event else { return .more }
            if s.step > o.warmupSteps { timed += s.stepSeconds; stepTimes.append(s.stepSeconds) }
            if s.step == o.warmupSteps { peakAfterWarmup = peakResidentMiB() }
            progress(.step(index: s.step, total: total, seconds: s.stepSeconds))
            return .more
        })
        let secPerStep = timed / Double(max(1, o.steps))
        let flop = try stepFLOPs(model: model, lengths: [Int](repeating: o.tokens, count: o.batch), targets: o.targets, rank: o.rank,
                                 classes: o.classes)
        let gflops = Double(flop) / secPerStep / 1e9
        return Result(model: modelName, threads: o.threads, batch: o.batch, seq: o.tokens,
                      targets: o.targets.map(\.rawValue).joined(separator: ","), rank: o.rank, steps: o.steps,
                      tokensPerS: Double(o.batch * o.tokens) / secPerStep, secPerStep: secPerStep,
                      secPerStepMin: stepTimes.min() ?? 0, secPerStepMedian: median(stepTimes),
                      stepGflop: Double(flop) / 1e9, gflops: gflops, sgemmGflops: sgemm,
                      sgemmShare: gflops / sgemm, peakRssMib: peakResidentMiB(), peakRssAfterWarmupMib: peakAfterWarmup,
                      blas: BLAS.configuration)
    }

    /// Best single-precision rate (GFLOPS) of OpenBLAS on square products of sizes 512–2048 with the current thread count.
    /// Each size is timed in three blocks of about 4 GFLOP and the fastest block counts: a burst of other work on this
    /// shared machine slows a block, never speeds it up, so the best block is the steadiest estimate of what sgemm can do
    /// (and makes the step's share of it conservative).
    public static func measureSquareSGEMM() -> Double {
        var best = 0.0
        var rng = SeededGenerator(seed: 1, stream: "sgemm")
        for size in [512, 1024, 1536, 2048] {
            let a = Matrix<Float>.gaussian(rows: size, cols: size, using: &rng)
            let b = Matrix<Float>.gaussian(rows: size, cols: size, using: &rng)
            var c = Matrix<Float>(rows: size, cols: size)
            let reps = max(2, 4_000_000_000 / (2 * size * size * size))
            a.withView { av in b.withView { bv in c.withMutableView { cv in
                gemm(av, bv, into: cv)   // warm-up
                for _ in 0..<3 {
                    let start = DispatchTime.now().uptimeNanoseconds
                    for _ in 0..<reps { gemm(av, bv, into: cv) }
                    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                    best = max(best, Double(reps) * 2 * Double(size * size * size) / seconds / 1e9)
                }
            } } }
        }
        return best
    }

    /// Sets the thread count and measures the square-sgemm rate the step is compared with.
    static func prepare(threads: Int, progress: (Event) -> Void) -> Double {
        BLAS.threads = threads
        Parallel.width = threads
        progress(.measuringSGEMM)
        return measureSquareSGEMM()
    }

    /// The benchmarked step: fresh adapters (α = 8, init seed 1) on `targets` at `rank` (replacing any), a mean-pooled
    /// linear head of `classes`, AdamW; the caller detaches the adapters afterwards.
    static func trainingStep(_ model: any AdaptableModel, targets: [LoRATarget], rank: Int, classes: Int) -> TrainingStep {
        model.detachAdapters()
        model.attachAdapters(targets: targets, parameters: LoRAParameters(rank: rank, alpha: 8), initSeed: 1)
        model.setTraining(true)
        return TrainingStep.lora(model: model, objective: .forTask(classes: classes, width: model.hiddenSize, headSeed: 1))
    }

    /// The median of `values` (the mean of the two middle ones for an even count), 0 for none.
    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// Peak resident set size of this process (VmHWM from /proc/self/status), in MiB; 0 when unavailable.
    public static func peakResidentMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kb / 1024
        }
        return 0
    }
}
