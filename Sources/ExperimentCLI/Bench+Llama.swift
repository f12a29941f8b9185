import ArgumentParser
import Experiments
import Foundation
import LoRA
import Model

/// `bench --checkpoint <GGUF>`: the Llama step (`Benchmark.runCausalLM`) with this command's --batch, --seq, --targets
/// (q, k, v, o, ffn_gate, ffn_up, ffn_down), --rank, --steps, --warmup and threads.
extension Bench {
    func runCausalLM(_ model: LlamaModel) throws {
        guard task == nil, !inference else {
            throw CLIFailure(message: "--task and --inference time BERT encoders; a GGUF checkpoint benchmarks the causal-LM training step", code: 2)
        }
        let targets = try self.targets.split(separator: ",").map { raw -> LlamaTarget in
            guard let t = LlamaTarget(rawValue: String(raw)) else {
                throw CLIFailure(message: "--targets: unknown Llama target '\(raw)' (expected q, k, v, o, ffn_gate, ffn_up, ffn_down)", code: 2)
            }
            return t
        }
        var o = Benchmark.CausalLMOptions()
        o.batch = batch; o.tokens = seq; o.targets = targets; o.rank = rank; o.steps = steps; o.warmupSteps = warmup
        o.threads = compute.threads ?? o.threads
        let r = try Benchmark.runCausalLM(model: model, modelName: checkpoint, options: o, progress: progressPrinter())
        Console.endStatus()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(r), as: UTF8.self))
        } else {
            print("""
            model        \(r.model)
            step         forward + causal-LM loss + backward (no optimizer step), packed, every token after the first a target
            shape        \(r.batch) × \(r.seq) tokens, targets \(r.targets), r = \(r.rank), \(r.threads) threads
            tokens/s     \(String(format: "%.0f", r.tokensPerS)) (at the median step)
            s/step       median \(String(format: "%.4f", r.secPerStepMedian)), min \(String(format: "%.4f", r.secPerStepMin))
            peak RSS     \(String(format: "%.0f", r.peakRssMib)) MiB
            BLAS         \(r.blas)
            """)
        }
    }
}
