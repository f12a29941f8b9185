import ArgumentParser
import Experiments
import Foundation
import LoRA
import Model
import Tasks

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time full LoRA training steps (forward, backward, AdamW) on random tokens, or on a task's real batches.",
        discussion: "Warm-up steps are excluded. Reports tokens/s, seconds per step, the achieved GFLOPS of the step's matrix products (exact count) and that rate as a share of a square-sgemm rate measured in the same run. With --task the steps run on the task's training batches in a run's order (packed, padding-free, as training runs them; --layout padded times the dynamic-padding reference on the same batches): tokens/s counts real tokens and the bound counts the products on real tokens only; --dump-batches writes those batches' texts so another engine can run the same steps. scripts/bench-compare.sh runs this beside PyTorch + PEFT.")

    @Option(help: "Checkpoint directory, or a GGUF file (or a folder holding one): then the Llama causal-LM step is timed (scripts/bench-llama-pytorch.py times PyTorch + PEFT's).")
    var checkpoint: String = "models/all-MiniLM-L6-v2"
    @Option(help: "Sequences per batch.") var batch: Int = 32
    @Option(help: "Tokens per sequence (fixed shape, no padding; ignored with --task).") var seq: Int = 32
    @Option(help: "Time real batches of this task's training split instead of random tokens: wordnet-supersense or wordnet-pairs.")
    var task: String?
    @Option(help: "With --task: packed (padding-free, what training uses) or padded (dynamic padding, the reference layout).")
    var layout: String = "packed"
    @Option(help: "With --task: the data-order seed whose batches are timed.") var dataSeed: UInt64 = 1
    @Option(help: "With --task: write the timed batches (warm-up first) as JSON Lines {batch, text, text_pair, label} to this file.")
    var dumpBatches: String?
    @Flag(help: "Time forward passes instead (batch 1 and 32, --seq tokens each): the base model, LoRA unmerged and merged on --targets at --rank, and Houlsby bottleneck adapters of the same trainable-parameter count.")
    var inference = false
    @Option(help: "With --task: the WordNet database folder (default: $WNSEARCHDIR, then the wordnet-base package's folder).")
    var wordnet: String?
    @Option(help: "Comma-separated adapted matrices: q,k,v,o,ffn_up,ffn_down.") var targets: String = "q,v"
    @Option(help: "LoRA rank r.") var rank: Int = 8
    @Option(help: "Timed steps.") var steps: Int = 20
    @Option(help: "Untimed warm-up steps.") var warmup: Int = 3
    @OptionGroup var compute: ComputeOptions
    @Flag(help: "Print one JSON object on stdout and nothing else.") var json = false

    func run() throws {
        try compute.apply()
        if LoadedModel.isGGUF(URL(fileURLWithPath: checkpoint)) {
            return try reportingErrors {
                guard let llama = try LoadedModel.load(checkpoint: URL(fileURLWithPath: checkpoint), name: checkpoint).model as? LlamaModel else {
                    throw CLIFailure(message: "\(checkpoint): not a Llama GGUF checkpoint", code: 1)
                }
                try runCausalLM(llama)
            }
        }
        let parsedTargets = try targets.split(separator: ",").map { raw -> LoRATarget in
            guard let t = LoRATarget(rawValue: String(raw)), LoRATarget.encoderTargets.contains(t) else {
                throw ValidationError("--targets: unknown target '\(raw)' (expected q, k, v, o, ffn_up, ffn_down)")
            }
            return t
        }
        guard batch > 0, seq > 0, steps > 0, warmup >= 0, rank > 0 else { throw ValidationError("--batch, --seq, --steps and --rank must be positive") }
        if inference { return try runInference(targets: parsedTargets) }
        if let task {
            guard let layout = Batching.Layout(rawValue: layout) else { throw ValidationError("--layout: expected packed or padded, got '\(layout)'") }
            return try runTask(task, layout: layout, targets: parsedTargets)
        }
        try reportingErrors {
            let model = try LoadedModel.load(checkpoint: URL(fileURLWithPath: checkpoint), name: checkpoint).model
            var options = Benchmark.Options()
            options.batch = batch; options.tokens = seq; options.targets = parsedTargets; options.rank = rank
            options.steps = steps; options.warmupSteps = warmup; options.threads = compute.threads ?? options.threads
            let result = try Benchmark.run(model: model, modelName: checkpoint, options: options, progress: progressPrinter())
            Console.endStatus()
            if json {
                try Self.printJSON(result)
            } else {
                print("""
                model        \(result.model)
                shape        \(result.batch) × \(result.seq) tokens, targets \(result.targets), r = \(result.rank), \(result.threads) threads
                tokens/s     \(String(format: "%.0f", result.tokensPerS))
                s/step       \(String(format: "%.4f", result.secPerStep)) (min \(String(format: "%.4f", result.secPerStepMin)), median \(String(format: "%.4f", result.secPerStepMedian)))
                step work    \(String(format: "%.2f", result.stepGflop)) GFLOP of matrix products
                achieved     \(String(format: "%.1f", result.gflops)) GFLOPS = \(String(format: "%.0f", result.sgemmShare * 100)) % of square sgemm (\(String(format: "%.1f", result.sgemmGflops)) GFLOPS)
                peak RSS     \(String(format: "%.0f", result.peakRssMib)) MiB (\(String(format: "%.0f", result.peakRssAfterWarmupMib)) MiB after warm-up)
                BLAS         \(result.blas)
                """)
            }
        }
    }
}
