import Foundation
import LinearAlgebra
import LoRA
import Model
import SafeTensors
import Tasks
import Tokenization

/// `experiment predict`: one base model in memory, many task adapters swapped in per request (the paper's Sec 4.2
/// "switch tasks by swapping only the LoRA weights"). For each adapter the frozen model is reused as loaded: swapping
/// detaches the previous adapter's A, B (and, merged, subtracts its ΔW from W again) and attaches the next one's — no
/// weight file of the base model is read twice. Merged mode adds ΔW = (α/r)·B·A into each adapted W first, so the
/// forward pass runs the base model's products only.
public enum Prediction {
    /// A classification head saved beside a run's adapter (`head.safetensors`: `head.weight` (K × d), `head.bias` (K),
    /// metadata `labels`: the K label names as a JSON array).
    public struct Head: Sendable {
        public let weight: Matrix<Float>
        public let bias: [Float]
        public let labels: [String]

        /// Reads `url`; every defect is a `ReportError.invalidInput` naming the file and the field.
        public static func read(_ url: URL, width d: Int) throws -> Head {
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw ReportError.invalidInput(file: url.path, reason: "no such file (a run folder keeps head.safetensors beside adapter/; pass --head)")
            }
            let file = try SafeTensorsFile(contentsOf: url)
            guard let info = file.info("head.weight"), info.shape.count == 2, info.shape[1] == d, info.shape[0] >= 1 else {
                throw ReportError.invalidInput(file: url.path, reason: "tensor 'head.weight' must be (K, \(d))")
            }
            let k = info.shape[0]
            let weight = Matrix(rows: k, cols: d, storage: try file.floats("head.weight", shape: [k, d]))
            let bias = try file.floats("head.bias", shape: [k])
            var labels = (0..<k).map { "\($0)" }
            if let json = file.metadata["labels"], let names = try? JSONDecoder().decode([String].self, from: Data(json.utf8)) {
                guard names.count == k else {
                    throw ReportError.invalidInput(file: url.path, reason: "metadata 'labels' names \(names.count) labels, head.weight has \(k) rows")
                }
                labels = names
            }
            return Head(weight: weight, bias: bias, labels: labels)
        }
    }

    /// One input text (and optional second segment) with the caller's id.
    public struct Input: Sendable {
        public var id: String
        public var text: String
        public var pair: String?
        public init(id: String, text: String, pair: String? = nil) { self.id = id; self.text = text; self.pair = pair }
    }

    /// One prediction: the arg-max label and its softmax probability.
    public struct Row: Sendable, Equatable {
        public var adapter: String
        public var id: String
        public var label: String
        public var labelIndex: Int
        public var probability: Double
    }

    /// Predictions of every input under each adapter in turn, in packed batches of 64 through a forward-only workspace.
    /// The model ends as it started: no adapter attached, W unmerged.
    public static func run(model: any AdaptableModel, tokenizer: any Tokenizer, adapters: [(name: String, adapters: [LoRAAdapter], head: Head)],
                           inputs: [Input], merged: Bool) throws -> [Row] {
        let encoded = inputs.map { tokenizer.encode($0.text, pair: $0.pair, maxLength: model.maxPositions) }
        let workspace = model.makeWorkspace(forInference: true)
        var rows: [Row] = []
        model.detachAdapters()
        defer { model.detachAdapters() }
        for entry in adapters {
            try model.attach(entry.adapters)
            model.setTraining(false)
            let linears = entry.adapters.compactMap { model.linear(layer: $0.layer, site: $0.site) }
            if merged { for l in linears { try l.merge() } }
            defer {
                if merged { for l in linears { try? l.unmerge() } }
                model.detachAdapters()
            }
            let probs = try classify(model: model, workspace: workspace, encoded: encoded, head: entry.head)
            for (i, p) in probs.enumerated() {
                let best = p.indices.max { p[$0] < p[$1] }!
                rows.append(Row(adapter: entry.name, id: inputs[i].id, label: entry.head.labels[best], labelIndex: best, probability: p[best]))
            }
        }
        return rows
    }

    /// Softmax class probabilities (one array of K per input) of `head` on the mean-pooled final hidden states.
    static func classify(model: any AdaptableModel, workspace: any ModelWorkspace, encoded: [Encoding], head: Head) throws -> [[Double]] {
        let d = model.hiddenSize, k = head.labels.count
        var out: [[Double]] = []
        for start in stride(from: 0, to: encoded.count, by: 64) {
            let chunk = encoded[start..<min(encoded.count, start + 64)]
            let batch = Batch(packing: chunk.map { ($0.ids, $0.typeIds) })
            let pooled = FloatBuffer(capacity: batch.batchSize * d)
            try withExtendedLifetime(workspace) {
                let hidden = try model.forward(batch, in: workspace)
                Pooling.mean.forward(out: pooled.p, hidden: hidden.base, mask: batch.mask, offsets: batch.offsets, width: d)
            }
            for b in 0..<batch.batchSize {
                var z = (0..<k).map { c in Double(head.bias[c]) + (0..<d).reduce(0.0) { $0 + Double(head.weight[c, $1]) * Double(pooled.p[b * d + $1]) } }
                let m = z.max()!
                z = z.map { Foundation.exp($0 - m) }
                let s = z.reduce(0, +)
                out.append(z.map { $0 / s })
            }
        }
        return out
    }
}
