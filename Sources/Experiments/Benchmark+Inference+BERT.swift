import Foundation
import LinearAlgebra
import LoRA
import Model

/// `experiment bench --inference`: forward-pass latency of the base model, LoRA unmerged, LoRA merged (W + ΔW baked in)
/// and Houlsby-style bottleneck adapters of the same trainable-parameter count, at batch 1 and batch 32, on random
/// tokens of one length — the paper's claims that a merged LoRA adds no inference latency while adapter layers do
/// (Sec 3 and 4.2; 20–30 % for GPT-2 medium at batch size 1 in its Table 1).
extension Benchmark {
    public struct InferenceOptions: Sendable {
        public var tokens = 16
        public var targets: [LoRATarget] = [.q, .v]
        public var rank = 8
        /// Timed calls at batch 1 and at batch 32 (after 5 untimed ones each).
        public var callsBatch1 = 200
        public var callsBatch32 = 40
        public var threads = BLAS.defaultThreads
        public init() {}
    }

    public struct InferenceRow: Codable, Sendable {
        public var mode: String
        public var batch: Int
        public var trainableParameters: Int
        public var msPerCallMedian: Double
        public var msPerCallMin: Double
        public var msPerExampleMedian: Double
        /// Median latency relative to the base model's at the same batch size, minus 1 (0.05 = 5 % slower).
        public var overheadVsBase: Double
        enum CodingKeys: String, CodingKey {
            case mode, batch, trainableParameters = "trainable_parameters", msPerCallMedian = "ms_per_call_median"
            case msPerCallMin = "ms_per_call_min", msPerExampleMedian = "ms_per_example_median", overheadVsBase = "overhead_vs_base"
        }
    }

    public struct InferenceResult: Codable, Sendable {
        public var engine = "swift"
        public var model: String
        public var threads: Int
        public var tokens: Int
        public var targets: String
        public var rank: Int
        public var bottleneck: Int
        public var rows: [InferenceRow]
    }

    /// Times the four modes on `model` (adapters attached here, removed and unmerged afterwards).
    public static func runInference(model: BertModel, modelName: String, options o: InferenceOptions,
                                    progress: (String) -> Void = { _ in }) throws -> InferenceResult {
        BLAS.threads = o.threads
        Parallel.width = o.threads
        model.detachAdapters()
        defer { clearInferenceModes(model) }
        let d = model.config.hiddenSize
        // LoRA on `targets` at rank r; Houlsby adapters with bottleneck m so that 2 insertions × (2·d·m) per layer match
        // LoRA's Σ r·(in + out) per layer (biases aside).
        let loraPerLayer = o.targets.map { t -> Int in let (i, out) = model.dimensions(of: t); return o.rank * (i + out) }.reduce(0, +)
        let m = max(1, Int((Double(loraPerLayer) / Double(4 * d)).rounded()))
        var rng = SeededGenerator(seed: 3, stream: "bench-inference")
        func batch(_ b: Int) -> Batch {
            Batch(packing: (0..<b).map { _ in
                let vocab = model.config.vocabularySize, low = min(1000, vocab / 2)    // skip [unused…] and special tokens
                let ids = (0..<o.tokens).map { _ in Int32(low + rng.nextInt(below: vocab - low)) }
                return (ids, [Int32](repeating: 0, count: o.tokens))
            })
        }
        let inputs = [1: batch(1), 32: batch(32)]
        let workspace = EncoderWorkspace(config: model.config, forInference: true)
        // Rounds of every mode in turn, so slow drift of the machine's load hits all modes alike; medians over all rounds.
        let modes = ["base", "lora-unmerged", "lora-merged", "houlsby"]
        var times: [String: [Double]] = [:], trainable: [String: Int] = [:]
        for round in 0..<inferenceRounds {
            for mode in modes {
                trainable[mode] = try setInferenceMode(mode, model: model, targets: o.targets, rank: o.rank, bottleneck: m)
                for b in [1, 32] {
                    progress("round \(round + 1)/\(inferenceRounds): \(mode), batch \(b)")
                    let calls = max(1, (b == 1 ? o.callsBatch1 : o.callsBatch32) / inferenceRounds)
                    times["\(mode)/\(b)", default: []] += try timeForward(model, batch: inputs[b]!, workspace: workspace, calls: calls)
                }
                clearInferenceModes(model)
            }
        }
        var rows: [InferenceRow] = []
        for mode in modes {
            for b in [1, 32] {
                let t = times["\(mode)/\(b)"]!
                let medianMs = median(t) * 1000, baseMs = median(times["base/\(b)"]!) * 1000
                rows.append(InferenceRow(mode: mode, batch: b, trainableParameters: trainable[mode] ?? 0, msPerCallMedian: medianMs,
                                         msPerCallMin: (t.min() ?? 0) * 1000, msPerExampleMedian: medianMs / Double(b),
                                         overheadVsBase: medianMs / baseMs - 1))
            }
        }
        return InferenceResult(model: modelName, threads: o.threads, tokens: o.tokens, targets: o.targets.map(\.rawValue).joined(separator: ","),
                               rank: o.rank, bottleneck: m, rows: rows)
    }

    /// Rounds over which each mode's calls are spread.
    static let inferenceRounds = 5

    /// Puts `model` in one mode and returns its trainable-parameter count (0 for the base model).
    static func setInferenceMode(_ mode: String, model: BertModel, targets: [LoRATarget], rank: Int, bottleneck m: Int) throws -> Int {
        switch mode {
        case "lora-unmerged", "lora-merged":
            let adapters = model.attachAdapters(targets: targets, parameters: LoRAParameters(rank: rank, alpha: 8), initSeed: 1)
            var rng = SeededGenerator(seed: 4, stream: "bench-inference-b")
            for a in adapters { a.b.value = .gaussian(rows: a.b.value.rows, cols: a.b.value.cols, std: 0.01, using: &rng) }
            model.setTraining(false)
            if mode == "lora-merged" { for a in adapters { try model.layers[a.layer].linear(a.target).merge() } }
            return adapters.map(\.parameterCount).reduce(0, +)
        case "houlsby":
            var n = 0
            for (l, layer) in model.layers.enumerated() {
                layer.attentionBottleneck = BottleneckAdapter(width: model.config.hiddenSize, bottleneck: m, seed: UInt64(2 * l + 1))
                layer.ffnBottleneck = BottleneckAdapter(width: model.config.hiddenSize, bottleneck: m, seed: UInt64(2 * l + 2))
                n += layer.attentionBottleneck!.parameterCount + layer.ffnBottleneck!.parameterCount
            }
            return n
        default:
            return 0
        }
    }

    /// Unmerges and detaches LoRA adapters and removes bottleneck adapters.
    static func clearInferenceModes(_ model: BertModel) {
        for layer in model.layers {
            for t in LoRATarget.encoderTargets { try? layer.linear(t).unmerge() }
            layer.attentionBottleneck = nil
            layer.ffnBottleneck = nil
        }
        model.detachAdapters()
    }

    /// Seconds per forward call over `calls` timed calls after 5 untimed ones.
    static func timeForward(_ model: BertModel, batch: Batch, workspace: EncoderWorkspace, calls: Int) throws -> [Double] {
        var times: [Double] = []
        for i in 0..<(calls + 5) {
            let start = DispatchTime.now().uptimeNanoseconds
            try withExtendedLifetime(workspace) { _ = try model.forward(batch, workspace: workspace) }
            if i >= 5 { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
        }
        return times
    }
}
