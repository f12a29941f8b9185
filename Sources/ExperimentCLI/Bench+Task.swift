import ArgumentParser
import Experiments
import Foundation
import LoRA
import Model
import Support
import Tasks
import Tokenization

extension Bench {
    /// `bench --task`: loads the task's text dataset, tokenizes it with the checkpoint's tokenizer, times steps on its
    /// training batches, and prints the result (and writes the batches' texts when asked).
    func runTask(_ name: String, layout: Batching.Layout, targets: [LoRATarget]) throws {
        try reportingErrors {
            let loaded = try LoadedModel.load(checkpoint: URL(fileURLWithPath: checkpoint), name: checkpoint)
            let (model, tokenizer) = (loaded.model, loaded.tokenizer)
            Console.info("bench: building \(name) from WordNet and tokenizing it…")
            let text = try Self.taskDataset(name, wordnet: wordnet)
            let data = TokenizedDataset(text, tokenizer: tokenizer, maxTokens: Self.maxTokens(name))
            var options = Benchmark.TaskOptions()
            options.batch = batch; options.targets = targets; options.rank = rank; options.steps = steps
            options.warmupSteps = warmup; options.threads = compute.threads ?? options.threads
            options.dataSeed = dataSeed; options.layout = layout; options.padId = tokenizer.padId
            if let dumpBatches {
                let batches = Benchmark.taskBatches(trainCount: data.train.count, batch: batch, dataSeed: dataSeed, count: steps + warmup)
                try AtomicFile.write(Self.batchLines(batches, examples: text.train), to: URL(fileURLWithPath: dumpBatches))
            }
            let result = try Benchmark.runTask(model: model, modelName: checkpoint, taskName: name, data: data, options: options,
                                               progress: progressPrinter())
            Console.endStatus()
            if json {
                try Self.printJSON(result)
            } else {
                print(Self.describe(result))
            }
        }
    }

    /// The built-in WordNet tasks a benchmark can run (defaults as in a spec).
    static func taskDataset(_ name: String, wordnet: String?) throws -> TextDataset {
        switch name {
        case "wordnet-supersense":
            let db = try WordNet(directory: try WordNet.locateDatabase(override: wordnet), parts: [.noun])
            return try WordNetSupersense.build(wordnet: db, options: SupersenseOptions())
        case "wordnet-pairs":
            let db = try WordNet(directory: try WordNet.locateDatabase(override: wordnet), parts: [.noun])
            return try WordNetPairs.build(wordnet: db, options: PairsOptions())
        default:
            throw ValidationError("--task: expected wordnet-supersense or wordnet-pairs, got '\(name)'")
        }
    }

    /// The spec default maximum length of each task (special tokens included).
    static func maxTokens(_ name: String) -> Int { name == "wordnet-pairs" ? 64 : 48 }

    /// One JSON line per example of each batch: {"batch": i, "label": k, "text": …, "text_pair": … or null}.
    static func batchLines(_ batches: [[Int]], examples: [TextExample]) -> String {
        var out = ""
        for (i, indices) in batches.enumerated() {
            for j in indices {
                let e = examples[j]
                let pair = e.textPair.map(JSONValue.quoted) ?? "null"
                out += "{\"batch\":\(i),\"label\":\(e.label),\"text\":\(JSONValue.quoted(e.text)),\"text_pair\":\(pair)}\n"
            }
        }
        return out
    }

    func progressPrinter() -> (Benchmark.Event) -> Void {
        var lastPrint = Date.distantPast
        return { event in
            switch event {
            case .measuringSGEMM: Console.info("bench: measuring square sgemm rate…")
            case let .step(i, total, seconds):
                // Step counts through string interpolation, not %d (which would wrap at 32 bits).
                if Console.isTerminal { Console.status("bench: step \(i)/\(total)  " + String(format: "%.3f s", seconds)) }
                else if Date().timeIntervalSince(lastPrint) > 5 || i == total {
                    Console.info("bench: step \(i)/\(total)  " + String(format: "%.3f s", seconds)); lastPrint = Date()
                }
            }
        }
    }

    /// One JSON object (sorted keys) on stdout: what `--json` promises.
    static func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    static func describe(_ r: Benchmark.TaskResult) -> String {
        """
        model        \(r.model)
        task         \(r.task), batch \(r.batch), \(r.layout) layout, targets \(r.targets), r = \(r.rank), \(r.threads) threads
        real tokens  \(String(format: "%.0f", r.realTokensPerS)) per second (\(String(format: "%.1f", r.realTokensPerBatch)) real of \(String(format: "%.1f", r.paddedTokensPerBatch)) dynamically padded tokens per batch)
        s/step       \(String(format: "%.4f", r.secPerStep)) (min \(String(format: "%.4f", r.secPerStepMin)), median \(String(format: "%.4f", r.secPerStepMedian)))
        step work    \(String(format: "%.2f", r.realStepGflop)) GFLOP of matrix products on real tokens
        achieved     \(String(format: "%.1f", r.realGflops)) GFLOPS = \(String(format: "%.0f", r.realBoundShare * 100)) % of square sgemm (\(String(format: "%.1f", r.sgemmGflops)) GFLOPS)
        peak RSS     \(String(format: "%.0f", r.peakRssMib)) MiB
        BLAS         \(r.blas)
        """
    }
}
