import ArgumentParser
import Experiments
import Foundation
import LoRA
import Model

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time full LoRA training steps (forward, backward, AdamW) on random tokens.",
        discussion: "Warm-up steps are excluded. Reports tokens/s, seconds per step, the achieved GFLOPS of the step's matrix products (exact count) and that rate as a share of a square-sgemm rate measured in the same run. scripts/bench-compare.sh runs this beside PyTorch + PEFT.")

    @Option(help: "Checkpoint directory.")
    var checkpoint: String = "models/all-MiniLM-L6-v2"
    @Option(help: "Sequences per batch.") var batch: Int = 32
    @Option(help: "Tokens per sequence (fixed shape, no padding).") var seq: Int = 32
    @Option(help: "Comma-separated adapted matrices: q,k,v,o,ffn_up,ffn_down.") var targets: String = "q,v"
    @Option(help: "LoRA rank r.") var rank: Int = 8
    @Option(help: "Timed steps.") var steps: Int = 20
    @Option(help: "Untimed warm-up steps.") var warmup: Int = 3
    @OptionGroup var compute: ComputeOptions
    @Flag(help: "Print one JSON object on stdout and nothing else.") var json = false

    func run() throws {
        try compute.apply()
        let parsedTargets = try targets.split(separator: ",").map { raw -> LoRATarget in
            guard let t = LoRATarget(rawValue: String(raw)) else {
                throw ValidationError("--targets: unknown target '\(raw)' (expected q, k, v, o, ffn_up, ffn_down)")
            }
            return t
        }
        guard batch > 0, seq > 0, steps > 0, warmup >= 0, rank > 0 else { throw ValidationError("--batch, --seq, --steps and --rank must be positive") }
        try reportingErrors {
            let model = try BertModel.load(checkpointDirectory: URL(fileURLWithPath: checkpoint))
            var options = Benchmark.Options()
            options.batch = batch; options.tokens = seq; options.targets = parsedTargets; options.rank = rank
            options.steps = steps; options.warmupSteps = warmup; options.threads = compute.threads ?? options.threads
            var lastPrint = Date.distantPast
            let result = try Benchmark.run(model: model, modelName: checkpoint, options: options) { event in
                switch event {
                case .measuringSGEMM: Console.info("bench: measuring square sgemm rate…")
                case let .step(i, total, seconds):
                    if Console.isTerminal { Console.status("bench: step \(i)/\(total)  " + String(format: "%.3f s", seconds)) }
                    else if Date().timeIntervalSince(lastPrint) > 5 || i == total {
                        Console.info("bench: step \(i)/\(total)  " + String(format: "%.3f s", seconds)); lastPrint = Date()
                    }
                }
            }
            Console.endStatus()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(result), as: UTF8.self))
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
