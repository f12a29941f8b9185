import Foundation
import LinearAlgebra
import LoRA
import Model
import Tasks
import Training

/// `experiment bench --task NAME`: times training steps on a task's real batches — the training split's examples in the
/// order a run with data seed `dataSeed` draws them — instead of random tokens of a fixed shape. A real batch holds
/// sequences of very different lengths (WordNet glosses: 15.7 tokens on average, the longest of 32 about 38), so what
/// counts is real tokens per second, and the bound is the step's matrix-product FLOPs on real tokens only.
extension Benchmark {
    public struct TaskOptions: Sendable {
        public var batch = 32
        public var targets: [LoRATarget] = [.q, .v]
        public var rank = 8
        public var steps = 30
        public var warmupSteps = 3
        public var threads = BLAS.defaultThreads
        public var dataSeed: UInt64 = 1
        /// `.packed` is what training uses; `.padded` times the dynamic-padding reference layout on the same batches.
        public var layout: Batching.Layout = .packed
        /// The tokenizer's padding id (used by the padded layout).
        public var padId: Int32 = 0
        public init() {}
    }

    public struct TaskResult: Codable, Sendable {
        public var engine = "swift"
        public var model: String
        public var task: String
        public var layout: String
        public var threads: Int
        public var batch: Int
        public var targets: String
        public var rank: Int
        public var steps: Int
        /// Real (non-padding) tokens per second over the timed steps; equal to `realTokensPerS` (the key bench-compare reads).
        public var tokensPerS: Double
        public var realTokensPerS: Double
        public var secPerStep: Double
        public var secPerStepMin: Double
        public var secPerStepMedian: Double
        /// Mean real tokens per timed batch, and the rows a dynamically padded batch of the same examples would hold.
        public var realTokensPerBatch: Double
        public var paddedTokensPerBatch: Double
        /// Matrix-product GFLOP per step counted on real tokens only (linear maps over Σ lengths rows, attention over
        /// Σ lengths²), its rate, and that rate as a share of square sgemm: the real-token bound.
        public var realStepGflop: Double
        public var realGflops: Double
        public var sgemmGflops: Double
        public var realBoundShare: Double
        public var peakRssMib: Double
        public var blas: String

        enum CodingKeys: String, CodingKey {
            case engine, model, task, layout, threads, batch, targets, rank, steps, blas
            case tokensPerS = "tokens_per_s", realTokensPerS = "real_tokens_per_s", secPerStep = "sec_per_step"
            case secPerStepMin = "sec_per_step_min", secPerStepMedian = "sec_per_step_median"
            case realTokensPerBatch = "real_tokens_per_batch", paddedTokensPerBatch = "padded_tokens_per_batch"
            case realStepGflop = "real_step_gflop", realGflops = "real_gflops", sgemmGflops = "sgemm_gflops"
            case realBoundShare = "real_bound_share", peakRssMib = "peak_rss_mib"
        }
    }

    /// The example indices of the first `count` training batches a run with `dataSeed` draws (warm-up batches first).
    public static func taskBatches(trainCount: Int, batch: Int, dataSeed: UInt64, count: Int) -> [[Int]] {
        var sampler = BatchSampler(count: trainCount, batchSize: batch, dataSeed: dataSeed)
        return (0..<count).map { _ in sampler.next() }
    }

    /// Times `options.steps` steps after `options.warmupSteps` on `data`'s training batches (adapters attached here and
    /// removed afterwards). Each batch is laid out inside the timed region, as the runner does.
    public static func runTask(model: any AdaptableModel, modelName: String, taskName: String, data: TokenizedDataset,
                               options o: TaskOptions, progress: (Event) -> Void = { _ in }) throws -> TaskResult {
        let sgemm = prepare(threads: o.threads, progress: progress)
        defer { model.detachAdapters() }
        let step = trainingStep(model, targets: o.targets, rank: o.rank, classes: data.labels.count)
        let total = o.steps + o.warmupSteps
        let batches = taskBatches(trainCount: data.train.count, batch: o.batch, dataSeed: o.dataSeed, count: total)
        var stepTimes: [Double] = [], realTokens = 0, paddedTokens = 0, flop = 0
        var next = 0
        // The batch is laid out inside the timed region (`StepReport.seconds`), as a run times its steps.
        try TrainingLoop.run(step, totalSteps: total, learningRate: { _ in 1e-4 }, clipNorm: nil, batches: {
            let (batch, labels) = Batching.batch(batches[next].map { data.train[$0] }, padId: o.padId, layout: o.layout)
            next += 1
            return [(batch, .labels(labels))]
        }, progress: { event in
            guard case .step(let s) = event else { return .more }
            if s.step > o.warmupSteps {
                stepTimes.append(s.seconds)
                let lengths = batches[s.step - 1].map { data.train[$0].ids.count }
                realTokens += lengths.reduce(0, +)
                paddedTokens += lengths.count * (lengths.max() ?? 0)
                flop += try stepFLOPs(model: model, lengths: lengths, targets: o.targets, rank: o.rank, classes: data.labels.count)
            }
            progress(.step(index: s.step, total: total, seconds: s.seconds))
            return .more
        })
        let timed = stepTimes.reduce(0, +)
        let steps = Double(max(1, o.steps))
        let realGflops = Double(flop) / timed / 1e9
        return TaskResult(model: modelName, task: taskName, layout: o.layout.rawValue, threads: o.threads, batch: o.batch,
                          targets: o.targets.map(\.rawValue).joined(separator: ","), rank: o.rank, steps: o.steps,
                          tokensPerS: Double(realTokens) / timed, realTokensPerS: Double(realTokens) / timed,
                          secPerStep: timed / steps, secPerStepMin: stepTimes.min() ?? 0, secPerStepMedian: median(stepTimes),
                          realTokensPerBatch: Double(realTokens) / steps, paddedTokensPerBatch: Double(paddedTokens) / steps,
                          realStepGflop: Double(flop) / steps / 1e9, realGflops: realGflops, sgemmGflops: sgemm,
                          realBoundShare: realGflops / sgemm, peakRssMib: peakResidentMiB(), blas: BLAS.configuration)
    }
}
