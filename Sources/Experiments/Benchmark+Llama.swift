import Foundation
import LinearAlgebra
import LoRA
import Model

/// `experiment bench --checkpoint <GGUF>`: the Llama training step — forward, causal-LM loss on every token after each
/// sequence's first, backward into the LoRA factors — on random tokens, the step `scripts/bench-llama-pytorch.py` times
/// for PyTorch + PEFT on the same GGUF file (no optimizer step on either side: the optimizer is the same few element-wise
/// passes over the adapters in both engines). `scripts/bench-compare.sh --checkpoint <GGUF>` runs the two in one go.
extension Benchmark {
    public struct CausalLMOptions: Sendable {
        public var batch = 8
        public var tokens = 64
        public var targets: [LlamaTarget] = [.q, .v]
        public var rank = 8
        public var steps = 10
        public var warmupSteps = 2
        public var threads = BLAS.defaultThreads
        public init() {}
    }

    public struct CausalLMResult: Codable, Sendable {
        public var engine = "swift"
        public var model: String
        public var threads: Int
        public var batch: Int
        public var seq: Int
        public var targets: String
        public var rank: Int
        public var steps: Int
        /// Tokens per second at the median step (batch × seq tokens, all real: the batch is packed).
        public var tokensPerS: Double
        public var secPerStepMin: Double
        public var secPerStepMedian: Double
        public var peakRssMib: Double
        public var blas: String

        enum CodingKeys: String, CodingKey {
            case engine, model, threads, batch, seq, targets, rank, steps, blas
            case tokensPerS = "tokens_per_s", secPerStepMin = "sec_per_step_min", secPerStepMedian = "sec_per_step_median"
            case peakRssMib = "peak_rss_mib"
        }
    }

    /// Times `o.steps` steps after `o.warmupSteps` untimed ones, each on a fresh packed batch of `o.batch` sequences of
    /// `o.tokens` random ids in [1000, V) (seeded), with fresh LoRA adapters (α = 2r as the PyTorch script's, init seed 1)
    /// on `o.targets` of every layer; the adapters are removed afterwards.
    public static func runCausalLM(model: LlamaModel, modelName: String, options o: CausalLMOptions,
                                   progress: (Event) -> Void = { _ in }) throws -> CausalLMResult {
        BLAS.threads = o.threads
        Parallel.width = o.threads
        defer { model.detachAdapters() }
        let adapters = model.attachAdapters(targets: o.targets, parameters: LoRAParameters(rank: o.rank, alpha: Double(2 * o.rank)), initSeed: 1)
        model.setTraining(true, modelDropout: false)
        var rng = SeededGenerator(seed: 7, stream: "bench-causal-lm")
        let vocab = model.config.vocabularySize, low = min(1000, vocab / 2)
        let mask = [Float](repeating: 1, count: o.batch * o.tokens)
        let ws = LlamaWorkspace(config: model.config)
        var times: [Double] = []
        let total = o.warmupSteps + o.steps
        for step in 1...total {
            let batch = Batch(packing: (0..<o.batch).map { _ in
                (ids: (0..<o.tokens).map { _ in Int32(low + rng.nextInt(below: vocab - low)) }, typeIds: [Int32](repeating: 0, count: o.tokens))
            })
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try model.causalLMLoss(batch, targetMask: mask, workspace: ws, backward: true)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            for a in adapters { a.a.zeroGrad(); a.b.zeroGrad() }
            if step > o.warmupSteps { times.append(seconds) }
            progress(.step(index: step, total: total, seconds: seconds))
        }
        let medianSeconds = median(times)
        return CausalLMResult(model: modelName, threads: o.threads, batch: o.batch, seq: o.tokens,
                              targets: o.targets.map(\.rawValue).joined(separator: ","), rank: o.rank, steps: o.steps,
                              tokensPerS: Double(o.batch * o.tokens) / medianSeconds, secPerStepMin: times.min() ?? 0,
                              secPerStepMedian: medianSeconds, peakRssMib: peakResidentMiB(), blas: BLAS.configuration)
    }
}
