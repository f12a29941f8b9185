import ArgumentParser
import Experiments
import Foundation
import LoRA
import Model

extension Bench {
    /// `bench --inference`: latency of the four modes at batch 1 and 32 (tokens per sequence from --seq).
    func runInference(targets: [LoRATarget]) throws {
        try reportingErrors {
            let model = try BertModel.load(checkpointDirectory: URL(fileURLWithPath: checkpoint))
            var options = Benchmark.InferenceOptions()
            options.tokens = seq; options.targets = targets; options.rank = rank
            options.threads = compute.threads ?? options.threads
            let result = try Benchmark.runInference(model: model, modelName: checkpoint, options: options) { Console.info("bench: \($0)…") }
            if json {
                try Self.printJSON(result)
                return
            }
            print("model \(result.model); \(result.tokens) tokens per sequence, \(result.threads) threads; LoRA on \(result.targets) at r = \(result.rank); Houlsby bottleneck m = \(result.bottleneck)")
            print("mode           batch  trainable  ms/call (median)  ms/call (min)  ms/example  vs base")
            for r in result.rows {
                print(r.mode.padding(toLength: 15, withPad: " ", startingAt: 0) + String(r.batch).padding(toLength: 7, withPad: " ", startingAt: 0)
                      + String(r.trainableParameters).padding(toLength: 11, withPad: " ", startingAt: 0)
                      + String(format: "%-18.3f%-15.3f%-12.3f%+.1f %%", r.msPerCallMedian, r.msPerCallMin, r.msPerExampleMedian, 100 * r.overheadVsBase))
            }
        }
    }
}
